// Topologies built with the C++ DSL that `sluice run --builtin NAME` can run until topology
// files (YAML) are wired in: the Allezon minute aggregation and a per-country 1-second
// windowed count (used by the multi-process integration tests).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "topology/topology.h"

namespace sluice::cli {

struct BuiltinTopologyOptions {
  std::string input_topic;   // default: each topology's own ("user_tags" / "tags")
  std::string output_topic;  // default: each topology's own
};

// nullopt for an unknown name.
std::optional<Topology> build_builtin_topology(const std::string& name,
                                               const BuiltinTopologyOptions& options);
std::vector<std::string> builtin_topology_names();

}  // namespace sluice::cli
