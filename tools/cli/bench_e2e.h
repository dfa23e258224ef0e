// `sluice bench e2e`: end-to-end throughput on the embedded broker (librdkafka's mock cluster,
// in-process). One run generates every dataset once (seeded), produces it to the broker, then
// measures on those same records: a plain librdkafka consumer reading each input to its end
// (consume-only), consume + produce to an output topic (passthrough), and each topology
// (topologies/*.yaml and topologies/examples/windowed_count.yaml) run by kafka::KafkaStreams,
// under at-least-once and exactly-once. Prints one table with events/s, ratios and peak RSS.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sluice::cli {

struct BenchE2eOptions {
  uint64_t records = 100'000;  // user tags and ad events; orders a quarter, products a twentieth
  int partitions = 8;          // partitions of every input and output topic
  std::string guarantee = "both";  // at_least_once | exactly_once_v2 | both
  std::vector<std::string> only;   // row names to run; default: every row
  uint64_t seed = 42;              // generators' seed: the same seed gives the same input bytes
  // Commit interval; default 0 = Kafka Streams' defaults per guarantee as this project ships
  // them: 1000 ms at-least-once (configs/*.yaml), 100 ms exactly-once (Kafka Streams' EOS).
  int64_t commit_interval_ms = 0;
  int64_t cache_max_bytes = 10 << 20;         // cache.max.bytes (per store); default 10 MiB
  std::string topologies_dir = "topologies";  // where the topology files are
  std::string state_root;  // parent of each run's fresh state.dir; default: system temp dir
  int timeout_s = 300;     // per row; a row that does not finish in time fails the command
};

// The row names `--only` accepts.
const std::vector<std::string>& bench_e2e_row_names();

// Adds the `e2e` subcommand under `bench`, parsing into `options` (which must outlive it).
CLI::App* add_bench_e2e_subcommand(CLI::App& bench, BenchE2eOptions& options);

// Returns the process exit code: kExitOk when every row ran and processed every record.
int run_bench_e2e(const BenchE2eOptions& options);

}  // namespace sluice::cli
