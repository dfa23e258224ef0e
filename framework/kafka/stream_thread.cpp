#include "kafka/stream_thread.h"

#include <fmt/format.h>

namespace sluice::kafka {

namespace {
constexpr auto kFlushTimeout = std::chrono::seconds(60);

}  // namespace

StreamThread::StreamThread(const Topology& topology, const TopologyLayout& layout,
                           runtime::TaskOptions task_options, StreamThreadOptions options,
                           Conf consumer_conf, Conf producer_conf, Conf restore_conf,
                           metrics::Registry& metrics, RuntimeStats& stats,
                           const std::atomic<bool>& stop)
    : options_(options),
      topology_(topology),
      layout_(layout),
      task_options_(std::move(task_options)),
      producer_conf_(std::move(producer_conf)),
      metrics_(metrics),
      stats_(stats),
      stop_(stop) {
  restorer_ = std::make_unique<StateRestorer>(std::move(restore_conf));
  create_producer();
  consumer_ = std::make_unique<Consumer>(std::move(consumer_conf), this);
  purger_ = std::make_unique<RepartitionPurger>(
      consumer_->raw(), layout_.repartition_topics,
      RepartitionPurgerOptions{.interval = options_.repartition_purge_interval,
                               .client = options_.client,
                               .report_unsupported = !options_.embedded_broker},
      metrics_);
  // Companion partitions are assigned outside the subscription: know their leaders up front.
  if (Status st = consumer_->prepare_topics(layout_.all_source_topics(), std::chrono::seconds(5));
      !st.ok()) {
    fmt::print(stderr, "sluice: stream thread {}: {} (first fetches may wait for it)\n",
               options_.index, st.to_string());
  }
}

void StreamThread::create_producer() {
  tasks_.reset();
  collector_.reset();
  producer_.reset();
  producer_ = std::make_unique<Producer>(producer_conf_);
  collector_ = std::make_unique<KafkaRecordCollector>(*producer_);
  tasks_ = std::make_unique<TaskManager>(topology_, layout_, task_options_, *producer_, *collector_,
                                         *restorer_, metrics_, stats_);
  // Every topic this thread can write: external sinks, internal topics, dead letters.
  std::vector<std::string> topics;
  for (const auto& n : topology_.nodes()) {
    if (n.sink && !n.sink->internal) topics.push_back(n.sink->topic);
  }
  for (const auto& t : layout_.internal_topics) topics.push_back(t.name);
  topics.push_back(task_options_.dead_letter_topic);
  // A failure only costs the first records their wait for metadata: say so, go on.
  if (Status st = producer_->prepare_topics(topics, std::chrono::seconds(5)); !st.ok()) {
    fmt::print(stderr, "sluice: stream thread {}: {} (first records may wait for it)\n",
               options_.index, st.to_string());
  }
  producer_->set_delivery_listener(
      [this](std::string_view topic, Partition p, Offset o, rd_kafka_resp_err_t err) {
        if (!err && tasks_) tasks_->on_changelog_delivered(topic, p, o);
      });
}

StreamThread::~StreamThread() {
  join();
  // Tasks first (they reference the producer), then the clients; polled messages belong to the
  // consumer's handle and must go before it.
  batch_.clear();
  purger_.reset();
  consumer_.reset();
  tasks_.reset();
}

void StreamThread::start() {
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void StreamThread::join() {
  if (thread_.joinable()) thread_.join();
}

Status StreamThread::status() const {
  std::lock_guard lock(status_mutex_);
  return status_;
}

void StreamThread::on_error(Status status) {
  if (options_.exactly_once && producer_ && producer_->fenced()) {
    fenced_ = true;
    return;
  }
  fail(std::move(status));
}

Status StreamThread::recover_from_fencing() {
  fenced_ = false;
  ++stats_.producer_fencings;
  fmt::print(stderr,
             "sluice: stream thread {}: producer fenced (another instance took over its "
             "transactional id or its tasks): closing tasks dirty and rejoining the group\n",
             options_.index);
  // Nothing of the fenced transaction can commit; dirty tasks leave no checkpoint, so their
  // state is rebuilt from the changelogs when they come back.
  tasks_->close_all(false);
  batch_.clear();
  in_transaction_ = false;
  update_stats();  // what the fenced collector sent, before a new one starts from zero
  try {
    create_producer();
    sent_reported_ = 0;
    producer_->init_transactions(std::chrono::seconds(60));
  } catch (const std::exception& e) {
    return Status::IOError(fmt::format("replacing the fenced producer: {}", e.what()));
  }
  SLUICE_RETURN_IF_ERROR(producer_->begin_transaction());
  in_transaction_ = true;
  SLUICE_RETURN_IF_ERROR(consumer_->unsubscribe());
  try {
    consumer_->subscribe(layout_.group_topics());
  } catch (const std::exception& e) {
    return Status::IOError(e.what());
  }
  return Status::Ok();
}

void StreamThread::fail(Status status) {
  if (failed_) return;
  failed_ = true;
  fmt::print(stderr, "sluice: stream thread {} failed: {}\n", options_.index, status.to_string());
  std::lock_guard lock(status_mutex_);
  status_ = std::move(status);
}

void StreamThread::run() {
  try {
    if (options_.exactly_once) {
      producer_->init_transactions(std::chrono::seconds(60));
      Status st = producer_->begin_transaction();
      if (!st.ok()) throw KafkaError(st.message());
      in_transaction_ = true;
    }
    consumer_->subscribe(layout_.group_topics());
    loop();
  } catch (const std::exception& e) {
    fail(Status::IOError(fmt::format("stream thread {}: {}", options_.index, e.what())));
  }
  if (!failed_ && !fenced_) {
    // Clean shutdown: commit what was processed, close tasks with checkpoints, leave the group.
    Status st = commit(/*reopen=*/false);
    if (!st.ok()) fail(st);
  }
  if ((failed_ || fenced_) && in_transaction_) {
    // Nothing of the open transaction may become visible; the tasks close dirty (no
    // checkpoint), so their local state, which may hold its writes, is rebuilt next time.
    (void)producer_->abort_transaction(std::chrono::seconds(30));
  }
  closing_ = true;
  tasks_->close_all(!failed_ && !fenced_);
  update_stats(/*final=*/true);
  batch_.clear();      // messages must not outlive the consumer's handle
  consumer_->close();  // revocation finds no tasks left; leaves the group
  running_ = false;
}

void StreamThread::loop() {
  last_commit_ = std::chrono::steady_clock::now();
  while (!stop_.load(std::memory_order_relaxed) && !failed_) {
    if (fenced_) {
      Status st = recover_from_fencing();
      if (!st.ok()) return fail(st);
    }
    Status st = process_batch();
    if (!st.ok()) {
      on_error(st);
      continue;
    }
    const Timestamp now = wall_clock_now();
    for (auto& [id, t] : tasks_->tasks()) {
      st = t->task->punctuate_wall_clock(now);
      if (!st.ok()) break;
    }
    if (!st.ok()) {
      on_error(st);
      continue;
    }
    producer_->poll();
    update_stats();
    if (std::chrono::steady_clock::now() - last_commit_ >= options_.commit_interval) {
      st = commit();
      if (!st.ok()) on_error(st);
    }
  }
}

Status StreamThread::process_batch() {
  batch_.clear();
  consumer_->poll_batch(batch_, options_.max_poll_records, options_.poll_timeout);
  if (failed_) return status();      // a rebalance inside poll failed
  if (fenced_) return Status::Ok();  // the loop recovers before anything else
  // Lookup cache for runs of records from the same partition.
  rd_kafka_topic_t* last_rkt = nullptr;
  int32_t last_partition = -1;
  TaskManager::Task* task = nullptr;
  size_t input = 0;
  uint64_t processed = 0;
  for (const auto& m : batch_) {
    if (m->err) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      if (rd_kafka_fatal_error(consumer_->raw(), nullptr, 0)) {
        return Status::IOError(fmt::format("consumer: {}", rd_kafka_message_errstr(m.get())));
      }
      fmt::print(stderr, "sluice: consumer: {}\n", rd_kafka_message_errstr(m.get()));
      continue;
    }
    const char* topic = rd_kafka_topic_name(m->rkt);
    if (m->rkt != last_rkt || m->partition != last_partition) {
      task = tasks_->find(topic, Partition(m->partition), &input);
      last_rkt = m->rkt;
      last_partition = m->partition;
    }
    if (!task) continue;  // revoked while in flight
    headers_.clear();
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(m.get(), &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      for (size_t i = 0;
           rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
           ++i) {
        headers_.push_back({name, std::string(static_cast<const char*>(value), value ? size : 0)});
      }
    }
    std::optional<std::string_view> value;
    if (m->payload) value = std::string_view(static_cast<const char*>(m->payload), m->len);
    const std::string_view key =
        m->key ? std::string_view(static_cast<const char*>(m->key), m->key_len)
               : std::string_view();
    SLUICE_RETURN_IF_ERROR(
        task->task->process(topic, Partition(m->partition), Offset(m->offset), key, value,
                            Timestamp(rd_kafka_message_timestamp(m.get(), nullptr)), headers_));
    task->inputs[input].offset = Offset(m->offset + 1);
    ++processed;
  }
  stats_.records_processed += processed;
  return Status::Ok();
}

Status StreamThread::commit(bool reopen) {
  last_commit_ = std::chrono::steady_clock::now();
  SLUICE_RETURN_IF_ERROR(tasks_->commit_tasks());
  if (options_.exactly_once) {
    // One transaction: outputs, state records and markers become visible together.
    SLUICE_RETURN_IF_ERROR(tasks_->mark_commits());
    return commit_transaction(reopen);
  }
  // A marker tells a restoring task to resume after this commit's input, so it may only be
  // written once every output and state record of the commit is acknowledged: otherwise a
  // crash could leave a marker claiming outputs that were lost. A crash between two stores'
  // markers leaves them one commit apart, which the next restore reconciles.
  SLUICE_RETURN_IF_ERROR(producer_->flush(kFlushTimeout));
  SLUICE_RETURN_IF_ERROR(tasks_->mark_commits());
  SLUICE_RETURN_IF_ERROR(producer_->flush(kFlushTimeout));
  const std::vector<TopicPartitionOffset> offsets = tasks_->consumed_offsets();
  auto outcome = consumer_->commit_sync(offsets);
  if (!outcome.ok()) return outcome.status();
  if (*outcome == Consumer::CommitOutcome::kRebalancing) {
    // The revocation inside the next poll commits these offsets (or they move with their
    // partitions, and the new owner resumes from the position its restored state holds).
    return Status::Ok();
  }
  if (*outcome == Consumer::CommitOutcome::kRetryLater) {
    // The coordinator is away for now; the next interval commits these offsets too. Nothing is
    // lost meanwhile: the markers already say which input the state holds.
    ++stats_.commits_deferred;
    return Status::Ok();
  }
  ++stats_.commits;
  purger_->on_committed(offsets, last_commit_);
  return Status::Ok();
}

Status StreamThread::commit_transaction(bool reopen) {
  if (!in_transaction_) return Status::Ok();  // after the final commit of a shutdown
  const std::vector<TopicPartitionOffset> offsets = tasks_->consumed_offsets();
  if (!offsets.empty()) {
    detail::PartitionListPtr list = to_partition_list(offsets);
    GroupMetadataPtr group = consumer_->group_metadata();
    SLUICE_RETURN_IF_ERROR(
        producer_->send_offsets_to_transaction(list.get(), group.get(), kFlushTimeout));
  }
  SLUICE_RETURN_IF_ERROR(producer_->commit_transaction(kFlushTimeout));
  in_transaction_ = false;
  ++stats_.commits;
  purger_->on_committed(offsets, last_commit_);
  if (reopen) {
    SLUICE_RETURN_IF_ERROR(producer_->begin_transaction());
    in_transaction_ = true;
  }
  return Status::Ok();
}

std::vector<TopicPartitionOffset> StreamThread::on_assigned(
    const std::vector<TopicPartition>& partitions) {
  std::vector<TopicPartitionOffset> start;
  // A fenced thread rejoins and is assigned again; a closing one reads nothing more.
  if (failed_ || fenced_ || closing_) return start;
  Status st = tasks_->on_assigned(partitions, start);
  if (!st.ok()) on_error(st);
  // The co-partitioned inputs of each task follow its group-assigned partition.
  for (const auto& c : companions(partitions)) {
    bool positioned = false;
    for (const auto& s : start) positioned |= s.topic == c.topic && s.partition == c.partition;
    if (!positioned) start.push_back({c.topic, c.partition, kCommittedOffset});
  }
  return start;
}

std::vector<TopicPartition> StreamThread::companions(
    const std::vector<TopicPartition>& partitions) {
  std::vector<TopicPartition> out;
  for (const auto& tp : partitions) {
    for (auto& [topic, p] : layout_.companions(tp.topic, tp.partition)) {
      out.push_back({std::move(topic), p});
    }
  }
  return out;
}

void StreamThread::on_revoked(const std::vector<TopicPartition>& partitions) {
  if (closing_) return;  // the final commit is done and no task is left
  if (!failed_ && !fenced_) {
    Status st = commit();
    if (!st.ok()) on_error(st);
  }
  tasks_->close_tasks_for(partitions, !failed_ && !fenced_);
}

void StreamThread::on_lost(const std::vector<TopicPartition>& partitions) {
  // Another member may own these already: committing could overwrite its progress.
  tasks_->close_tasks_for(partitions, false);
}

void StreamThread::update_stats(bool final) {
  const uint64_t sent = collector_->sent();
  stats_.records_sent += sent - sent_reported_;
  sent_reported_ = sent;
  const uint64_t resets = consumer_->offset_resets();
  stats_.offset_resets += resets - resets_reported_;
  resets_reported_ = resets;
  const auto now = std::chrono::steady_clock::now();
  if (!final && now - lag_refreshed_ < std::chrono::seconds(1)) return;
  lag_refreshed_ = now;
  const int64_t lag = final ? 0 : consumer_lag();
  stats_.consumer_lag += lag - lag_reported_;
  lag_reported_ = lag;
}

int64_t StreamThread::consumer_lag() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(consumer_->raw(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return lag_reported_;
  }
  detail::PartitionListPtr assigned(raw);
  // Position: the offset after the last record handed to this thread, or an invalid offset
  // while none has been.
  if (rd_kafka_position(consumer_->raw(), assigned.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return lag_reported_;
  }
  int64_t lag = 0;
  for (int i = 0; i < assigned->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = assigned->elems[i];
    int64_t low = 0, high = 0;
    if (tp.offset < 0 ||
        rd_kafka_get_watermark_offsets(consumer_->raw(), tp.topic, tp.partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR) {
      continue;
    }
    if (high > tp.offset) lag += high - tp.offset;
  }
  return lag;
}

}  // namespace sluice::kafka
