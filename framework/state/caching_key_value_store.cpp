#include "state/caching_key_value_store.h"

#include "state/vector_key_value_iterator.h"

namespace sluice::state {

Status CachingKeyValueStore::flush_cache() {
  if (cache_.dirty_count() == 0) return Status::Ok();
  const auto& dirty = cache_.dirty_sorted();
  std::vector<KeyValueWrite> batch(dirty.size());
  for (size_t i = 0; i < dirty.size(); ++i) {
    const auto& [key, entry] = *dirty[i];
    batch[i].key = key;
    if (!entry.tombstone) batch[i].value = entry.value;
  }
  SLUICE_RETURN_IF_ERROR(inner_->write_batch(batch));
  cache_.mark_clean();
  return Status::Ok();
}

Status CachingKeyValueStore::evict_if_over_budget() {
  if (cache_.over_budget()) {
    SLUICE_RETURN_IF_ERROR(flush_cache());
    cache_.clear();
  }
  cache_.note_settled();
  return Status::Ok();
}

Status CachingKeyValueStore::flush() {
  SLUICE_RETURN_IF_ERROR(flush_cache());
  probe_.publish(cache_);
  return inner_->flush();
}

void CachingKeyValueStore::close() {
  (void)flush_cache();
  probe_.publish(cache_);
  cache_.clear();
  inner_->close();
}

Status CachingKeyValueStore::restore(std::span<const RestoreRecord> records) {
  SLUICE_RETURN_IF_ERROR(flush_cache());
  cache_.clear();
  return inner_->restore(records);
}

Status CachingKeyValueStore::get(std::string_view key, std::string& out) {
  if (const auto* e = cache_.find(key)) {
    if (e->tombstone) return Status::NotFound();
    out.assign(e->value);
    return Status::Ok();
  }
  SLUICE_RETURN_IF_ERROR(inner_->get(key, out));
  cache_.fill(key, out);
  cache_.note_settled();
  return Status::Ok();
}

Status CachingKeyValueStore::put(std::string_view key, std::string_view value) {
  cache_.put(key, value);
  return evict_if_over_budget();
}

Status CachingKeyValueStore::remove(std::string_view key) {
  cache_.put(key, std::nullopt);
  return evict_if_over_budget();
}

Status CachingKeyValueStore::write_batch(std::vector<KeyValueWrite>& writes) {
  for (const auto& w : writes) {
    std::optional<std::string_view> value;
    if (w.value) value = *w.value;
    cache_.put(w.key, value);
  }
  return evict_if_over_budget();
}

std::unique_ptr<KeyValueIterator> CachingKeyValueStore::range(std::string_view from,
                                                              std::string_view to) {
  Status st = flush_cache();
  if (!st.ok()) return std::make_unique<VectorKeyValueIterator>(std::move(st));
  return inner_->range(from, to);
}

uint64_t CachingKeyValueStore::approximate_num_entries() {
  (void)flush_cache();  // approximate anyway; an error shows on the next flush
  return inner_->approximate_num_entries();
}

}  // namespace sluice::state
