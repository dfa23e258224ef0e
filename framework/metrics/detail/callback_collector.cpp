#include "metrics/detail/callback_collector.h"

#include <prometheus/metric_family.h>

namespace sluice::metrics::detail {

void CallbackCollector::add(const std::string& name, const std::string& help,
                            prometheus::MetricType type,
                            const std::map<std::string, std::string>& labels,
                            std::function<double()> read) {
  std::lock_guard lock(mutex_);
  Family& family = families_.try_emplace(name, Family{help, type, {}}).first->second;
  family.series.push_back({labels, std::move(read)});
}

std::vector<prometheus::MetricFamily> CallbackCollector::Collect() const {
  std::lock_guard lock(mutex_);
  std::vector<prometheus::MetricFamily> out;
  out.reserve(families_.size());
  for (const auto& [name, family] : families_) {
    prometheus::MetricFamily f;
    f.name = name;
    f.help = family.help;
    f.type = family.type;
    for (const auto& s : family.series) {
      prometheus::ClientMetric m;
      for (const auto& [k, v] : s.labels) m.label.push_back({k, v});
      if (family.type == prometheus::MetricType::Counter) {
        m.counter.value = s.read();
      } else {
        m.gauge.value = s.read();
      }
      f.metric.push_back(std::move(m));
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace sluice::metrics::detail
