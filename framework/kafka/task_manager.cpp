#include "kafka/task_manager.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <set>

namespace sluice::kafka {

namespace {

bool same_offsets(const std::vector<TopicPartitionOffset>& a,
                  const std::vector<TopicPartitionOffset>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].offset != b[i].offset) return false;
  }
  return true;
}
}  // namespace

TaskManager::TaskManager(const Topology& topology, const TopologyLayout& layout,
                         runtime::TaskOptions base_options, Producer& producer,
                         KafkaRecordCollector& collector, StateRestorer& restorer,
                         metrics::Registry& metrics, RuntimeStats& stats)
    : topology_(topology),
      layout_(layout),
      base_options_(std::move(base_options)),
      producer_(producer),
      collector_(collector),
      state_manager_(restorer, metrics, stats),
      metrics_(metrics),
      stats_(stats) {
  for (const auto& sub : layout_.subtopologies) {
    for (const auto& store : sub.stores) changelog_owner_[layout_.changelog_topic(store)] = sub.id;
  }
}

TaskManager::~TaskManager() { close_all(false); }

Status TaskManager::on_assigned(const std::vector<TopicPartition>& partitions,
                                std::vector<TopicPartitionOffset>& start) {
  std::set<TaskId> wanted;
  for (const auto& tp : partitions) {
    const SubtopologyLayout* sub = layout_.reader_of(tp.topic);
    if (sub) wanted.insert(TaskId{sub->id, tp.partition.value()});
  }
  for (const TaskId& id : wanted) {
    if (tasks_.count(id)) continue;
    SLUICE_RETURN_IF_ERROR(
        create_task(layout_.subtopologies[id.subtopology], Partition(id.partition), start));
  }
  return Status::Ok();
}

Status TaskManager::create_task(const SubtopologyLayout& sub, Partition partition,
                                std::vector<TopicPartitionOffset>& start) {
  auto t = std::make_unique<Task>();
  t->id = TaskId{sub.id, partition.value()};
  const std::string name = t->id.to_string();
  for (const auto& topic : sub.source_topics) t->inputs.push_back({topic, partition, Offset(-1)});
  std::vector<std::pair<std::string, std::string>> logged;
  for (const auto& store : sub.stores) {
    const state::StoreOptions* opts = topology_.store(store);
    if (!opts || !opts->logging) continue;
    logged.emplace_back(store, layout_.changelog_topic(store));
    t->changelogs.push_back({store, layout_.changelog_topic(store), std::nullopt});
  }
  // Local state is trusted only with a checkpoint from a clean close; without one, whatever
  // an unclean stop left on disk is wiped and the stores are rebuilt from their changelogs.
  std::map<std::string, Offset> checkpointed;
  if (!base_options_.state_dir.empty()) {
    t->checkpoint.emplace(
        fmt::format("{}/{}/{}", base_options_.state_dir, base_options_.application_id, name));
    auto read = t->checkpoint->read();
    if (read.ok()) checkpointed = std::move(*read);
    if (checkpointed.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(t->checkpoint->dir(), ec);
      if (ec)
        return Status::IOError(fmt::format("wiping {}: {}", t->checkpoint->dir(), ec.message()));
    } else {
      // From here on the local state moves past the checkpoint: a crash must not reuse it.
      SLUICE_RETURN_IF_ERROR(t->checkpoint->remove());
    }
  }
  t->changelog = std::make_unique<KafkaChangelogWriter>(producer_, partition, std::move(logged));
  runtime::TaskOptions options = base_options_;
  options.nodes = sub.nodes;
  t->task = std::make_unique<runtime::StreamTask>(t->id, topology_, options, collector_,
                                                  *t->changelog, metrics_);
  try {
    t->task->initialize_stores(Timestamp(0));
  } catch (const std::exception& e) {
    return Status::IOError(fmt::format("task {}: {}", name, e.what()));
  }
  runtime::StreamTask& task = *t->task;
  auto position = state_manager_.restore(
      name, partition, [&task](const std::string& store) { return task.store(store); },
      t->changelogs, checkpointed, *t->changelog);
  if (!position.ok()) return position.status();
  // Resume where the state stops: input before it is in the state, input after it is not.
  t->sequence = position->sequence;
  for (auto& in : t->inputs) {
    if (const auto* p = position->input(in.topic, in.partition)) {
      in.offset = p->next;
      start.push_back(in);
    }
  }
  t->marked = t->inputs;
  t->task->origin_filter().restore(position->origins);
  // Processors start only on restored stores (a write-back aggregate reads which windows the
  // store holds when it starts).
  try {
    t->task->complete_restoration();
  } catch (const std::exception& e) {
    return Status::IOError(fmt::format("task {}: {}", name, e.what()));
  }
  tasks_.emplace(t->id, std::move(t));
  ++generation_;
  ++stats_.tasks_created;
  ++stats_.active_tasks;
  return Status::Ok();
}

