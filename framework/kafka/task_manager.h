// TaskManager: the StreamTasks of one StreamThread, as in Kafka Streams. A task is partition p
// of one sub-topology: it reads partition p of every (co-partitioned) source topic of that
// sub-topology. On assignment the manager creates the tasks of the new partitions and restores
// their stores from the changelogs (from the local checkpoint when there is one, else from the
// start, after wiping any local state left by an unclean stop); on revocation it closes them.
// It also tracks, per task, the input offsets processed and the changelog offsets delivered,
// and stamps every commit of a task's state with its TaskPosition (stores and changelog
// markers) so that a restored task resumes exactly where its state stops.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kafka/consumer.h"
#include "kafka/kafka_record_collector.h"
#include "kafka/processor_state_manager.h"
#include "kafka/runtime_stats.h"
#include "kafka/state_restorer.h"
#include "kafka/task_checkpoint.h"
#include "kafka/topology_layout.h"
#include "metrics/registry.h"
#include "runtime/stream_task.h"

namespace sluice::kafka {

class TaskManager {
 public:
  struct Task {
    TaskId id;
    std::unique_ptr<KafkaChangelogWriter> changelog;
    std::unique_ptr<runtime::StreamTask> task;
    std::vector<StoreChangelog> changelogs;
    std::vector<TopicPartitionOffset> inputs;  // offset: next to read; -1 until one is processed
    std::optional<TaskCheckpoint> checkpoint;  // persistent state only
    uint64_t sequence = 0;                     // commits of this task's state so far
    std::vector<TopicPartitionOffset> marked;  // inputs as of the last marker
    std::string pending_marker;                // position to mark after this commit's records
  };

  TaskManager(const Topology& topology, const TopologyLayout& layout,
              runtime::TaskOptions base_options, Producer& producer,
              KafkaRecordCollector& collector, StateRestorer& restorer, metrics::Registry& metrics,
              RuntimeStats& stats);
  ~TaskManager();

  // Creates and restores the tasks of newly assigned partitions. Fills `start` with the
  // offsets to resume from where a task's restored state says (other partitions start from
  // their committed offsets). Non-ok: restore failed.
  Status on_assigned(const std::vector<TopicPartition>& partitions,
                     std::vector<TopicPartitionOffset>& start);
  // Closes the tasks owning any of `partitions`; `clean` writes their checkpoints.
  void close_tasks_for(const std::vector<TopicPartition>& partitions, bool clean);
  void close_all(bool clean);

  // The task reading `topic`[`partition`], and the index of that input in task->inputs.
  Task* find(std::string_view topic, Partition partition, size_t* input_index);
  std::map<TaskId, std::unique_ptr<Task>>& tasks() { return tasks_; }

  // Flushes every task's stores (cache -> store + changelog), each store told the position its
  // state now reflects. Non-ok: a store or a send failed.
  Status commit_tasks();
  // Writes the position markers of the commit_tasks() just done, after its state records.
  Status mark_commits();
  // Processed input positions of every task (only inputs that processed something).
  std::vector<TopicPartitionOffset> consumed_offsets() const;
  // Delivery report of a changelog record: moves the owning task's changelog position.
  void on_changelog_delivered(std::string_view topic, Partition partition, Offset offset);
  // Bumped whenever the set of tasks changes (the thread's lookup cache keys on it).
  uint64_t generation() const { return generation_; }

 private:
  Status create_task(const SubtopologyLayout& sub, Partition partition,
                     std::vector<TopicPartitionOffset>& start);
  Status commit_task(Task& t);
  void close_task(Task& task, bool clean);

  const Topology& topology_;
  const TopologyLayout& layout_;
  runtime::TaskOptions base_options_;
  Producer& producer_;
  KafkaRecordCollector& collector_;
  ProcessorStateManager state_manager_;
  metrics::Registry& metrics_;
  RuntimeStats& stats_;
  std::map<TaskId, std::unique_ptr<Task>> tasks_;
  std::map<std::string, int32_t, std::less<>> changelog_owner_;  // changelog topic -> sub-topology
  uint64_t generation_ = 0;
};

}  // namespace sluice::kafka
