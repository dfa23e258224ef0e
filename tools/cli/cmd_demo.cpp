// `sluice demo`: the main job without a broker. Generates Allezon user tags, runs the minute
// aggregation through the TopologyTestDriver (RocksDB stores in a temporary directory), lets
// the wall clock run on after the input stops so the last buckets close (idle close), and
// prints the topology and a summary of the final bucket results it published.
#include <fmt/core.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "command.h"
#include "datagen_allezon.h"
#include "minute_aggregation.h"
#include "testing/topology_test_driver.h"

namespace sluice::cli {

namespace {

struct DemoFlags {
  uint64_t count = 300'000;
  uint64_t seed = 7;
  size_t show = 10;
};

int run_demo(const DemoFlags& flags) {
  const std::string out_topic = "minute-aggregates";
  Topology topology = build_minute_aggregation({.output_topic = out_topic, .idle_close_ms = 5'000});
  fmt::print("{}\n", topology.describe());

  std::string pattern = (std::filesystem::temp_directory_path() / "sluice-demo-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    fmt::print(stderr, "sluice: error: cannot create a state directory\n");
    return kExitFailure;
  }
  const std::filesystem::path state_dir = pattern;
  int rc = kExitOk;
  {
    testing::TopologyTestDriver driver(
        topology,
        {.state_dir = state_dir.string(), .commit_every = 50'000, .keep_changelogs = false});
    AllezonGenerator gen({.count = flags.count, .seed = flags.seed});
    std::string line;
    uint64_t outputs = 0;
    std::map<int64_t, uint64_t> per_minute_count;  // window_start -> events (action-only sets)
    std::vector<nlohmann::json> last;
    auto drain = [&] {
      for (auto& r : driver.read_output(out_topic)) {
        ++outputs;
        auto j = nlohmann::json::parse(r.value.value_or("{}"));
        if (!j.contains("origin") && !j.contains("product_info")) {
          per_minute_count[j.value("window_start", int64_t{0})] += j.value("count", int64_t{0});
        }
        last.push_back(std::move(j));
        if (last.size() > 4096) last.erase(last.begin(), last.begin() + 2048);
      }
    };
    for (uint64_t i = 0; i < flags.count; ++i) {
      line.clear();
      gen.append_next(line);
      line.pop_back();  // the newline
      Status st = driver.pipe("user_tags", {}, line, Timestamp(0));
      if (!st.ok()) {
        fmt::print(stderr, "sluice: error: {}\n", st.to_string());
        return kExitFailure;
      }
      if (i % 50'000 == 0) drain();
    }
    // Input stopped: the wall clock runs on (90 s covers a bucket plus its grace) and the idle
    // close publishes the last buckets.
    for (int s = 0; s < 90 && rc == kExitOk; ++s) {
      if (!driver.advance_wall_clock(1'000).ok()) rc = kExitFailure;
    }
    if (!driver.commit().ok()) rc = kExitFailure;
    drain();
    fmt::print("events in: {}, dead letters: {}, final bucket results out: {}\n", flags.count,
               driver.read_dead_letters().size(), outputs);
    fmt::print("\nevents per minute (from the action-only buckets):\n");
    for (const auto& [start, n] : per_minute_count) {
      fmt::print("  {}  {:>8}\n", format_iso8601(Timestamp(start)), n);
    }
    std::sort(last.begin(), last.end(), [](const auto& a, const auto& b) {
      return a.value("count", int64_t{0}) > b.value("count", int64_t{0});
    });
    fmt::print("\nbusiest buckets among the last published:\n");
    for (size_t i = 0; i < std::min(flags.show, last.size()); ++i)
      fmt::print("  {}\n", last[i].dump());
  }
  std::error_code ec;
  std::filesystem::remove_all(state_dir, ec);
  return rc;
}

}  // namespace

Command add_demo_command(CLI::App& root) {
  auto flags = std::make_shared<DemoFlags>();
  CLI::App* app = root.add_subcommand(
      "demo", "Run the minute aggregation on generated user tags (no broker) and show results");
  app->add_option("--count", flags->count, "Events to generate")->check(non_negative());
  app->add_option("--seed", flags->seed, "Generator seed")->check(non_negative());
  app->add_option("--show", flags->show, "Buckets to print")->check(non_negative());
  return {app, [flags] { return run_demo(*flags); }};
}

}  // namespace sluice::cli
