#include "kafka/runtime_stats.h"

namespace sluice::kafka {

namespace {
template <auto Member>
double read(const RuntimeStats& stats) {
  return static_cast<double>((stats.*Member).load(std::memory_order_relaxed));
}

struct Series {
  const char* name;
  const char* help;
  bool gauge;
  double (*read)(const RuntimeStats&);
};

// Only the figures that have no metric of their own: records processed and restored are counted
// by their components' probes already.
constexpr Series kSeries[] = {
    {"sluice_active_tasks", "Stream tasks this process runs now", true,
     &read<&RuntimeStats::active_tasks>},
    {"sluice_tasks_created_total", "Stream tasks created (assignments)", false,
     &read<&RuntimeStats::tasks_created>},
    {"sluice_tasks_closed_total", "Stream tasks closed (revocations, shutdown)", false,
     &read<&RuntimeStats::tasks_closed>},
    {"sluice_commits_total", "Commits (offsets, or transactions)", false,
     &read<&RuntimeStats::commits>},
    {"sluice_commits_deferred_total",
     "Offset commits put off because the coordinator was unreachable", false,
     &read<&RuntimeStats::commits_deferred>},
    {"sluice_producer_fencings_total", "Exactly-once producers replaced after being fenced", false,
     &read<&RuntimeStats::producer_fencings>},
    {"sluice_records_sent_total", "Records sent to sinks, repartition topics and dead letters",
     false, &read<&RuntimeStats::records_sent>},
    {"sluice_full_restores_total", "Stores rebuilt from the start of their changelog", false,
     &read<&RuntimeStats::full_restores>},
    {"sluice_consumer_offset_resets_total",
     "Fetch positions reset because the broker no longer had the offset (records skipped)", false,
     &read<&RuntimeStats::offset_resets>},
    {"sluice_consumer_lag", "Records behind the high watermarks of the assigned partitions", true,
     &read<&RuntimeStats::consumer_lag>},
};
}  // namespace

void expose_runtime_stats(metrics::Registry& registry, const RuntimeStats& stats,
                          const std::string& application_id) {
  const metrics::Labels labels{{"application", application_id}};
  for (const Series& s : kSeries) {
    auto value = [&stats, read = s.read] { return read(stats); };
    if (s.gauge) {
      registry.gauge_fn(s.name, s.help, labels, value);
    } else {
      registry.counter_fn(s.name, s.help, labels, value);
    }
  }
}

}  // namespace sluice::kafka
