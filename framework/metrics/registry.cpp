#include "metrics/registry.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <sstream>

namespace sluice::metrics {

Registry::Registry() : registry_(std::make_shared<prometheus::Registry>()) {}
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
  for (const auto& family : registry_->Collect()) {
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
  for (const auto& family : registry_->Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) total += metric_value(family, m);
  }
  return total;
}

std::string Registry::serialize() const {
  prometheus::TextSerializer serializer;
  std::ostringstream out;
  serializer.Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace sluice::metrics
