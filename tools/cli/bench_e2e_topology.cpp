// The topology rows of `sluice bench e2e`: a topology file on kafka::KafkaStreams, timed from
// start() until every input record is processed and close() has committed.
#include <fmt/core.h>
#include <prometheus/registry.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "bench_clock.h"
#include "bench_e2e_runs.h"
#include "kafka/kafka_streams.h"
#include "yaml/topology_file.h"

namespace sluice::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Longer than any pause of a healthy run (a rebalance waits at most the 6 s session timeout).
constexpr auto kStall = std::chrono::seconds(20);

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The record caches' gauges (state/cache_probe.h), over every store of every task: the largest
// peak and the budget (every store gets the same one).
void read_cache_gauges(const metrics::Registry& registry, RunResult& r) {
  for (const auto& family : registry.collect()) {
    const bool peak = family.name == "sluice_record_cache_peak_bytes";
    const bool budget = family.name == "sluice_record_cache_max_bytes";
    if (!peak && !budget) continue;
    for (const auto& m : family.metric) {
      const auto v = static_cast<uint64_t>(m.gauge.value);
      if (peak) {
        ++r.caches;
        r.cache_peak_bytes = std::max(r.cache_peak_bytes, v);
      } else {
        r.cache_budget_bytes = std::max(r.cache_budget_bytes, v);
      }
    }
  }
}

}  // namespace

RunResult run_topology(kafka::MockCluster& cluster, const TopologyRun& run,
                       config::ApplicationConfig config, int partitions, int timeout_s) {
  RunResult r;
  const auto params = run.params;
  std::optional<yaml::TopologyFile> file;
  try {
    file = yaml::load_topology_file(run.file, [&params](std::string_view name) {
      auto it = params.find(std::string(name));
      return it != params.end() ? std::optional(it->second) : std::nullopt;
    });
  } catch (const std::exception& e) {
    r.error = e.what();
    return r;
  }
  const Topology& topology = file->topology;
  std::error_code ec;
  std::filesystem::remove_all(config.state_dir, ec);
  try {
    // Outside the timed part: the topics the embedded runtime does not create itself (it makes
    // the internal ones), as `sluice run --embedded` creates them.
    if (config.dead_letter_topic.empty()) {
      config.dead_letter_topic = config.application_id + "-dead-letters";
    }
    cluster.create_topic(config.dead_letter_topic, 1);
    std::set<std::string> sinks;
    for (const auto& n : topology.nodes()) {
      if (n.sink && !n.sink->internal && sinks.insert(n.sink->topic).second) {
        cluster.create_topic(n.sink->topic, partitions);
      }
    }
    config.bootstrap_servers = cluster.bootstrap();

    r.start_rss_bytes = reset_peak_rss();
    Stopwatch cpu;
    const auto t0 = Clock::now();
    const auto deadline = t0 + std::chrono::seconds(timeout_s);
    kafka::KafkaStreams streams(topology, config, {.embedded = &cluster});
    streams.start();
    const auto& stats = streams.stats();
    // Polled every millisecond: the finish is known to within that (and the poll costs a core
    // nothing measurable next to the stream thread).
    // Once records flow, a count that stops moving for kStall means records will not come:
    // the embedded broker dropped what lay beyond its 5 MiB tail before it was read.
    uint64_t last_count = 0;
    auto last_move = Clock::now();
    bool stalled = false;
    while (stats.records_processed.load() < run.expected_processed && Clock::now() < deadline) {
      const uint64_t count = stats.records_processed.load();
      if (r.first_seconds == 0 && count > 0) r.first_seconds = since(t0);
      if (count != last_count) {
        last_count = count;
        last_move = Clock::now();
      } else if (count > 0 && Clock::now() - last_move > kStall) {
        stalled = true;
        break;
      }
      if (!streams.running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    r.processed_seconds = since(t0);
    const uint64_t processed = stats.records_processed.load();
    streams.close();  // stop polling, final commit (caches, producer, offsets or transaction)
    r.total_seconds = since(t0);
    r.cpu_seconds = cpu.cpu_seconds();
    r.peak_rss_bytes = peak_rss_bytes();
    r.commits = stats.commits.load();
    r.dead_letters =
        static_cast<uint64_t>(streams.metrics().sum("sluice_dead_letter_records_total"));
    read_cache_gauges(streams.metrics(), r);
    r.records = processed >= run.expected_processed ? run.input_records : 0;
    if (Status st = streams.status(); !st.ok()) {
      r.error = st.to_string();
    } else if (processed != run.expected_processed) {
      std::string why = fmt::format(" in {} s", timeout_s);
      if (processed > run.expected_processed) {
        why = " (more than expected)";
      } else if (stalled) {
        why = fmt::format(
            " (none for {} s: the embedded broker keeps ~5 MiB per partition and may have "
            "dropped records before they were read; try fewer --records)",
            std::chrono::duration_cast<std::chrono::seconds>(kStall).count());
      }
      r.error = fmt::format("processed {} of {} records{}", processed, run.expected_processed, why);
    }
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  std::filesystem::remove_all(config.state_dir, ec);
  return r;
}

}  // namespace sluice::cli