void TaskManager::close_task(Task& t, bool clean) {
  std::map<std::string, Offset> offsets;
  for (const auto& cl : t.changelogs) {
    state::StateStore* store = t.task->store(cl.store);
    if (cl.next && store && store->persistent()) {
      offsets[checkpoint_key(cl.topic, Partition(t.id.partition))] = *cl.next;
    }
  }
  t.task->close();  // RocksDB flushes its memtables here: the checkpoint may follow
  if (clean && t.checkpoint && !offsets.empty()) {
    Status st = t.checkpoint->write(offsets);
    if (!st.ok()) fmt::print(stderr, "sluice: warning: {}\n", st.to_string());
  }
  ++stats_.tasks_closed;
  --stats_.active_tasks;
}

void TaskManager::close_tasks_for(const std::vector<TopicPartition>& partitions, bool clean) {
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    bool revoked = false;
    for (const auto& in : it->second->inputs) {
      for (const auto& tp : partitions) {
        if (tp.topic == in.topic && tp.partition == in.partition) revoked = true;
      }
    }
    if (revoked) {
      close_task(*it->second, clean);
      it = tasks_.erase(it);
      ++generation_;
    } else {
      ++it;
    }
  }
}

void TaskManager::close_all(bool clean) {
  for (auto& [id, t] : tasks_) close_task(*t, clean);
  if (!tasks_.empty()) ++generation_;
  tasks_.clear();
}

TaskManager::Task* TaskManager::find(std::string_view topic, Partition partition,
                                     size_t* input_index) {
  const SubtopologyLayout* sub = layout_.reader_of(topic);
  if (!sub) return nullptr;
  auto it = tasks_.find(TaskId{sub->id, partition.value()});
  if (it == tasks_.end()) return nullptr;
  auto& inputs = it->second->inputs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].topic == topic) *input_index = i;
  }
  return it->second.get();
}

Status TaskManager::commit_task(Task& t) {
  auto position_of = [&t](uint64_t sequence) {
    runtime::TaskPosition p;
    p.sequence = sequence;
    for (const auto& in : t.inputs) {
      if (in.offset.value() >= 0) p.inputs.push_back({in.topic, in.partition, in.offset});
    }
    p.origins = t.task->origin_filter().marks();
    return p.encode();
  };
  t.pending_marker.clear();
  if (t.changelogs.empty()) return t.task->commit();
  if (!same_offsets(t.inputs, t.marked)) {
    t.pending_marker = position_of(t.sequence + 1);
    SLUICE_RETURN_IF_ERROR(t.task->commit(t.pending_marker));
  } else {
    SLUICE_RETURN_IF_ERROR(t.task->commit());
    // State changed without input (a wall-clock punctuator): still a commit of its own.
    if (t.changelog->logged_since_mark() > 0) {
      t.pending_marker = position_of(t.sequence + 1);
      SLUICE_RETURN_IF_ERROR(t.task->commit(t.pending_marker));
    }
  }
  if (!t.pending_marker.empty()) {
    ++t.sequence;
    t.marked = t.inputs;
  }
  return t.changelog->status();
}

Status TaskManager::commit_tasks() {
  for (auto& [id, t] : tasks_) SLUICE_RETURN_IF_ERROR(commit_task(*t));
  return collector_.status();
}

Status TaskManager::mark_commits() {
  const Timestamp now = wall_clock_now();
  for (auto& [id, t] : tasks_) {
    if (t->pending_marker.empty()) continue;
    t->changelog->mark(t->pending_marker, now);
    t->pending_marker.clear();
    SLUICE_RETURN_IF_ERROR(t->changelog->status());
  }
  return Status::Ok();
}

std::vector<TopicPartitionOffset> TaskManager::consumed_offsets() const {
  std::vector<TopicPartitionOffset> out;
  for (const auto& [id, t] : tasks_) {
    for (const auto& in : t->inputs) {
      if (in.offset.value() >= 0) out.push_back(in);
    }
  }
  return out;
}

void TaskManager::on_changelog_delivered(std::string_view topic, Partition partition,
                                         Offset offset) {
  auto owner = changelog_owner_.find(topic);
  if (owner == changelog_owner_.end()) return;
  auto it = tasks_.find(TaskId{owner->second, partition.value()});
  if (it == tasks_.end()) return;
  for (auto& cl : it->second->changelogs) {
    if (cl.topic == topic && (!cl.next || *cl.next <= offset)) cl.next = Offset(offset.value() + 1);
  }
}

}  // namespace sluice::kafka
