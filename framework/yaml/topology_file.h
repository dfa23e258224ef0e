// Topology files: a topology written in YAML (sources, stores, steps, sinks), compiled onto the
// StreamsBuilder. Loading checks everything a person can get wrong (operators, keys, field
// paths against the protobuf descriptors, types, durations, names, co-partitioning) and
// throws one config::ConfigError carrying every problem as FILE:LINE:COL diagnostics.
// Load-time only: nothing here runs per record. The language is in docs/TOPOLOGY_LANGUAGE.md.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config_error.h"
#include "config/interpolate.h"
#include "topology/topology.h"

namespace sluice::yaml {

struct SourceInfo {
  std::string name;
  std::vector<std::string> topics;
  std::string message_type;  // empty when the source declares no protobuf type
};

struct SinkInfo {
  std::string name;
  std::string topic;
};

struct StoreInfo {
  std::string name;
  std::string kind;  // "window" or "key_value"
  std::string step;  // the step that owns it
};

struct TopologyFile {
  std::string file;
  std::string name;  // the file's `name:`, default: the file name without extension
  Topology topology;
  std::vector<SourceInfo> sources;
  std::vector<SinkInfo> sinks;
  std::vector<StoreInfo> stores;
  // Every ${VAR} the file references, with the value it resolved to.
  std::map<std::string, std::string> parameters;
};

// Reads and compiles `path`. Throws config::ConfigError (an unreadable file included).
TopologyFile load_topology_file(const std::string& path,
                                const config::EnvLookup& env = config::process_env);
// Several files of one application, compiled onto one topology (their sources, step, store
// and sink names must not collide; each file's diagnostics name that file). Throws
// config::ConfigError with every file's problems.
TopologyFile load_topology_files(const std::vector<std::string>& paths,
                                 const config::EnvLookup& env = config::process_env);
// Compiles YAML text; `filename` is used in diagnostics. Throws config::ConfigError.
TopologyFile load_topology_string(const std::string& text, const std::string& filename,
                                  const config::EnvLookup& env = config::process_env);

}  // namespace sluice::yaml
