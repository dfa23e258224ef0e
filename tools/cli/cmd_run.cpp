// `sluice run --config APP.yaml [--embedded] [--topic NAME:PARTITIONS]... (TOPOLOGY.yaml... |
// --builtin NAME)`: runs a topology on a Kafka consumer group (application.id) until
// SIGTERM/SIGINT, then stops polling, commits, closes its tasks and leaves the group (exit 0).
// With --embedded it starts librdkafka's mock cluster in-process and prints
// `bootstrap: HOST:PORT` first. The topology is one or more topology files (YAML, framework/yaml,
// compiled into one application) or one built with the C++ DSL (--builtin, builtin_topologies.h).
// With metrics.listen (or --metrics-listen) it serves Prometheus metrics on GET /metrics.
#include <fmt/core.h>
#include <fmt/format.h>
#include <pthread.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "builtin_topologies.h"
#include "command.h"
#include "config/config_error.h"
#include "kafka/kafka_streams.h"
#include "kafka/mock_cluster.h"
#include "metrics/metrics_server.h"
#include "run_application.h"
#include "topic_spec.h"
#include "yaml/topology_file.h"

namespace sluice::cli {

namespace {

struct RunCommandOptions {
  std::string config;
  bool embedded = false;
  std::vector<std::string> topics;
  std::vector<std::string> topology_files;
  std::string builtin;
  std::string input;
  std::string output;
  int partitions = 4;
  int64_t status_interval_ms = 5000;
  std::string metrics_listen;  // overrides metrics.listen when given
};

// The counts at the previous status line, for rates.
struct StatusMark {
  uint64_t processed = 0;
  uint64_t sent = 0;
  std::chrono::steady_clock::time_point time = std::chrono::steady_clock::now();
};

// One line; new figures go at the end, so readers of the leading ones keep working.
void print_status(const kafka::KafkaStreams& streams, StatusMark& last) {
  const auto& s = streams.stats();
  const auto now = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(now - last.time).count();
  const uint64_t processed = s.records_processed.load();
  const uint64_t sent = s.records_sent.load();
  auto rate = [secs](uint64_t now_count, uint64_t then_count) {
    return secs > 0 ? static_cast<double>(now_count - then_count) / secs : 0.0;
  };
  fmt::print(stderr,
             "sluice run: {:.0f} records/s in, {} processed, {} tasks, {} restored, {} commits, "
             "{:.0f} records/s out, {} sent, {} lag, {} offset resets\n",
             rate(processed, last.processed), processed, s.active_tasks.load(),
             s.records_restored.load(), s.commits.load(), rate(sent, last.sent), sent,
             s.consumer_lag.load(), s.offset_resets.load());
  last = {processed, sent, now};
}

int run_command(const RunCommandOptions& o) {
  config::ApplicationConfig config;
  try {
    config = config::load_application_config(o.config);
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "sluice: error: {}\n", e.what());
    return kExitUsage;
  }
  if (o.topology_files.empty() == o.builtin.empty()) {
    fmt::print(stderr,
               "sluice: error: give the topology: one or more topology files (YAML, run as one "
               "application) or --builtin {{{}}}\n",
               fmt::join(builtin_topology_names(), ","));
    return kExitUsage;
  }
  std::optional<Topology> topology;
  if (!o.topology_files.empty()) {
    try {
      topology = yaml::load_topology_files(o.topology_files).topology;
    } catch (const config::ConfigError& e) {
      fmt::print(stderr, "{}\n", e.what());  // FILE:LINE:COL: error: ... lines
      return kExitUsage;
    }
  } else {
    topology =
        build_builtin_topology(o.builtin, {.input_topic = o.input, .output_topic = o.output});
    if (!topology) {
      fmt::print(stderr, "sluice: error: unknown builtin topology '{}'\n", o.builtin);
      return kExitUsage;
    }
  }
  if (!o.metrics_listen.empty()) config.metrics_listen = o.metrics_listen;
  RunOptions run;
  run.embedded = o.embedded || config.bootstrap_servers == "embedded";
  run.default_partitions = o.partitions;
  run.status_interval_ms = o.status_interval_ms;
  for (const auto& spec : o.topics) {
    auto topic = parse_topic_spec(spec);
    if (!topic) {
      fmt::print(stderr, "sluice: error: --topic '{}': expected NAME[:PARTITIONS]\n", spec);
      return kExitUsage;
    }
    run.topics.push_back(std::move(*topic));
  }
  return run_application(*topology, std::move(config), run);
}

}  // namespace

