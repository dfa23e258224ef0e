// The benchmark's baseline: the minute CUBE aggregation of Allezon user tags written the way a
// competent engineer would write it quickly by hand: nlohmann::json per line, one std::string
// key per cell, std::unordered_map. `sluice bench engine` compares the engine against it, both
// for speed and for the number of cells produced.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace sluice::cli {

struct BaselineResult {
  uint64_t events = 0;      // lines aggregated
  uint64_t skipped = 0;     // lines that were not JSON or lacked a field
  uint64_t cells = 0;       // distinct (minute, action, origin|*, brand|*, category|*)
  int64_t total_count = 0;  // sum of every cell's count (8 per event)
  int64_t total_sum = 0;    // sum of every cell's price sum
  double seconds = 0;       // wall time of the aggregation
  double cpu_seconds = 0;   // process CPU time of the aggregation
};

// For each line: parse, bucket the "time" to the minute, and update the 8 cells of
// (action) x (origin, product_info.brand_id, product_info.category_id present or '*').
BaselineResult run_baseline(const std::vector<std::string_view>& lines);

}  // namespace sluice::cli
