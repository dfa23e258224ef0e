// CachingWindowStore: a RecordCache in front of the window store below, keyed by
// encode_window_key(key, start). Same contract as CachingKeyValueStore: writes coalesce per
// window until flush(), which sends the dirty windows below in ONE write_batch sorted by
// encoded key; a write over cache_max_bytes flushes and empties the whole cache; fetch and
// fetch_all flush first and read the store below. write_batch and write_views are the
// exception: their caller has coalesced the batch already, so it goes straight down (replacing
// cached entries of those windows).
//
// Retention: puts and removes into expired segments are refused (Status::NotFound) before they
// reach the cache; cached windows whose segment expires later are hidden from get and dropped,
// unwritten, at the next flush (dirty ones) or eviction.
#pragma once

#include <memory>
#include <string>

#include "state/cache_probe.h"
#include "state/record_cache.h"
#include "state/window_store.h"

namespace sluice::state {

class CachingWindowStore final : public WindowStore {
 public:
  // `probe` (default: none) publishes the cache's budget and peak size at every flush.
  CachingWindowStore(std::unique_ptr<WindowStore> inner, size_t cache_max_bytes,
                     CacheProbe probe = {})
      : inner_(std::move(inner)), cache_(cache_max_bytes), probe_(probe) {}

  const std::string& name() const override { return inner_->name(); }
  bool persistent() const override { return inner_->persistent(); }
  void set_position(std::string_view position) override { inner_->set_position(position); }
  std::optional<std::string> position() const override { return inner_->position(); }
  Status flush() override;
  void close() override;
  Status restore(std::span<const RestoreRecord> records) override;

  Status get(std::string_view key, Timestamp window_start, std::string& out) override;
  Status put(std::string_view key, Timestamp window_start, std::string_view value) override;
  Status remove(std::string_view key, Timestamp window_start) override;
  Status write_batch(std::vector<WindowWrite>& writes) override;
  Status write_views(std::span<const WindowWriteView> writes) override;
  std::unique_ptr<WindowIterator> fetch(std::string_view key, Timestamp from,
                                        Timestamp to) override;
  std::unique_ptr<WindowIterator> fetch_all(Timestamp from, Timestamp to) override;
  Status advance_time(Timestamp stream_time) override { return inner_->advance_time(stream_time); }
  DurationMs retention_ms() const override { return inner_->retention_ms(); }
  bool expired(Timestamp window_start) const override { return inner_->expired(window_start); }

  const RecordCache& cache() const { return cache_; }

 private:
  Status flush_cache();
  Status evict_if_over_budget();
  void cache_write(std::string_view key, Timestamp window_start,
                   std::optional<std::string_view> value);

  std::unique_ptr<WindowStore> inner_;
  RecordCache cache_;
  CacheProbe probe_;
  std::string scratch_;  // reused encoding buffer: a cached update allocates nothing
};

}  // namespace sluice::state
