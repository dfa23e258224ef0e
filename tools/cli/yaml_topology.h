// Topologies from YAML files for the CLI: `sluice bench engine --topology F` builds the minute
// aggregation from topologies/minute_aggregation.yaml (or another file of the same shape),
// mapping the benchmark's options onto the file's parameters.
#pragma once

#include <string>

#include "minute_aggregation.h"
#include "topology/topology.h"

namespace sluice::cli {

// Loads `path` with USER_TAGS_TOPIC = options.input_topic, MINUTE_IDLE_CLOSE =
// options.idle_close_ms and MINUTE_OUTPUT_TOPIC = options.output_topic, or, without an output
// topic, MINUTE_OUTPUT_ENABLED = false (no sink, as the C++ build); other variables come from
// the environment. Throws config::ConfigError (every problem of the file).
Topology build_minute_aggregation_from_yaml(const std::string& path,
                                            const MinuteAggregationOptions& options);

}  // namespace sluice::cli
