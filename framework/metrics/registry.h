// Registry: the process's metric families (Prometheus data model). Components do not touch it
// directly on the record path: each owns a small probe class (TaskProbe, StoreProbe, ...) that
// resolves its counters once, at construction, and increments them by reference.
#pragma once

#include <map>
#include <memory>
#include <string>

namespace prometheus {
class Registry;
class Counter;
class Gauge;
}  // namespace prometheus

namespace sluice::metrics {

using Labels = std::map<std::string, std::string>;

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Returns the counter `name{labels}`, creating family and series on first use. The reference
  // stays valid for the registry's lifetime. Names follow Prometheus: sluice_<thing>_total.
  prometheus::Counter& counter(const std::string& name, const std::string& help,
                               const Labels& labels);
  prometheus::Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels);

  // Current value of a series, 0 when absent (for tests and status lines).
  double value(const std::string& name, const Labels& labels) const;
  // Sum over every series of a family.
  double sum(const std::string& name) const;
  // The Prometheus text exposition format.
  std::string serialize() const;
  std::shared_ptr<prometheus::Registry> prometheus_registry() const { return registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
};

}  // namespace sluice::metrics
