#include "state/in_memory_window_store.h"

#include "state/vector_window_iterator.h"
#include "state/window_key.h"

namespace sluice::state {

InMemoryWindowStore::InMemoryWindowStore(std::string name, DurationMs retention_ms,
                                         DurationMs segment_interval_ms)
    : name_(std::move(name)), clock_(retention_ms, segment_interval_ms) {}

void InMemoryWindowStore::apply(int64_t segment, std::string_view encoded,
                                const std::string_view* value) {
  if (value == nullptr) {
    auto seg = segments_.find(segment);
    if (seg == segments_.end()) return;
    auto it = seg->second.find(encoded);
    if (it != seg->second.end()) seg->second.erase(it);
    return;
  }
  auto [seg, created] = segments_.try_emplace(segment);
  if (created) ++stats_.segments_created;
  auto it = seg->second.find(encoded);
  if (it != seg->second.end()) {
    it->second.assign(value->data(), value->size());
  } else {
    seg->second.emplace(std::string(encoded), std::string(*value));
  }
}

Status InMemoryWindowStore::get(std::string_view key, Timestamp window_start, std::string& out) {
  auto seg = segments_.find(clock_.segment_of(window_start));
  if (seg == segments_.end()) return Status::NotFound();
  assign_window_key(scratch_, key, window_start);
  auto it = seg->second.find(scratch_);
  if (it == seg->second.end()) return Status::NotFound();
  out.assign(it->second);
  return Status::Ok();
}

Status InMemoryWindowStore::put(std::string_view key, Timestamp window_start,
                                std::string_view value) {
  if (clock_.expired(window_start)) return Status::NotFound("window segment expired");
  assign_window_key(scratch_, key, window_start);
  apply(clock_.segment_of(window_start), scratch_, &value);
  return Status::Ok();
}

Status InMemoryWindowStore::remove(std::string_view key, Timestamp window_start) {
  if (clock_.expired(window_start)) return Status::NotFound("window segment expired");
  assign_window_key(scratch_, key, window_start);
  apply(clock_.segment_of(window_start), scratch_, nullptr);
  return Status::Ok();
}

Status InMemoryWindowStore::write_batch(std::vector<WindowWrite>& writes) {
  for (const auto& w : writes) {
    if (clock_.expired(w.window_start)) continue;  // late: dropped, as a put would be
    assign_window_key(scratch_, w.key, w.window_start);
    std::string_view value;
    if (w.value) value = *w.value;
    apply(clock_.segment_of(w.window_start), scratch_, w.value ? &value : nullptr);
  }
  return Status::Ok();
}

Status InMemoryWindowStore::restore(std::span<const RestoreRecord> records) {
  for (const auto& r : records) {
    auto decoded = decode_window_key(r.key);
    if (!decoded) return Status::Corruption("store '" + name_ + "': malformed window key");
    if (clock_.expired(decoded->window_start)) continue;
    std::string_view value;
    if (r.value) value = *r.value;
    apply(clock_.segment_of(decoded->window_start), r.key, r.value ? &value : nullptr);
  }
  return Status::Ok();
}

std::unique_ptr<WindowIterator> InMemoryWindowStore::fetch(std::string_view key, Timestamp from,
                                                           Timestamp to) {
  std::vector<VectorWindowIterator::Entry> out;
  stats_.segments_visited = 0;
  auto ids = clock_.live_segments_overlapping(from, to);
  if (!ids) return std::make_unique<VectorWindowIterator>(std::move(out));
  const std::string lower = encode_window_key(key, from);
  const std::string upper = encode_window_key(key, to);
  for (auto seg = segments_.lower_bound(ids->first);
       seg != segments_.end() && seg->first <= ids->second; ++seg) {
    ++stats_.segments_visited;
    for (auto it = seg->second.lower_bound(lower); it != seg->second.end() && it->first < upper;
         ++it) {
      out.push_back({std::string(key), window_start_of(it->first), it->second});
    }
  }
  return std::make_unique<VectorWindowIterator>(std::move(out));
}

std::unique_ptr<WindowIterator> InMemoryWindowStore::fetch_all(Timestamp from, Timestamp to) {
  std::vector<VectorWindowIterator::Entry> out;
  stats_.segments_visited = 0;
  auto ids = clock_.live_segments_overlapping(from, to);
  if (!ids) return std::make_unique<VectorWindowIterator>(std::move(out));
  for (auto seg = segments_.lower_bound(ids->first);
       seg != segments_.end() && seg->first <= ids->second; ++seg) {
    ++stats_.segments_visited;
    for (const auto& [encoded, value] : seg->second) {
      auto decoded = decode_window_key(encoded);
      if (decoded->window_start < from || decoded->window_start >= to) continue;
      out.push_back({std::string(decoded->key), decoded->window_start, value});
    }
  }
  return std::make_unique<VectorWindowIterator>(std::move(out));
}

Status InMemoryWindowStore::advance_time(Timestamp stream_time) {
  if (!clock_.advance(stream_time)) return Status::Ok();
  auto end = segments_.lower_bound(clock_.min_live_segment());
  for (auto it = segments_.begin(); it != end;) {
    it = segments_.erase(it);  // the whole segment at once
    ++stats_.segments_dropped;
  }
  return Status::Ok();
}

SegmentStats InMemoryWindowStore::segment_stats() const {
  SegmentStats s = stats_;
  s.live_segments = segments_.size();
  return s;
}

}  // namespace sluice::state
