// The benchmark's engine side: the same minute CUBE aggregation as bench_baseline.h, from the YAML
// file or built with the C++ DSL, run through TopologyTestDriver on RocksDB stores in a fresh temp
// directory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "topology/topology.h"

namespace sluice::cli {

// Builds the topology a run measures (outside the timed part): the YAML file or the C++ DSL
// build of the same shape. It reads "user_tags" into the store "minute-store".
using TopologyFactory = std::function<Topology()>;

struct EngineResult {
  std::string error;          // non-empty when the run failed; the rest is then partial
  uint64_t events = 0;        // records piped
  uint64_t dead_letters = 0;  // records the engine rejected (expected 0)
  uint64_t cells = 0;         // windows in "minute-store" after the commit
  int64_t total_count = 0;    // sum over the cells of "count"
  int64_t total_sum = 0;      // sum over the cells of "sum_price"
  double setup_seconds = 0;   // topology build + driver start (not timed)
  double pipe_seconds = 0;    // first pipe to last pipe
  double commit_seconds = 0;  // the final commit (caches flushed into RocksDB)
  double cpu_seconds = 0;     // process CPU time of pipe + commit (all threads)
  uint64_t state_bytes = 0;   // size of the state directory after the commit

  double seconds() const { return pipe_seconds + commit_seconds; }
};

// Runs every line through a fresh topology and driver; `state_root` is where the temporary
// state directory is made (and removed afterwards).
EngineResult run_engine(const std::vector<std::string_view>& lines, const std::string& state_root,
                        const TopologyFactory& build);

}  // namespace sluice::cli
