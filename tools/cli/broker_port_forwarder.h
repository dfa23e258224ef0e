// BrokerPortForwarder: lets `sluice broker --port P` offer a fixed bootstrap address although
// librdkafka 2.0.2's mock binds its brokers to ephemeral ports. It listens on 127.0.0.1:P and
// pipes each connection to the mock's first broker. Clients only bootstrap through it: the
// metadata they get back names the brokers' real addresses, which they then use directly.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace sluice::cli {

class BrokerPortForwarder {
 public:
  // Throws std::runtime_error when the port cannot be bound. `target`: "host:port".
  BrokerPortForwarder(int port, const std::string& target);
  ~BrokerPortForwarder();
  BrokerPortForwarder(const BrokerPortForwarder&) = delete;
  BrokerPortForwarder& operator=(const BrokerPortForwarder&) = delete;

 private:
  void accept_loop();
  void pipe(int client);

  int listen_fd_ = -1;
  std::string host_;
  int target_port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> pipes_;
};

}  // namespace sluice::cli
