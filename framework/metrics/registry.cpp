#include "metrics/registry.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <sstream>

#include "metrics/detail/callback_collector.h"

namespace sluice::metrics {

Registry::Registry()
    : registry_(std::make_shared<prometheus::Registry>()),
      callbacks_(std::make_shared<detail::CallbackCollector>()) {}
Registry::~Registry() = default;

prometheus::Counter& Registry::counter(const std::string& name, const std::string& help,
                                       const Labels& labels) {
  auto& family = prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
  return family.Add(labels);
}

prometheus::Gauge& Registry::gauge(const std::string& name, const std::string& help,
                                   const Labels& labels) {
  auto& family = prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
  return family.Add(labels);
}

void Registry::counter_fn(const std::string& name, const std::string& help, const Labels& labels,
                          std::function<double()> read) {
  callbacks_->add(name, help, prometheus::MetricType::Counter, labels, std::move(read));
}

void Registry::gauge_fn(const std::string& name, const std::string& help, const Labels& labels,
                        std::function<double()> read) {
  callbacks_->add(name, help, prometheus::MetricType::Gauge, labels, std::move(read));
}

std::vector<std::shared_ptr<prometheus::Collectable>> Registry::collectables() const {
  return {registry_, callbacks_};
}

std::vector<prometheus::MetricFamily> Registry::collect() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (auto& f : callbacks_->Collect()) families.push_back(std::move(f));
  return families;
}

namespace {
bool labels_match(const prometheus::ClientMetric& m, const Labels& labels) {
  for (const auto& [k, v] : labels) {
    bool found = false;
    for (const auto& l : m.label) {
      if (l.name == k && l.value == v) found = true;
    }
    if (!found) return false;
  }
  return true;
}
double metric_value(const prometheus::MetricFamily& f, const prometheus::ClientMetric& m) {
  return f.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
}
}  // namespace

double Registry::value(const std::string& name, const Labels& labels) const {
  for (const auto& family : collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      if (m.label.size() == labels.size() && labels_match(m, labels))
        return metric_value(family, m);
    }
  }
  return 0;
}

double Registry::sum(const std::string& name) const {
  double total = 0;
  for (const auto& family : collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) total += metric_value(family, m);
  }
  return total;
}

std::string Registry::serialize() const {
  prometheus::TextSerializer serializer;
  std::ostringstream out;
  serializer.Serialize(out, collect());
  return out.str();
}

}  // namespace sluice::metrics
