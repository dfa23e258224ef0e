#include "state/store_probe.h"

#include <prometheus/counter.h>

#include "metrics/registry.h"

namespace sluice::state {

StoreProbe::StoreProbe(metrics::Registry* registry, const std::string& store,
                       const std::string& task) {
  if (registry == nullptr) return;
  const metrics::Labels labels{{"store", store}, {"task", task}};
  puts_ =
      &registry->counter("sluice_store_puts_total", "Writes of a value into a state store", labels);
  gets_ = &registry->counter("sluice_store_gets_total", "Point reads of a state store", labels);
  deletes_ = &registry->counter("sluice_store_deletes_total", "Deletes from a state store", labels);
  flushes_ = &registry->counter("sluice_store_flushes_total", "Flushes (commits) of a state store",
                                labels);
}

void StoreProbe::add(prometheus::Counter* c, uint64_t n) {
  if (c != nullptr && n > 0) c->Increment(static_cast<double>(n));
}

}  // namespace sluice::state
