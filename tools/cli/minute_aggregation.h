// The minute aggregation of the Allezon job, built with the C++ DSL: per 1-minute event-time
// bucket, action, and every subset of (origin, brand, category), the number of tags and the
// sum of prices. Shared by `sluice bench engine` and `sluice demo`; the YAML form of the same
// topology is the next milestone.
#pragma once

#include <optional>
#include <string>

#include "topology/topology.h"

namespace sluice::cli {

struct MinuteAggregationOptions {
  std::string input_topic = "user_tags";
  std::optional<std::string> output_topic;  // default: final results go nowhere (benchmark)
  int64_t idle_close_ms = 0;                // default: windows close on stream time only
};

Topology build_minute_aggregation(const MinuteAggregationOptions& options);

}  // namespace sluice::cli
