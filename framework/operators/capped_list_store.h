// The capped list's storage format and query API.
//
// One key-value entry per (record key, sub-key): store key = key + '\0' + sub-key. The value is
//   [uint32 entry count][uint32 cap N] then entries in arrival order, each
//   [int64 event time][uint32 length][length bytes: the row, protobuf-encoded]
// (little-endian). Appending is cheap: one entry goes on the end. Only when the count exceeds
// 2N are the entries sorted by (event time, arrival) and trimmed to the newest N (lazy
// compaction), so a stored list may hold up to 2N entries; readers sort and trim to N.
// Order: newest event time first; among equal times the later arrival comes first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/types.h"
#include "state/key_value_store.h"

namespace sluice::ops {

struct CappedEntry {
  Timestamp timestamp;
  std::string sub_key;
  std::string bytes;  // the row, protobuf-encoded with the capped list input's schema
};

// A view of one stored entry.
struct CappedEntryView {
  Timestamp timestamp;
  std::string_view bytes;
  uint32_t arrival = 0;  // position in the stored list (larger = later)
};

namespace capped {

constexpr size_t kHeaderSize = 8;

// Replaces `out` with the store key of (key, sub_key).
void store_key(std::string_view key, std::string_view sub_key, std::string& out);
// Appends one entry to the encoded list `list` (empty = a new list with cap `cap`); compacts
// to the newest `cap` when the list then holds more than 2 * cap.
void append(std::string& list, size_t cap, Timestamp ts, std::string_view bytes);
// The entries of an encoded list, newest first, trimmed to its cap.
Result<std::vector<CappedEntryView>> entries(std::string_view list);

}  // namespace capped

// The newest entries of `key` over `sub_keys` (empty = every sub-key) with event time in
// [from, to): newest first, at most `limit` in all. Each sub-key contributes only entries among
// its newest N (the cap), filtered by time after the cap. Equal times: within a sub-key the later
// arrival first; across sub-keys in the order listed (byte order when `sub_keys` is empty).
Result<std::vector<CappedEntry>> query(state::KeyValueStore& store, std::string_view key,
                                       const std::vector<std::string>& sub_keys, Timestamp from,
                                       Timestamp to, size_t limit);

}  // namespace sluice::ops
