#include "state/cache_probe.h"

#include <prometheus/gauge.h>

#include "metrics/registry.h"
#include "state/record_cache.h"

namespace sluice::state {

CacheProbe::CacheProbe(metrics::Registry* registry, const std::string& store,
                       const std::string& task) {
  if (registry == nullptr) return;
  const metrics::Labels labels{{"store", store}, {"task", task}};
  max_bytes_ = &registry->gauge("sluice_record_cache_max_bytes",
                                "Budget of a store's record cache (cache.max.bytes)", labels);
  peak_bytes_ = &registry->gauge(
      "sluice_record_cache_peak_bytes",
      "Largest size a store's record cache settled at after a write and its eviction", labels);
}

void CacheProbe::publish(const RecordCache& cache) {
  if (max_bytes_ == nullptr) return;
  max_bytes_->Set(static_cast<double>(cache.max_bytes()));
  peak_bytes_->Set(static_cast<double>(cache.peak_bytes()));
}

}  // namespace sluice::state
