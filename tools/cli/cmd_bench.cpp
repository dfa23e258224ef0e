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
#include "bench_e2e.h"
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

// One engine configuration under measurement: its runs' timings and last result.
struct Side {
  std::string label;
  TopologyFactory build;
  std::vector<double> secs;
  EngineResult last;
};

// One run of `side` on `lines`; false (after printing why) when it fails.
bool run_once(Side& side, const std::vector<std::string_view>& lines, const std::string& root,
              int run, int repeat) {
  side.last = run_engine(lines, root, side.build);
  const EngineResult& e = side.last;
  if (!e.error.empty()) {
    fmt::print(stderr, "sluice: error: {} run {}: {}\n", side.label, run, e.error);
    return false;
  }
  side.secs.push_back(e.seconds());
  fmt::print(
      "{} run {}/{}: setup {:.3f} s, pipe {:.3f} s, commit {:.3f} s (cpu {:.3f} s), {} cells, "
      "{} dead-lettered, {:.1f} MiB on disk\n",
      side.label, run, repeat, e.setup_seconds, e.pipe_seconds, e.commit_seconds, e.cpu_seconds,
      e.cells, e.dead_letters, mib(e.state_bytes));
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
  // With --compare-cpp the two builds alternate run by run (C++ first on odd runs, YAML first
  // on even ones), so drift in the machine's load hits both; the ratio is the median of the
  // per-pair ratios.
  Side cpp{"engine (C++ DSL)", [] { return build_minute_aggregation({}); }, {}, {}};
  Side file{"engine (" + o.topology + ")", yaml, {}, {}};
  std::vector<double> pair_ratios;
  for (int i = 1; i <= o.repeat; ++i) {
    if (o.compare_cpp && i % 2 == 1 && !run_once(cpp, input.lines, root, i, o.repeat)) {
      return kExitFailure;
    }
    if (!run_once(file, input.lines, root, i, o.repeat)) return kExitFailure;
    if (o.compare_cpp && i % 2 == 0 && !run_once(cpp, input.lines, root, i, o.repeat)) {
      return kExitFailure;
    }
    if (o.compare_cpp) pair_ratios.push_back(cpp.secs.back() / file.secs.back());
  }
  const EngineResult& engine = file.last;
  const double engine_rate = n / median(file.secs);
  if (o.compare_cpp) {
    fmt::print("engine (C++ DSL) events/s: {:.0f}\n", n / median(cpp.secs));
    fmt::print("engine ({}) events/s: {:.0f}\n", o.topology, engine_rate);
    fmt::print("ratio YAML vs C++ DSL (median of {} alternating pairs): {:.3f}\n",
               pair_ratios.size(), median(pair_ratios));
    if (cpp.last.cells != engine.cells || cpp.last.total_count != engine.total_count ||
        cpp.last.total_sum != engine.total_sum) {
      fmt::print(stderr, "sluice: error: the C++ DSL and the YAML builds disagree\n");
      return kExitFailure;
    }
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
  auto e2e_options = std::make_shared<BenchE2eOptions>();
  CLI::App* e2e = add_bench_e2e_subcommand(*bench, *e2e_options);
  return {bench, [o, engine, e2e_options, e2e] {
            if (engine->parsed()) return run_bench_engine(*o);
            if (e2e->parsed()) return run_bench_e2e(*e2e_options);
            return kExitUsage;
          }};
}

}  // namespace sluice::cli
