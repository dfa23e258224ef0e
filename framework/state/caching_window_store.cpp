#include "state/caching_window_store.h"

#include "state/vector_window_iterator.h"
#include "state/window_key.h"

namespace sluice::state {

Status CachingWindowStore::flush_cache() {
  if (cache_.dirty_count() == 0) return Status::Ok();
  const auto& dirty = cache_.dirty_sorted();
  std::vector<WindowWrite> batch;
  batch.reserve(dirty.size());
  std::vector<std::string> expired;
  for (const auto* slot : dirty) {
    const auto& [encoded, entry] = *slot;
    const WindowKeyView w = *decode_window_key(encoded);
    if (inner_->expired(w.window_start)) {
      expired.push_back(encoded);
      continue;
    }
    auto& out = batch.emplace_back(WindowWrite{std::string(w.key), w.window_start, std::nullopt});
    if (!entry.tombstone) out.value = entry.value;
  }
  if (!batch.empty()) SLUICE_RETURN_IF_ERROR(inner_->write_batch(batch));
  cache_.mark_clean();
  for (const auto& k : expired) cache_.erase(k);
  return Status::Ok();
}

Status CachingWindowStore::evict_if_over_budget() {
  if (cache_.over_budget()) {
    SLUICE_RETURN_IF_ERROR(flush_cache());
    cache_.clear();
  }
  cache_.note_settled();
  return Status::Ok();
}

Status CachingWindowStore::flush() {
  SLUICE_RETURN_IF_ERROR(flush_cache());
  probe_.publish(cache_);
  return inner_->flush();
}

void CachingWindowStore::close() {
  (void)flush_cache();  // best effort: close cannot report
  probe_.publish(cache_);
  cache_.clear();
  inner_->close();
}

Status CachingWindowStore::restore(std::span<const RestoreRecord> records) {
  SLUICE_RETURN_IF_ERROR(flush_cache());
  cache_.clear();
  return inner_->restore(records);
}

void CachingWindowStore::cache_write(std::string_view key, Timestamp window_start,
                                     std::optional<std::string_view> value) {
  assign_window_key(scratch_, key, window_start);
  cache_.put(scratch_, value);
}

Status CachingWindowStore::get(std::string_view key, Timestamp window_start, std::string& out) {
  if (inner_->expired(window_start)) return Status::NotFound();
  assign_window_key(scratch_, key, window_start);
  if (const auto* e = cache_.find(scratch_)) {
    if (e->tombstone) return Status::NotFound();
    out.assign(e->value);
    return Status::Ok();
  }
  SLUICE_RETURN_IF_ERROR(inner_->get(key, window_start, out));
  cache_.fill(scratch_, out);
  cache_.note_settled();
  return Status::Ok();
}

Status CachingWindowStore::put(std::string_view key, Timestamp window_start,
                               std::string_view value) {
  if (inner_->expired(window_start)) return Status::NotFound("window segment expired");
  cache_write(key, window_start, value);
  return evict_if_over_budget();
}

Status CachingWindowStore::remove(std::string_view key, Timestamp window_start) {
  if (inner_->expired(window_start)) return Status::NotFound("window segment expired");
  cache_write(key, window_start, std::nullopt);
  return evict_if_over_budget();
}

Status CachingWindowStore::write_batch(std::vector<WindowWrite>& writes) {
  // A batch is already coalesced by its writer (e.g. a processor's write-back buffer at commit
  // or window close): it goes straight down instead of being copied into the cache and again
  // out of it. Cached entries of the same windows are older: dropped, so reads see the batch.
  if (cache_.size() > 0) {
    for (const auto& w : writes) {
      assign_window_key(scratch_, w.key, w.window_start);
      cache_.erase(scratch_);
    }
  }
  return inner_->write_batch(writes);
}

Status CachingWindowStore::write_views(std::span<const WindowWriteView> writes) {
  // As write_batch: coalesced by the caller, so straight down; cached entries are older.
  if (cache_.size() > 0) {
    for (const auto& w : writes) {
      assign_window_key(scratch_, w.key, w.window_start);
      cache_.erase(scratch_);
    }
  }
  return inner_->write_views(writes);
}

std::unique_ptr<WindowIterator> CachingWindowStore::fetch(std::string_view key, Timestamp from,
                                                          Timestamp to) {
  Status st = flush_cache();
  if (!st.ok()) return std::make_unique<VectorWindowIterator>(std::move(st));
  return inner_->fetch(key, from, to);
}

std::unique_ptr<WindowIterator> CachingWindowStore::fetch_all(Timestamp from, Timestamp to) {
  Status st = flush_cache();
  if (!st.ok()) return std::make_unique<VectorWindowIterator>(std::move(st));
  return inner_->fetch_all(from, to);
}

}  // namespace sluice::state
