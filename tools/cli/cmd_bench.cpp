// `sluice bench engine --input FILE [--topology F] [--compare-cpp] [--repeat K]
// [--skip-baseline] [--state-dir DIR]`: the minute CUBE aggregation of Allezon user tags, by a
// hand-written baseline (bench_baseline.h) and by the engine (bench_engine.h) running
// topologies/minute_aggregation.yaml (or F), on the same in-memory lines; --compare-cpp also
// runs the C++ DSL build of the same shape, to price the YAML layer.
// Timings are the median of K runs. The last stdout line is always `events/s: N` (the engine's
// throughput, first pipe through the final commit). Exit 1 when the two disagree: cells,
// total count and price sum, or dead letters (the engine must reject exactly the lines the
// baseline could not read; none with --skip-baseline).
#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench_baseline.h"
#include "bench_engine.h"
#include "bench_input.h"
#include "command.h"
#include "minute_aggregation.h"
#include "yaml_topology.h"

namespace sluice::cli {

namespace {

struct BenchEngineOptions {
  std::string input;
  int repeat = 1;
  bool skip_baseline = false;
  std::string state_root;  // default: the system temp directory
  std::string topology = "topologies/minute_aggregation.yaml";
  bool compare_cpp = false;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double mib(uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

// Runs the engine `repeat` times on `lines`; false (after printing why) when a run fails.
bool measure(const std::string& label, const std::vector<std::string_view>& lines,
             const std::string& root, int repeat, const TopologyFactory& build,
             EngineResult& engine, double& rate) {
  std::vector<double> secs;
  for (int i = 0; i < repeat; ++i) {
    engine = run_engine(lines, root, build);
    if (!engine.error.empty()) {
      fmt::print(stderr, "sluice: error: {} run {}: {}\n", label, i + 1, engine.error);
      return false;
    }
    secs.push_back(engine.seconds());
    fmt::print(
        "{} run {}/{}: setup {:.3f} s, pipe {:.3f} s, commit {:.3f} s (cpu {:.3f} s), {} cells, "
        "{} dead-lettered, {:.1f} MiB on disk\n",
        label, i + 1, repeat, engine.setup_seconds, engine.pipe_seconds, engine.commit_seconds,
        engine.cpu_seconds, engine.cells, engine.dead_letters, mib(engine.state_bytes));
  }
  rate = static_cast<double>(lines.size()) / median(secs);
  return true;
}

int run_bench_engine(const BenchEngineOptions& o) {
  InputLines input;
  if (std::string error; !read_lines(o.input, input, error)) {
    fmt::print(stderr, "sluice: error: cannot read {}: {}\n", o.input, error);
    return kExitFailure;
  }
  const auto n = static_cast<double>(input.lines.size());
  fmt::print("input: {} ({} lines, {:.1f} MiB)\n", o.input, input.lines.size(),
             mib(input.data.size()));
  if (input.lines.empty()) {
    fmt::print(stderr, "sluice: error: {} has no records\n", o.input);
    return kExitFailure;
  }

  bool failed = false;
  BaselineResult baseline;
  double baseline_rate = 0;
  if (!o.skip_baseline) {
    std::vector<double> secs;
    for (int i = 0; i < o.repeat; ++i) {
      baseline = run_baseline(input.lines);
      secs.push_back(baseline.seconds);
      fmt::print("baseline run {}/{}: {:.3f} s (cpu {:.3f} s), {} cells, {} skipped\n", i + 1,
                 o.repeat, baseline.seconds, baseline.cpu_seconds, baseline.cells,
                 baseline.skipped);
    }
    baseline_rate = n / median(secs);
    fmt::print("baseline events/s: {:.0f}\n", baseline_rate);
    fmt::print("baseline cells: {}\n", baseline.cells);
  }

  std::string root = o.state_root;
  if (root.empty()) {
    std::error_code ec;
    root = std::filesystem::temp_directory_path(ec).string();
    if (ec) root = "/tmp";
  }
  // The YAML file must load before anything is timed; a broken file is a usage error.
  TopologyFactory yaml = [&o] { return build_minute_aggregation_from_yaml(o.topology, {}); };
  try {
    (void)yaml();
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitFailure;
  }
  double cpp_rate = 0;
  if (o.compare_cpp) {
    EngineResult cpp;
    if (!measure(
            "engine (C++ DSL)", input.lines, root, o.repeat,
            [] { return build_minute_aggregation({}); }, cpp, cpp_rate)) {
      return kExitFailure;
    }
    fmt::print("engine (C++ DSL) events/s: {:.0f}\n", cpp_rate);
  }
  EngineResult engine;
  double engine_rate = 0;
  if (!measure("engine (" + o.topology + ")", input.lines, root, o.repeat, yaml, engine,
               engine_rate)) {
    return kExitFailure;
  }
  if (o.compare_cpp) {
    fmt::print("engine ({}) events/s: {:.0f}\n", o.topology, engine_rate);
    fmt::print("ratio YAML vs C++ DSL: {:.3f}\n", engine_rate / cpp_rate);
  }

  // Lines the baseline could not read should be exactly the ones the engine dead-letters.
  const uint64_t expected_dead = o.skip_baseline ? 0 : baseline.skipped;
  fmt::print("dead-lettered: {} (expected {})\n", engine.dead_letters, expected_dead);
  if (engine.dead_letters != expected_dead) {
    fmt::print(stderr, "sluice: error: the engine dead-lettered {} records, expected {}\n",
               engine.dead_letters, expected_dead);
    failed = true;
  }
  if (o.skip_baseline) {
    fmt::print("cells: engine={}\n", engine.cells);
  } else {
    fmt::print("cells: engine={} baseline={}\n", engine.cells, baseline.cells);
    if (engine.cells != baseline.cells) {
      fmt::print(stderr, "sluice: error: cell counts differ (engine {}, baseline {})\n",
                 engine.cells, baseline.cells);
      failed = true;
    }
    fmt::print("totals: engine count={} sum_price={}, baseline count={} sum_price={}\n",
               engine.total_count, engine.total_sum, baseline.total_count, baseline.total_sum);
    if (engine.total_count != baseline.total_count || engine.total_sum != baseline.total_sum) {
      fmt::print(stderr, "sluice: error: aggregate totals differ from the baseline\n");
      failed = true;
    }
    fmt::print("ratio vs baseline: {:.2f}\n", engine_rate / baseline_rate);
  }
  fmt::print("events/s: {:.0f}\n", engine_rate);
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

Command add_bench_command(CLI::App& root) {
  CLI::App* bench = root.add_subcommand("bench", "Benchmarks");
  bench->require_subcommand(1);
  auto o = std::make_shared<BenchEngineOptions>();
  CLI::App* engine = bench->add_subcommand(
      "engine",
      "Minute CUBE aggregation of Allezon user tags (JSON lines, e.g. from `sluice datagen "
      "allezon`): a hand-written baseline, then the engine (the YAML topology) on RocksDB via "
      "the test driver");
  engine->add_option("--input", o->input, "JSON-lines file of user tags")->required();
  engine->add_option("--repeat", o->repeat, "Runs of each side; timings are the median")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  engine->add_flag("--skip-baseline", o->skip_baseline, "Run the engine only");
  engine->add_option("--topology", o->topology, "Topology file of the minute aggregation's shape")
      ->capture_default_str();
  engine->add_flag("--compare-cpp", o->compare_cpp,
                   "Also run the C++ DSL build of the same topology and print the ratio");
  engine->add_option("--state-dir", o->state_root,
                     "Where the temporary RocksDB directory goes (default: system temp dir)");
  return {bench, [o, engine] {
            if (engine->parsed()) return run_bench_engine(*o);
            return kExitUsage;
          }};
}

}  // namespace sluice::cli