int run_application(const Topology& topology, config::ApplicationConfig config,
                    const RunOptions& options) {
  // Block the stop signals before any client starts a thread (threads inherit the mask): only
  // the wait below receives them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  try {
    std::unique_ptr<kafka::MockCluster> cluster;
    if (options.embedded) {
      cluster = std::make_unique<kafka::MockCluster>(1);
      std::set<std::string> created;
      for (const auto& [name, partitions] : options.topics) {
        cluster->create_topic(name, partitions);
        created.insert(name);
      }
      for (const auto& t : topology.source_topics()) {
        const Topology::Node* internal = nullptr;
        for (const auto& n : topology.nodes()) {
          if (n.source && n.source->internal && !n.source->topics.empty() &&
              n.source->topics[0] == t)
            internal = &n;
        }
        if (!internal && created.insert(t).second) {
          cluster->create_topic(t, options.default_partitions);
        }
      }
      if (config.dead_letter_topic.empty()) {
        config.dead_letter_topic = config.application_id + "-dead-letters";
      }
      if (created.insert(config.dead_letter_topic).second) {
        cluster->create_topic(config.dead_letter_topic, 1);
      }
      for (const auto& n : topology.nodes()) {
        if (n.sink && !n.sink->internal && created.insert(n.sink->topic).second) {
          cluster->create_topic(n.sink->topic, options.default_partitions);
        }
      }
      config.bootstrap_servers = cluster->bootstrap();
      fmt::print("bootstrap: {}\n", cluster->bootstrap());
      std::fflush(stdout);
    }
    kafka::KafkaStreams streams(topology, config, {.embedded = cluster.get()});
    // Before the threads start, so a taken port fails the run before it joins the group.
    std::optional<metrics::MetricsServer> metrics_server;
    if (!config.metrics_listen.empty()) {
      metrics_server.emplace(streams.metrics(), config.metrics_listen);
      fmt::print(stderr, "sluice run: metrics at {}\n", metrics_server->url());
    }
    streams.start();
    fmt::print(stderr, "sluice run: application '{}' started on {} ({} sub-topologies)\n",
               config.application_id, config.bootstrap_servers,
               streams.layout().subtopologies.size());
    StatusMark last;
    auto next_status = last.time + std::chrono::milliseconds(options.status_interval_ms);
    bool signalled = false;
    while (streams.running()) {
      const timespec wait{0, 200'000'000};
      const int sig = sigtimedwait(&stop, nullptr, &wait);
      if (sig == SIGTERM || sig == SIGINT) {
        fmt::print(stderr, "sluice run: {} received, shutting down\n",
                   sig == SIGTERM ? "SIGTERM" : "SIGINT");
        signalled = true;
        break;
      }
      if (options.status_interval_ms > 0 && std::chrono::steady_clock::now() >= next_status) {
        print_status(streams, last);
        next_status = last.time + std::chrono::milliseconds(options.status_interval_ms);
      }
    }
    streams.close();
    Status st = streams.status();
    if (!st.ok()) {
      fmt::print(stderr, "sluice: error: {}\n", st.to_string());
      return kExitFailure;
    }
    if (!signalled) {
      fmt::print(stderr, "sluice: error: every stream thread stopped\n");
      return kExitFailure;
    }
    print_status(streams, last);
    return kExitOk;
  } catch (const std::exception& e) {
    fmt::print(stderr, "sluice: error: {}\n", e.what());
    return kExitFailure;
  }
}

Command add_run_command(CLI::App& root) {
  auto o = std::make_shared<RunCommandOptions>();
  CLI::App* app =
      root.add_subcommand("run", "Run a topology on Kafka (consumer group = application.id)");
  app->add_option("--config", o->config, "Application file (YAML)")->required();
  app->add_flag("--embedded", o->embedded, "Start an embedded broker (librdkafka mock) in-process");
  app->add_option("--topic", o->topics, "With --embedded: topic to create, NAME:PARTITIONS");
  app->add_option("--partitions", o->partitions,
                  "With --embedded: partitions of topics not given by --topic (default 4)")
      ->check(CLI::Range(1, 1000));
  app->add_option("--builtin", o->builtin, "A built-in topology (C++ DSL)");
  app->add_option("--input", o->input, "Input topic of the built-in topology");
  app->add_option("--output", o->output, "Output topic of the built-in topology");
  app->add_option("--status-interval-ms", o->status_interval_ms,
                  "Status line period on stderr; 0 turns it off (default 5000)")
      ->check(non_negative());
  app->add_option("--metrics-listen", o->metrics_listen,
                  "Serve Prometheus metrics on HOST:PORT (port 0: a free one); overrides "
                  "metrics.listen");
  app->add_option("topology", o->topology_files, "Topology files (YAML)");
  return {app, [o] { return run_command(*o); }};
}

}  // namespace sluice::cli
