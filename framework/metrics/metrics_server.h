// MetricsServer: serves a Registry as the Prometheus text format on GET /metrics over HTTP, for
// Prometheus to scrape (prometheus-cpp's pull Exposer, civetweb underneath, on its own threads).
// A scrape reads the series while stream threads increment them; prometheus-cpp's counters are
// atomics, so the record path takes no lock for it. The registry must outlive the server.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

namespace prometheus {
class Exposer;
}

namespace sluice::metrics {

class Registry;

// The server could not start (address malformed or in use): a startup error, with the address.
class MetricsServerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class MetricsServer {
 public:
  // `listen`: HOST:PORT (common/host_port.h), e.g. "0.0.0.0:9464"; port 0 takes a free port
  // (see port()). Throws MetricsServerError.
  MetricsServer(const Registry& registry, const std::string& listen);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }  // the port it listens on
  std::string url() const;            // http://HOST:PORT/metrics

 private:
  std::string host_;
  int port_ = 0;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace sluice::metrics
