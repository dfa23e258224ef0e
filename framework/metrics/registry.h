// Registry: the process's metric families (Prometheus data model). Components do not touch it
// directly on the record path: each owns a small probe class (TaskProbe, StoreProbe, ...) that
// resolves its counters once, at construction, and increments them by reference.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Collectable;
struct MetricFamily;
}  // namespace prometheus

namespace sluice::metrics {

namespace detail {
class CallbackCollector;
}

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
  // A series read by calling `read` whenever the registry is collected (scraped, serialized),
  // for figures kept elsewhere; `read` must stay callable for the registry's lifetime and be
  // safe to call from a scraping thread.
  void counter_fn(const std::string& name, const std::string& help, const Labels& labels,
                  std::function<double()> read);
  void gauge_fn(const std::string& name, const std::string& help, const Labels& labels,
                std::function<double()> read);

  // Current value of a series, 0 when absent (for tests and status lines).
  double value(const std::string& name, const Labels& labels) const;
  // Sum over every series of a family.
  double sum(const std::string& name) const;
  // The Prometheus text exposition format.
  std::string serialize() const;
  // What a server exposes: the families above and the callback series.
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables() const;
  // Every family with its current values, as a scrape sees them.
  std::vector<prometheus::MetricFamily> collect() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<detail::CallbackCollector> callbacks_;
};

}  // namespace sluice::metrics
