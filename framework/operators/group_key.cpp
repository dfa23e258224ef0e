#include "operators/group_key.h"

#include <charconv>
#include <cstring>

namespace sluice::ops {

namespace {

constexpr uint8_t kNotInSet = 0;
constexpr uint8_t kAbsent = 1;
constexpr uint8_t kValue = 2;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

void put_fixed64(std::string& out, uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(buf, 8);
}

uint64_t get_fixed64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  return v;
}

// Reads the field's value from the record into a GroupValue (strings point into the record).
GroupValue read_value(const GroupField& f, const Record& record) {
  GroupValue v;
  if (f.record_key) {
    v.state = GroupValue::State::kValue;
    v.s = record.key;
    return v;
  }
  const serde::Row& row = record.value;
  if (!row.has(f.slot)) {
    v.state = GroupValue::State::kAbsent;
    return v;
  }
  v.state = GroupValue::State::kValue;
  switch (f.type) {
    case serde::FieldType::kBool:
      v.b = row.get_bool(f.slot);
      break;
    case serde::FieldType::kInt64:
      v.i = row.get_int(f.slot);
      break;
    case serde::FieldType::kDouble:
      v.d = row.get_double(f.slot);
      break;
    case serde::FieldType::kString:
      v.s = row.get_string(f.slot);
      break;
    case serde::FieldType::kList:
      v.state = GroupValue::State::kAbsent;  // rejected at build time
      break;
  }
  return v;
}

}  // namespace

void append_value_text(serde::FieldType type, const GroupValue& v, std::string& out) {
  char buf[32];
  switch (type) {
    case serde::FieldType::kBool:
      out.append(v.b ? "true" : "false");
      return;
    case serde::FieldType::kInt64: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.i);
      out.append(buf, r.ptr);
      return;
    }
    case serde::FieldType::kDouble: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.d);
      out.append(buf, r.ptr);
      return;
    }
    case serde::FieldType::kString:
      out.append(v.s);
      return;
    case serde::FieldType::kList:
      return;
  }
}

GroupKeyCodec::GroupKeyCodec(std::vector<GroupField> fields,
                             const std::vector<std::vector<uint32_t>>& sets)
    : fields_(std::move(fields)), num_sets_(sets.size()), member_(sets.size() * fields_.size()) {
  for (size_t k = 0; k < sets.size(); ++k) {
    for (uint32_t f : sets[k]) member_[k * fields_.size() + f] = 1;
  }
}

void GroupKeyCodec::prepare(const Record& record, Prepared& out, bool with_text) const {
  out.encoded.resize(fields_.size());
  out.text.resize(fields_.size());
  for (size_t j = 0; j < fields_.size(); ++j) {
    std::string& enc = out.encoded[j];
    enc.clear();
    const GroupValue v = read_value(fields_[j], record);
    if (with_text) {
      out.text[j].clear();
      if (v.state == GroupValue::State::kValue) append_value_text(fields_[j].type, v, out.text[j]);
    }
    if (v.state != GroupValue::State::kValue) {
      enc.push_back(static_cast<char>(kAbsent));
      continue;
    }
    enc.push_back(static_cast<char>(kValue));
    switch (fields_[j].type) {
      case serde::FieldType::kBool:
        put_varint(enc, 1);
        enc.push_back(v.b ? 1 : 0);
        break;
      case serde::FieldType::kInt64:
        put_varint(enc, 8);
        put_fixed64(enc, static_cast<uint64_t>(v.i));
        break;
      case serde::FieldType::kDouble: {
        uint64_t bits;
        std::memcpy(&bits, &v.d, 8);
        put_varint(enc, 8);
        put_fixed64(enc, bits);
        break;
      }
      case serde::FieldType::kString:
      case serde::FieldType::kList:
        put_varint(enc, v.s.size());
        enc.append(v.s);
        break;
    }
  }
}

void GroupKeyCodec::encode(uint32_t set, const Prepared& record, std::string& out) const {
  out.clear();
  put_varint(out, set);
  for (size_t j = 0; j < fields_.size(); ++j) {
    if (in_set(set, j)) {
      out.append(record.encoded[j]);
    } else {
      out.push_back(static_cast<char>(kNotInSet));
    }
  }
}

void GroupKeyCodec::readable(uint32_t set, const Prepared& record, std::string& out) const {
  out.clear();
  for (size_t j = 0; j < fields_.size(); ++j) {
    if (j > 0) out.push_back('|');
    if (in_set(set, j)) {
      out.append(record.text[j]);
    } else {
      out.push_back('*');
    }
  }
}

void GroupKeyCodec::encode(uint32_t set, const Record& record, std::string& out) const {
  Prepared p;
  prepare(record, p, false);
  encode(set, p, out);
}

void GroupKeyCodec::readable(uint32_t set, const Record& record, std::string& out) const {
  Prepared p;
  prepare(record, p, true);
  readable(set, p, out);
}

Status GroupKeyCodec::decode(std::string_view in, DecodedGroupKey& out) const {
  uint64_t set = 0;
  if (!get_varint(in, set) || set >= num_sets_) {
    return Status::Corruption("group key: bad grouping set id");
  }
  out.set = static_cast<uint32_t>(set);
  out.values.resize(fields_.size());
  for (size_t j = 0; j < fields_.size(); ++j) {
    GroupValue& v = out.values[j];
    v = GroupValue{};
    if (in.empty()) return Status::Corruption("group key: truncated");
    const auto tag = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    if (tag == kNotInSet) continue;
    if (tag == kAbsent) {
      v.state = GroupValue::State::kAbsent;
      continue;
    }
    uint64_t len = 0;
    if (tag != kValue || !get_varint(in, len) || len > in.size()) {
      return Status::Corruption("group key: bad field encoding");
    }
    const std::string_view bytes = in.substr(0, len);
    in.remove_prefix(len);
    v.state = GroupValue::State::kValue;
    switch (fields_[j].type) {
      case serde::FieldType::kBool:
        if (len != 1) return Status::Corruption("group key: bad bool");
        v.b = bytes[0] != 0;
        break;
      case serde::FieldType::kInt64:
        if (len != 8) return Status::Corruption("group key: bad int");
        v.i = static_cast<int64_t>(get_fixed64(bytes));
        break;
      case serde::FieldType::kDouble: {
        if (len != 8) return Status::Corruption("group key: bad double");
        const uint64_t bits = get_fixed64(bytes);
        std::memcpy(&v.d, &bits, 8);
        break;
      }
      case serde::FieldType::kString:
      case serde::FieldType::kList:
        v.s = bytes;
        break;
    }
  }
  if (!in.empty()) return Status::Corruption("group key: trailing bytes");
  return Status::Ok();
}

void GroupKeyCodec::readable(const DecodedGroupKey& key, std::string& out) const {
  out.clear();
  for (size_t j = 0; j < fields_.size(); ++j) {
    if (j > 0) out.push_back('|');
    const GroupValue& v = key.values[j];
    if (v.state == GroupValue::State::kNotInSet) {
      out.push_back('*');
    } else if (v.state == GroupValue::State::kValue) {
      append_value_text(fields_[j].type, v, out);
    }
  }
}

}  // namespace sluice::ops
