// CacheProbe: a caching layer's record-cache gauges, resolved once from the metrics Registry:
//   sluice_record_cache_max_bytes{store, task}   the budget (cache.max.bytes, per store)
//   sluice_record_cache_peak_bytes{store, task}  the largest size the cache settled at after a
//                                                write and its eviction (RecordCache::peak_bytes)
// Published at each flush (commit) and at close, never per write. With no registry every call
// is a no-op.
#pragma once

#include <string>

namespace prometheus {
class Gauge;
}
namespace sluice::metrics {
class Registry;
}

namespace sluice::state {

class RecordCache;

class CacheProbe {
 public:
  CacheProbe() = default;
  CacheProbe(metrics::Registry* registry, const std::string& store, const std::string& task);

  void publish(const RecordCache& cache);

 private:
  prometheus::Gauge* max_bytes_ = nullptr;  // both null without a registry
  prometheus::Gauge* peak_bytes_ = nullptr;
};

}  // namespace sluice::state
