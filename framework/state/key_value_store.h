// KeyValueStore: byte keys to byte values. Iteration is in key byte order.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/state_store.h"

namespace sluice::state {

// One write: value == nullopt deletes the key.
struct KeyValueWrite {
  std::string key;
  std::optional<std::string> value;
};

class KeyValueIterator {
 public:
  virtual ~KeyValueIterator() = default;
  virtual bool valid() const = 0;
  virtual void next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;
};

class KeyValueStore : public StateStore {
 public:
  StoreKind kind() const override { return StoreKind::kKeyValue; }
  // Status::NotFound when absent. On success `out` holds the value.
  virtual Status get(std::string_view key, std::string& out) = 0;
  virtual Status put(std::string_view key, std::string_view value) = 0;
  virtual Status remove(std::string_view key) = 0;
  // Applies all writes atomically (one WriteBatch on RocksDB).
  virtual Status write_batch(std::vector<KeyValueWrite>& writes) = 0;
  // Keys in [from, to) in byte order; empty `to` means unbounded.
  virtual std::unique_ptr<KeyValueIterator> range(std::string_view from, std::string_view to) = 0;
  virtual std::unique_ptr<KeyValueIterator> all() { return range({}, {}); }
  // Number of live keys (approximate on RocksDB).
  virtual uint64_t approximate_num_entries() = 0;
};

}  // namespace sluice::state
