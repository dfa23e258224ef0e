// RecordCache: the record cache of one caching store layer. A hash map from key bytes to the
// latest value (or tombstone) written since the last commit, so N updates of a key between two
// commits reach the store below, and the changelog, once. Dirty entries are listed separately so
// a flush costs O(dirty), not O(cache); entries stay cached, clean, after a flush to serve reads.
//
// Updating an existing key allocates nothing: the lookup is heterogeneous (std::string_view) and
// the value is assigned into the existing std::string. Size is accounted as key + value bytes
// plus a fixed per-entry overhead; the caching layer evicts when over_budget() (see there).
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/string_hash.h"

namespace sluice::state {

class RecordCache {
 public:
  struct Entry {
    std::string value;
    bool tombstone = false;
    bool dirty = false;
  };
  using Slot = std::pair<const std::string, Entry>;
  // Approximate bytes of bookkeeping per entry (hash node, string headers, dirty-list slot).
  static constexpr size_t kEntryOverhead = 96;

  // Buckets for the entries the budget can hold (at ~128 bytes each) are made up front, so a
  // cache filling up never rehashes every node mid-stream.
  explicit RecordCache(size_t max_bytes) : max_bytes_(max_bytes) {
    map_.reserve(std::min<size_t>(max_bytes / (kEntryOverhead + 32), size_t{1} << 22));
  }

  // nullptr when the key is not cached. A cached tombstone means "deleted".
  const Entry* find(std::string_view key) const;
  // A write: value == nullopt caches a tombstone. The entry becomes dirty.
  void put(std::string_view key, std::optional<std::string_view> value);
  // Caches a clean value read from the store below; skipped when it would exceed the budget
  // (reads never force a flush) or when the key is already cached.
  void fill(std::string_view key, std::string_view value);
  void erase(std::string_view key);
  // Drops every entry, dirty or not. The caller flushes the dirty ones first.
  void clear();

  // The dirty entries sorted by key; valid until the next mutation of the cache.
  const std::vector<Slot*>& dirty_sorted();
  // Marks every dirty entry clean (after the caller has written them below).
  void mark_clean();

  bool over_budget() const { return bytes_ > max_bytes_; }
  // The caching layer calls this once a write (and the eviction it caused) is done: a write may
  // take the cache over budget for a moment, the size it settles at must not be.
  void note_settled() { peak_bytes_ = std::max(peak_bytes_, bytes_); }
  // The largest settled size so far (CacheProbe publishes it; tests and benchmarks check it
  // against max_bytes()).
  size_t peak_bytes() const { return peak_bytes_; }
  size_t size() const { return map_.size(); }
  size_t bytes() const { return bytes_; }
  size_t dirty_count() const { return dirty_.size(); }
  size_t max_bytes() const { return max_bytes_; }

 private:
  using Map = StringMap<Entry>;

  Map::iterator find_or_insert(std::string_view key);

  size_t max_bytes_;
  size_t bytes_ = 0;
  size_t peak_bytes_ = 0;
  Map map_;                   // node-based: Slot addresses are stable across rehashing
  std::vector<Slot*> dirty_;  // each dirty slot once, in first-dirtied order
};

}  // namespace sluice::state
