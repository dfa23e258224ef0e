// `sluice broker [--port P] [--brokers N] [--topic NAME:PARTITIONS]...`: runs librdkafka's mock
// Kafka cluster as a standalone process on loopback. Prints `bootstrap: HOST:PORT[,...]` as its
// first line (flushed, so a parent process can read it), then serves until SIGTERM or SIGINT and
// exits 0. The mock keeps data in memory only, a bounded tail per partition (librdkafka 2.0.2:
// 5 MiB or 100,000 message sets), and does not compact: it is for tests and demos; production
// runs against a real Kafka via bootstrap.servers.
#include <fmt/core.h>
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "broker_port_forwarder.h"
#include "command.h"
#include "kafka/conf.h"
#include "kafka/mock_cluster.h"
#include "topic_spec.h"

namespace sluice::cli {

namespace {

struct BrokerOptions {
  int port = 0;
  int brokers = 1;
  std::vector<std::string> topics;  // NAME:PARTITIONS
};

int run_broker(const BrokerOptions& o) {
  std::vector<std::pair<std::string, int>> topics;
  for (const auto& spec : o.topics) {
    auto topic = parse_topic_spec(spec);
    if (!topic) {
      fmt::print(stderr, "sluice: error: --topic '{}': expected NAME[:PARTITIONS]\n", spec);
      return kExitUsage;
    }
    topics.push_back(std::move(*topic));
  }
  // Block the stop signals before the mock starts its threads (they inherit the mask), so the
  // signal is delivered only to sigwait() below.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  try {
    kafka::MockCluster cluster(o.brokers);
    for (const auto& [name, partitions] : topics) {
      cluster.create_topic(name, partitions, o.brokers);
    }
    // The mock binds ephemeral ports; a fixed --port is a forwarder to its first broker.
    std::unique_ptr<BrokerPortForwarder> forwarder;
    std::string bootstrap = cluster.bootstrap();
    if (o.port != 0) {
      const std::string first = bootstrap.substr(0, bootstrap.find(','));
      forwarder = std::make_unique<BrokerPortForwarder>(o.port, first);
      bootstrap = "127.0.0.1:" + std::to_string(o.port);
    }
    fmt::print("bootstrap: {}\n", bootstrap);
    for (const auto& [name, partitions] : topics) {
      fmt::print("topic: {} partitions={}\n", name, partitions);
    }
    std::fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    fmt::print(stderr, "sluice broker: {} received, stopping\n",
               sig == SIGTERM ? "SIGTERM" : "SIGINT");
  } catch (const std::exception& e) {
    fmt::print(stderr, "sluice: error: {}\n", e.what());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

Command add_broker_command(CLI::App& root) {
  auto opts = std::make_shared<BrokerOptions>();
  CLI::App* app = root.add_subcommand(
      "broker", "Run an embedded Kafka broker (librdkafka's mock cluster) on loopback");
  app->add_option("--port", opts->port,
                  "Fixed bootstrap port on 127.0.0.1 (forwarded to the first broker); default: "
                  "the mock's own ephemeral port")
      ->check(CLI::Range(0, 65535));
  app->add_option("--brokers", opts->brokers, "Number of brokers (default 1)")
      ->check(CLI::Range(1, 16));
  app->add_option("--topic", opts->topics, "Topic to create, NAME:PARTITIONS (repeatable)");
  return {app, [opts] { return run_broker(*opts); }};
}

}  // namespace sluice::cli
