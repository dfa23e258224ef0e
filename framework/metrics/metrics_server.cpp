#include "metrics/metrics_server.h"

#include <fmt/format.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include "common/host_port.h"
#include "metrics/registry.h"

namespace sluice::metrics {

MetricsServer::MetricsServer(const Registry& registry, const std::string& listen) {
  Result<HostPort> address = parse_host_port(listen);
  if (!address.ok()) {
    throw MetricsServerError("metrics endpoint: " + address.status().message());
  }
  host_ = address->host;
  port_ = address->port;
  try {
    // One thread serves scrapes: Prometheus asks every few seconds, and a second thread would
    // only compete with the stream threads.
    exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& e) {
    throw MetricsServerError(
        fmt::format("metrics endpoint: cannot listen on {} (address in use, or not an address "
                    "of this host): {}",
                    listen, e.what()));
  }
  for (const auto& c : registry.collectables()) exposer_->RegisterCollectable(c);
  const std::vector<int> ports = exposer_->GetListeningPorts();
  if (!ports.empty()) port_ = ports.front();
}

MetricsServer::~MetricsServer() = default;

std::string MetricsServer::url() const { return fmt::format("http://{}:{}/metrics", host_, port_); }

}  // namespace sluice::metrics
