// StreamTask: one partition group of one sub-topology, as in Kafka Streams. It owns the
// processor nodes and state stores of its part of the topology, its stream time (the largest
// event time it has processed) and its punctuation schedules. Input arrives as raw bytes with
// its source position; record errors (malformed input, missing fields) go to the dead-letter
// topic with the reason in headers and are counted, and processing goes on. Not thread-safe:
// one StreamThread drives a task.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/registry.h"
#include "runtime/origin_filter.h"
#include "runtime/punctuation_queue.h"
#include "runtime/record_collector.h"
#include "runtime/task_probe.h"
#include "state/changelog_writer.h"
#include "topology/topology.h"

namespace sluice::runtime {

namespace detail {
class ProcessorNode;
class SourceDecoder;
}  // namespace detail

struct TaskOptions {
  std::string application_id = "sluice";  // default: "sluice"
  // Where persistent stores live (state_dir/<application.id>/<task>/<store>). Empty (default):
  // every store runs in memory whatever its options say.
  std::string state_dir;
  std::string dead_letter_topic = "sluice-dead-letters";  // default
  // Prefix for internal (repartition) topics; the Kafka runtime uses "<application.id>-".
  std::string internal_topic_prefix;  // default: none
  // Record cache budget of each store (cache.max.bytes); 0 (default): each store's own.
  size_t cache_max_bytes = 0;
  // Node indices of the sub-topology this task runs; empty (default): the whole topology.
  std::vector<size_t> nodes;
};

// Header names set on dead letters.
inline constexpr std::string_view kErrorCodeHeader = "sluice.error.code";
inline constexpr std::string_view kErrorReasonHeader = "sluice.error.reason";
inline constexpr std::string_view kErrorNodeHeader = "sluice.error.node";
inline constexpr std::string_view kSourceTopicHeader = "sluice.source.topic";
inline constexpr std::string_view kSourcePartitionHeader = "sluice.source.partition";
inline constexpr std::string_view kSourceOffsetHeader = "sluice.source.offset";

class StreamTask {
 public:
  StreamTask(TaskId id, const Topology& topology, TaskOptions options, RecordCollector& collector,
             state::ChangelogWriter& changelog, metrics::Registry& metrics);
  ~StreamTask();
  StreamTask(const StreamTask&) = delete;
  StreamTask& operator=(const StreamTask&) = delete;

  // Opens stores and initializes processors. Throws std::runtime_error on failure (startup).
  void init(Timestamp wall_clock);
  // init() in two steps, as Kafka Streams does around restoration: open the stores, restore
  // them (the caller writes the changelog into store()), then initialize the processors, which
  // may read what the stores hold (a write-back aggregate learns which windows are stored).
  void initialize_stores(Timestamp wall_clock);
  void complete_restoration();

  // Processes one input record of `topic`. Returns non-ok only for failures that are not the
  // record's fault (store I/O); the caller then stops the task.
  Status process(std::string_view topic, Partition partition, Offset offset, std::string_view key,
                 std::optional<std::string_view> value, Timestamp record_timestamp,
                 const Headers& headers);
  // Moves the wall clock and fires wall-clock punctuators that fell due.
  Status punctuate_wall_clock(Timestamp now);
  // Flushes every processor (Processor::flush, in topological order), then every store
  // (cache -> store + changelog). With a `position` (an encoded TaskPosition), every store is
  // told, before it flushes, that its state now reflects that input (StateStore::set_position).
  Status commit(std::optional<std::string_view> position = std::nullopt);
  void close();

  const TaskId& id() const { return id_; }
  Timestamp stream_time() const { return stream_time_; }
  Timestamp wall_clock() const { return wall_clock_; }
  bool reads_topic(std::string_view topic) const;
  state::StateStore* store(std::string_view name);
  // Which repartition records this task has applied (see OriginFilter): saved in and restored
  // from the TaskPosition by the runtime.
  OriginFilter& origin_filter() { return origins_; }

  // For ProcessorNode.
  void schedule(PunctuationType type, DurationMs interval, Punctuator punctuator);
  TaskProbe& probe() { return probe_; }
  metrics::Registry& metrics() { return metrics_; }
  void note_failure(const std::string& node) {
    if (failed_node_.empty()) failed_node_ = node;
  }

 private:
  struct Source;
  void open_stores(const std::vector<size_t>& nodes);
  std::vector<size_t> node_subset() const;
  void send_dead_letter(const Status& status, std::string_view topic, Partition partition,
                        Offset offset, std::string_view key, std::optional<std::string_view> value,
                        Timestamp ts, const Headers& headers);

  TaskId id_;
  const Topology& topology_;
  TaskOptions options_;
  RecordCollector& collector_;
  state::ChangelogWriter& changelog_;
  metrics::Registry& metrics_;
  TaskProbe probe_;
  Timestamp stream_time_ = Timestamp::min();
  Timestamp wall_clock_{0};
  PunctuationQueue stream_time_punctuators_;
  PunctuationQueue wall_clock_punctuators_;
  std::map<std::string, std::unique_ptr<state::StateStore>, std::less<>> stores_;
  std::vector<std::unique_ptr<detail::ProcessorNode>> nodes_;  // topological (insertion) order
  std::vector<std::unique_ptr<Source>> sources_;
  std::string failed_node_;
  OriginFilter origins_;
};

}  // namespace sluice::runtime
