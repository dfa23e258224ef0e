// CachingKeyValueStore: a RecordCache in front of the store below. Writes go to the cache only
// (the latest value per key wins); gets read the cache, then the store below (filling the cache
// with clean entries while there is room). flush() writes every dirty entry below in ONE
// write_batch, sorted by key, then marks them clean.
//
// Eviction: when a write takes the cache over cache_max_bytes, the whole cache is flushed and
// then emptied (simpler than Kafka Streams' per-entry LRU eviction; same bytes reach the store).
// Range reads (range, all) and approximate_num_entries flush the dirty entries first and then
// read the store below, so they always see the latest writes.
#pragma once

#include <memory>

#include "state/cache_probe.h"
#include "state/key_value_store.h"
#include "state/record_cache.h"

namespace sluice::state {

class CachingKeyValueStore final : public KeyValueStore {
 public:
  // `probe` (default: none) publishes the cache's budget and peak size at every flush.
  CachingKeyValueStore(std::unique_ptr<KeyValueStore> inner, size_t cache_max_bytes,
                       CacheProbe probe = {})
      : inner_(std::move(inner)), cache_(cache_max_bytes), probe_(probe) {}

  const std::string& name() const override { return inner_->name(); }
  bool persistent() const override { return inner_->persistent(); }
  void set_position(std::string_view position) override { inner_->set_position(position); }
  std::optional<std::string> position() const override { return inner_->position(); }
  Status flush() override;
  // Flushes the cache (best effort: close cannot report), then closes the store below.
  void close() override;
  // Flushes and empties the cache, then restores below (nothing is cached or logged).
  Status restore(std::span<const RestoreRecord> records) override;

  Status get(std::string_view key, std::string& out) override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;
  Status write_batch(std::vector<KeyValueWrite>& writes) override;
  std::unique_ptr<KeyValueIterator> range(std::string_view from, std::string_view to) override;
  uint64_t approximate_num_entries() override;

  const RecordCache& cache() const { return cache_; }

 private:
  Status flush_cache();
  Status evict_if_over_budget();

  std::unique_ptr<KeyValueStore> inner_;
  RecordCache cache_;
  CacheProbe probe_;
};

}  // namespace sluice::state
