// RuntimeStats: process-wide counters of the Kafka runtime, shared by its StreamThreads and
// read by status lines, tests and (expose_runtime_stats) the metrics registry.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "metrics/registry.h"

namespace sluice::kafka {

struct RuntimeStats {
  std::atomic<uint64_t> records_processed{0};
  std::atomic<uint64_t> records_restored{0};  // changelog records applied while restoring
  std::atomic<uint64_t> full_restores{0};     // stores rebuilt from the changelog's start
  std::atomic<uint64_t> tasks_created{0};
  std::atomic<uint64_t> tasks_closed{0};
  std::atomic<uint64_t> commits{0};
  std::atomic<uint64_t> commits_deferred{0};   // offset commits put off: coordinator unreachable
  std::atomic<uint64_t> producer_fencings{0};  // exactly-once producers replaced after fencing
  std::atomic<int64_t> active_tasks{0};
  // Records the collectors sent: sinks, repartition topics and dead letters, not changelogs.
  // Each thread adds its collector's count about once per poll loop.
  std::atomic<uint64_t> records_sent{0};
  // Consumer lag: over every thread's assigned partitions, high watermark - position (the next
  // offset the consumer hands out). Each thread refreshes its share about once a second from
  // librdkafka's cached watermarks (no broker round trip); a partition that has handed out no
  // record yet counts 0 until it has.
  std::atomic<int64_t> consumer_lag{0};
  // Fetch positions the stream threads' consumers had to reset (Consumer::offset_resets): each
  // one may have skipped records deleted before they were read.
  std::atomic<uint64_t> offset_resets{0};
};

// Adds the figures that have no metric of their own (tasks, commits, fencings, records sent,
// offset resets, consumer lag, full restores) to `registry` as series read at scrape time, labelled
// application=`application_id`. `stats` must outlive the registry's collections.
void expose_runtime_stats(metrics::Registry& registry, const RuntimeStats& stats,
                          const std::string& application_id);

}  // namespace sluice::kafka
