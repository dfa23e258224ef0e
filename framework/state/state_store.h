// StateStore: the part every store layer shares. Stores are stacked as in Kafka Streams:
//   Metered -> Caching -> ChangeLogging -> RocksDB | InMemory
// each layer a thin class with one job. flush() is called at commit: the caching layer writes
// its dirty entries below in one batch, the change-logging layer hands the same entries to the
// ChangelogWriter, and the bottom store applies them in one RocksDB WriteBatch (WAL off: the
// changelog topic is the durable log).
#pragma once

#include <string>

#include "common/status.h"

namespace sluice::state {

enum class StoreKind : uint8_t { kKeyValue, kWindow };

class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual const std::string& name() const = 0;
  virtual StoreKind kind() const = 0;
  virtual bool persistent() const = 0;
  // Writes buffered state down the stack (cache -> changelog -> disk).
  virtual Status flush() = 0;
  virtual void close() = 0;
};

}  // namespace sluice::state
