// StoreProbe: the metered layer's counters, resolved once from the metrics Registry:
//   sluice_store_{puts,gets,deletes,flushes}_total{store, task}
// With no registry every call is a no-op.
#pragma once

#include <cstdint>
#include <string>

namespace prometheus {
class Counter;
}
namespace sluice::metrics {
class Registry;
}

namespace sluice::state {

class StoreProbe {
 public:
  StoreProbe(metrics::Registry* registry, const std::string& store, const std::string& task);

  void puts(uint64_t n = 1) { add(puts_, n); }
  void gets(uint64_t n = 1) { add(gets_, n); }
  void deletes(uint64_t n = 1) { add(deletes_, n); }
  void flushes(uint64_t n = 1) { add(flushes_, n); }

 private:
  static void add(prometheus::Counter* c, uint64_t n);

  prometheus::Counter* puts_ = nullptr;  // all null without a registry
  prometheus::Counter* gets_ = nullptr;
  prometheus::Counter* deletes_ = nullptr;
  prometheus::Counter* flushes_ = nullptr;
};

}  // namespace sluice::state
