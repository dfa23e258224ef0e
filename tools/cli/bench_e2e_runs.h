// The measured runs of `sluice bench e2e`, each on records already on the embedded broker:
// a plain consumer (consume-only), consume + produce (passthrough), and a topology run by
// kafka::KafkaStreams. Each starts its clients itself (a fresh consumer group), so the time of
// every run includes joining the group.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/application_config.h"
#include "kafka/mock_cluster.h"

namespace sluice::cli {

struct RunResult {
  std::string error;     // non-empty when the run failed or did not finish in time
  uint64_t records = 0;  // input records read / processed (of the input topics)
  // From the start (clients created) to the first record seen, to the last input record
  // processed (or read), and to the end: outputs delivered and committed, clients closed
  // (consume-only: consumer closed; passthrough: last commit, then the consumer closed;
  // topology: KafkaStreams::close() returned: final commit, tasks closed, group left).
  double first_seconds = 0;
  double processed_seconds = 0;
  double total_seconds = 0;
  double cpu_seconds = 0;        // process CPU (all threads, the in-process broker's included)
  uint64_t peak_rss_bytes = 0;   // this run's peak resident set (VmHWM reset before it)
  uint64_t start_rss_bytes = 0;  // resident set when it started (input, broker, earlier rows)
  uint64_t dead_letters = 0;     // topology runs
  uint64_t commits = 0;
  // Topology runs: the largest settled byte count any record cache reached, and the budget.
  uint64_t cache_peak_bytes = 0;
  uint64_t cache_budget_bytes = 0;
  size_t caches = 0;  // record caches that reported

  // Records per second from the start (group join included) to the end.
  double rate() const {
    return total_seconds > 0 ? static_cast<double>(records) / total_seconds : 0;
  }
  // Records per second from the first record to the end: without the group join and task
  // creation, which on the mock take ~3 s whatever the input size.
  double steady_rate() const {
    const double s = total_seconds - first_seconds;
    return s > 0 ? static_cast<double>(records) / s : 0;
  }
};

// Reads `topics` from the start in a fresh consumer group until `expected` records were read.
RunResult run_consume_only(const std::string& bootstrap, const std::vector<std::string>& topics,
                           uint64_t expected, const std::map<std::string, std::string>& kafka,
                           int timeout_s);

// Reads `topics` like run_consume_only and produces every record (key, value, timestamp) to
// the same partition of `output`; commits every `commit_interval_ms` and at the end as the
// guarantee says (at-least-once: flush the producer, then commit offsets; exactly-once: one
// transaction per interval with the offsets sent in it).
RunResult run_passthrough(const std::string& bootstrap, const std::vector<std::string>& topics,
                          uint64_t expected, const std::string& output,
                          config::ProcessingGuarantee guarantee, int64_t commit_interval_ms,
                          const std::map<std::string, std::string>& kafka, int timeout_s);

// A topology file, its parameters (the only environment it sees) and what it must process.
struct TopologyRun {
  std::string file;
  std::map<std::string, std::string> params;
  uint64_t input_records = 0;       // records of its input topics (what events/s counts)
  uint64_t expected_processed = 0;  // RuntimeStats::records_processed at the end (+ repartitioned)
};

// Runs `run` on KafkaStreams with `config` (application.id and state.dir fresh) until
// records_processed reaches expected_processed, then close(). Creates the topology's sink topics
// and dead-letter topic on `cluster` first (not timed).
RunResult run_topology(kafka::MockCluster& cluster, const TopologyRun& run,
                       config::ApplicationConfig config, int partitions, int timeout_s);

// Peak resident set: reset (Linux /proc/self/clear_refs; returns the current RSS, VmRSS) and read
// (VmHWM); 0 when unavailable.
uint64_t reset_peak_rss();
uint64_t peak_rss_bytes();

}  // namespace sluice::cli
