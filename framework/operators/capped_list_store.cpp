#include "operators/capped_list_store.h"

#include <algorithm>
#include <cstring>

namespace sluice::ops::capped {

namespace {

constexpr size_t kEntryHeader = 12;  // int64 time + uint32 length

uint32_t load_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

void store_u32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

int64_t load_i64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return static_cast<int64_t>(v);
}

void append_entry(std::string& out, Timestamp ts, std::string_view bytes) {
  char head[kEntryHeader];
  const auto v = static_cast<uint64_t>(ts.ms());
  for (int i = 0; i < 8; ++i) head[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  store_u32(head + 8, static_cast<uint32_t>(bytes.size()));
  out.append(head, kEntryHeader);
  out.append(bytes);
}

// Every stored entry, in arrival order.
Status parse(std::string_view list, std::vector<CappedEntryView>& out, uint32_t& cap) {
  out.clear();
  if (list.size() < kHeaderSize) return Status::Corruption("capped list: truncated header");
  const uint32_t count = load_u32(list.data());
  cap = load_u32(list.data() + 4);
  size_t pos = kHeaderSize;
  out.reserve(std::min<size_t>(count, list.size() / kEntryHeader));
  for (uint32_t i = 0; i < count; ++i) {
    if (list.size() - pos < kEntryHeader) return Status::Corruption("capped list: truncated");
    const int64_t ts = load_i64(list.data() + pos);
    const uint32_t len = load_u32(list.data() + pos + 8);
    pos += kEntryHeader;
    if (list.size() - pos < len) return Status::Corruption("capped list: truncated entry");
    out.push_back(CappedEntryView{Timestamp(ts), list.substr(pos, len), i});
    pos += len;
  }
  if (pos != list.size()) return Status::Corruption("capped list: trailing bytes");
  return Status::Ok();
}

bool newer(const CappedEntryView& a, const CappedEntryView& b) {
  return a.timestamp != b.timestamp ? a.timestamp > b.timestamp : a.arrival > b.arrival;
}

}  // namespace

void store_key(std::string_view key, std::string_view sub_key, std::string& out) {
  out.assign(key);
  out.push_back('\0');
  out.append(sub_key);
}

void append(std::string& list, size_t cap, Timestamp ts, std::string_view bytes) {
  if (list.size() < kHeaderSize) {
    list.assign(kHeaderSize, '\0');
    store_u32(list.data() + 4, static_cast<uint32_t>(cap));
  }
  const uint32_t count = load_u32(list.data()) + 1;
  append_entry(list, ts, bytes);
  store_u32(list.data(), count);
  if (count <= 2 * cap) return;
  // Compaction: keep the newest `cap`, re-encoded oldest first so that arrival order among
  // equal times survives (a later append is always a later arrival).
  std::vector<CappedEntryView> views;
  uint32_t stored_cap = 0;
  if (!parse(list, views, stored_cap).ok()) return;  // cannot happen: we just wrote it
  std::sort(views.begin(), views.end(), newer);
  views.resize(cap);
  std::reverse(views.begin(), views.end());
  std::string out;
  out.reserve(list.size());
  out.assign(kHeaderSize, '\0');
  store_u32(out.data(), static_cast<uint32_t>(views.size()));
  store_u32(out.data() + 4, static_cast<uint32_t>(cap));
  for (const auto& v : views) append_entry(out, v.timestamp, v.bytes);
  list.swap(out);
}

Result<std::vector<CappedEntryView>> entries(std::string_view list) {
  std::vector<CappedEntryView> views;
  uint32_t cap = 0;
  SLUICE_RETURN_IF_ERROR(parse(list, views, cap));
  std::sort(views.begin(), views.end(), newer);
  if (views.size() > cap) views.resize(cap);
  return views;
}

}  // namespace sluice::ops::capped

namespace sluice::ops {

namespace {

Status collect(std::string_view sub_key, std::string_view list, Timestamp from, Timestamp to,
               std::vector<CappedEntry>& out) {
  auto views = capped::entries(list);
  SLUICE_RETURN_IF_ERROR(views.status());
  for (const auto& v : *views) {
    if (v.timestamp < from || v.timestamp >= to) continue;
    out.push_back(CappedEntry{v.timestamp, std::string(sub_key), std::string(v.bytes)});
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<CappedEntry>> query(state::KeyValueStore& store, std::string_view key,
                                       const std::vector<std::string>& sub_keys, Timestamp from,
                                       Timestamp to, size_t limit) {
  std::vector<CappedEntry> out;
  std::string skey;
  if (sub_keys.empty()) {
    capped::store_key(key, {}, skey);
    std::string end = skey;
    end.back() = '\1';
    auto it = store.range(skey, end);
    for (; it->valid(); it->next()) {
      const std::string_view sub = it->key().substr(skey.size());
      SLUICE_RETURN_IF_ERROR(collect(sub, it->value(), from, to, out));
    }
    SLUICE_RETURN_IF_ERROR(it->status());
  } else {
    std::string value;
    for (size_t i = 0; i < sub_keys.size(); ++i) {
      if (std::find(sub_keys.begin(), sub_keys.begin() + i, sub_keys[i]) != sub_keys.begin() + i) {
        continue;  // listed twice
      }
      capped::store_key(key, sub_keys[i], skey);
      Status st = store.get(skey, value);
      if (st.code() == Status::Code::kNotFound) continue;
      SLUICE_RETURN_IF_ERROR(st);
      SLUICE_RETURN_IF_ERROR(collect(sub_keys[i], value, from, to, out));
    }
  }
  // Each sub-key's entries are already newest first; a stable sort keeps that order for equal
  // times, and the sub-key order across them.
  std::stable_sort(out.begin(), out.end(), [](const CappedEntry& a, const CappedEntry& b) {
    return a.timestamp > b.timestamp;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace sluice::ops
