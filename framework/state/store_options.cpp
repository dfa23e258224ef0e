#include "state/store_options.h"

#include <stdexcept>

#include "state/caching_key_value_store.h"
#include "state/caching_window_store.h"
#include "state/change_logging_key_value_store.h"
#include "state/change_logging_window_store.h"
#include "state/in_memory_key_value_store.h"
#include "state/in_memory_window_store.h"
#include "state/metered_key_value_store.h"
#include "state/metered_window_store.h"
#include "state/rocksdb_key_value_store.h"
#include "state/rocksdb_window_store.h"
#include "state/store_probe.h"

namespace sluice::state {
namespace {

void validate(const StoreOptions& options, const StoreContext& context, StoreKind kind) {
  auto fail = [&](const std::string& why) {
    throw std::invalid_argument("store '" + options.name + "': " + why);
  };
  if (options.name.empty()) fail("a store needs a name");
  if (options.kind != kind) fail("options describe the other kind of store");
  if (options.logging && context.changelog == nullptr) fail("logging needs a ChangelogWriter");
  if (options.backend == StoreBackend::kRocksDB && context.state_dir.empty()) {
    fail("a RocksDB store needs a state_dir");
  }
  if (kind == StoreKind::kWindow && options.retention_ms < 0) fail("retention must be >= 0");
}

std::string store_dir(const StoreOptions& options, const StoreContext& context) {
  return context.state_dir + "/" + options.name;
}

}  // namespace

std::unique_ptr<KeyValueStore> build_key_value_store(const StoreOptions& options,
                                                     const StoreContext& context) {
  validate(options, context, StoreKind::kKeyValue);
  std::unique_ptr<KeyValueStore> store;
  if (options.backend == StoreBackend::kRocksDB) {
    store = std::make_unique<RocksDBKeyValueStore>(options.name, store_dir(options, context));
  } else {
    store = std::make_unique<InMemoryKeyValueStore>(options.name);
  }
  if (options.logging) {
    store = std::make_unique<ChangeLoggingKeyValueStore>(std::move(store), *context.changelog,
                                                         context.record_time);
  }
  if (options.caching) {
    store = std::make_unique<CachingKeyValueStore>(
        std::move(store), options.cache_max_bytes,
        CacheProbe(context.metrics, options.name, context.task_id));
  }
  return std::make_unique<MeteredKeyValueStore>(
      std::move(store), StoreProbe(context.metrics, options.name, context.task_id));
}

std::unique_ptr<WindowStore> build_window_store(const StoreOptions& options,
                                                const StoreContext& context) {
  validate(options, context, StoreKind::kWindow);
  std::unique_ptr<WindowStore> store;
  if (options.backend == StoreBackend::kRocksDB) {
    store = std::make_unique<RocksDBWindowStore>(options.name, store_dir(options, context),
                                                 options.retention_ms, options.segment_interval_ms);
  } else {
    store = std::make_unique<InMemoryWindowStore>(options.name, options.retention_ms,
                                                  options.segment_interval_ms);
  }
  if (options.logging) {
    store = std::make_unique<ChangeLoggingWindowStore>(std::move(store), *context.changelog);
  }
  if (options.caching) {
    store = std::make_unique<CachingWindowStore>(
        std::move(store), options.cache_max_bytes,
        CacheProbe(context.metrics, options.name, context.task_id));
  }
  return std::make_unique<MeteredWindowStore>(
      std::move(store), StoreProbe(context.metrics, options.name, context.task_id));
}

}  // namespace sluice::state
