// CallbackCollector: series whose values live elsewhere (RuntimeStats' atomics) and are read
// when collected, so a scrape sees them without the owner pushing every change into a metric.
// Thread-safe: series may be added while a scrape collects.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_type.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace sluice::metrics::detail {

class CallbackCollector : public prometheus::Collectable {
 public:
  void add(const std::string& name, const std::string& help, prometheus::MetricType type,
           const std::map<std::string, std::string>& labels, std::function<double()> read);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct Series {
    std::map<std::string, std::string> labels;
    std::function<double()> read;
  };
  struct Family {
    std::string help;
    prometheus::MetricType type;
    std::vector<Series> series;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

}  // namespace sluice::metrics::detail
