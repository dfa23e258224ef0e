// Declarative description of a store, and the factory that stacks its layers.
#pragma once

#include <memory>
#include <string>

#include "common/types.h"
#include "state/changelog_writer.h"
#include "state/key_value_store.h"
#include "state/window_store.h"

namespace sluice::metrics {
class Registry;
}

namespace sluice::state {

enum class StoreBackend : uint8_t { kRocksDB, kInMemory };

struct StoreOptions {
  std::string name;                               // required; stable, derived from the step name
  StoreKind kind = StoreKind::kKeyValue;          // default: key-value
  StoreBackend backend = StoreBackend::kRocksDB;  // default: RocksDB
  bool caching = true;                            // default: a record cache in front
  bool logging = true;                            // default: changes go to the changelog
  size_t cache_max_bytes = 10 * 1024 * 1024;      // default: 10 MiB per store before a forced flush
  DurationMs retention_ms = 24 * 3600 * 1000;     // window stores only; default 24 h
  // Window stores only; default 0 = max(retention / 2, 60 s) as Kafka Streams does.
  DurationMs segment_interval_ms = 0;
};

// What a store stack needs from the task that owns it.
struct StoreContext {
  std::string state_dir;                 // where RocksDB stores put their files
  ChangelogWriter* changelog = nullptr;  // required when options.logging
  metrics::Registry* metrics = nullptr;  // optional
  std::string task_id;                   // label for metrics
  // Optional: the owning task's current record time. Key-value changelog records are stamped
  // with it when logged (Timestamp(0) when null); window changelog records carry the window start.
  const Timestamp* record_time = nullptr;
};

// Builds Metered(Caching(ChangeLogging(RocksDB|InMemory))) as the options say.
// Throws std::runtime_error when a RocksDB store cannot be opened (startup, not record path), and
// std::invalid_argument for inconsistent options (no name, logging without a ChangelogWriter,
// negative retention, RocksDB without a state_dir).
std::unique_ptr<KeyValueStore> build_key_value_store(const StoreOptions& options,
                                                     const StoreContext& context);
std::unique_ptr<WindowStore> build_window_store(const StoreOptions& options,
                                                const StoreContext& context);

}  // namespace sluice::state
