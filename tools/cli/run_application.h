// run_application: what `sluice run` does once it has a Topology and an application config:
// optionally starts an embedded broker, runs KafkaStreams until SIGTERM/SIGINT (or a stream
// thread fails), printing a status line, then shuts down cleanly. Shared so the topology-file
// (YAML) front end only has to build the Topology.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/application_config.h"
#include "topology/topology.h"

namespace sluice::cli {

struct RunOptions {
  bool embedded = false;  // default: use bootstrap.servers
  // Topics the embedded broker creates up front (NAME, PARTITIONS). Source and sink topics of
  // the topology that are not listed are created with `default_partitions`.
  std::vector<std::pair<std::string, int>> topics;
  int default_partitions = 4;         // default: 4
  int64_t status_interval_ms = 5000;  // default: 5 s; 0 turns the status line off
};

// Returns the process exit code (kExitOk after a clean stop, kExitFailure on failure).
int run_application(const Topology& topology, config::ApplicationConfig config,
                    const RunOptions& options);

}  // namespace sluice::cli
