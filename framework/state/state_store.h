// StateStore: the part every store layer shares. Stores are stacked as in Kafka Streams:
//   Metered -> Caching -> ChangeLogging -> RocksDB | InMemory
// each layer a thin class with one job. flush() is called at commit: the caching layer writes
// its dirty entries below in one batch, the change-logging layer hands the same entries to the
// ChangelogWriter, and the bottom store applies them in one RocksDB WriteBatch (WAL off: the
// changelog topic is the durable log).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sluice::state {

enum class StoreKind : uint8_t { kKeyValue, kWindow };

// One changelog record read back while restoring a store. `key` is the changelog key: the
// store key for key-value stores, encode_window_key(key, start) for window stores
// (state/window_key.h). value == nullopt is a tombstone. The views need only outlive the call.
struct RestoreRecord {
  std::string_view key;
  std::optional<std::string_view> value;
};

class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual const std::string& name() const = 0;
  virtual StoreKind kind() const = 0;
  virtual bool persistent() const = 0;
  // Writes buffered state down the stack (cache -> changelog -> disk).
  virtual Status flush() = 0;
  virtual void close() = 0;
  // Rebuilds state from changelog records: applied straight to the bottom store in one batch,
  // bypassing the cache and the changelog (nothing is re-logged). Window records that fall in
  // segments already dropped by retention are skipped. Restore does not advance stream time.
  virtual Status restore(std::span<const RestoreRecord> records) {
    (void)records;
    return Status::InvalidArgument("store '" + name() + "' does not support restore");
  }
  // The input position its contents reflect (opaque bytes: the runtime's encoded TaskPosition),
  // set at commit just before flush(). Persistent stores write it with that flush, after the
  // state it describes, and read it back when they open; in-memory stores keep it while they
  // live. Layers forward both calls to the bottom store.
  virtual void set_position(std::string_view position) { (void)position; }
  virtual std::optional<std::string> position() const { return std::nullopt; }
};

}  // namespace sluice::state
