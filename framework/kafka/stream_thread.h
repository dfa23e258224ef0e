// StreamThread: one consumer and one producer driving the StreamTasks its TaskManager owns, as
// in Kafka Streams. The loop: poll a batch (rebalances run inside poll: revoked tasks are
// committed and closed, assigned ones created and restored), feed each record to its task,
// fire wall-clock punctuators, and every commit.interval.ms commit at-least-once: flush the
// tasks' caches (-> changelogs and outputs), flush the producer, then commit the consumed
// offsets. Under exactly_once_v2 the outputs, changelog records and consumed offsets of each
// commit interval form one transaction instead. A failure that is not a record's fault stops the
// thread without committing (an open transaction is aborted).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "config/application_config.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kafka/repartition_purger.h"
#include "kafka/task_manager.h"

namespace sluice::kafka {

struct StreamThreadOptions {
  int index = 0;       // names the client ids
  std::string client;  // "<application.id>-StreamThread-<index>": names metric series
  std::chrono::milliseconds commit_interval{30'000};  // commit.interval.ms; default 30 s
  std::chrono::milliseconds poll_timeout{100};        // default 100 ms
  size_t max_poll_records = 1000;                     // default 1000
  // exactly_once_v2: the producer is transactional (its conf carries transactional.id); each
  // commit sends the consumed offsets in the transaction and commits it. Default: false.
  bool exactly_once = false;
  // repartition.purge.interval.ms: how often, at most, committed repartition records are
  // deleted (RepartitionPurger). Default 30 s.
  std::chrono::milliseconds repartition_purge_interval{30'000};
  bool embedded_broker = false;  // the mock: its lack of DeleteRecords goes unsaid. Default: no
};

class StreamThread final : public RebalanceListener {
 public:
  // `consumer_conf`/`producer_conf`: bootstrap, group.id and passthrough already set.
  // Throws KafkaError (client creation).
  StreamThread(const Topology& topology, const TopologyLayout& layout,
               runtime::TaskOptions task_options, StreamThreadOptions options, Conf consumer_conf,
               Conf producer_conf, Conf restore_conf, metrics::Registry& metrics,
               RuntimeStats& stats, const std::atomic<bool>& stop);
  ~StreamThread() override;

  void start();
  void join();
  // Wakes the thread's poll (thread-safe): after the stop flag is set, it stops now instead of
  // when its poll times out.
  void wakeup() { consumer_->wakeup(); }
  // The failure that stopped the thread (ok while running or after a clean stop).
  Status status() const;
  bool running() const { return running_.load(); }

  std::vector<TopicPartitionOffset> on_assigned(
      const std::vector<TopicPartition>& partitions) override;
  void on_revoked(const std::vector<TopicPartition>& partitions) override;
  void on_lost(const std::vector<TopicPartition>& partitions) override;
  std::vector<TopicPartition> companions(const std::vector<TopicPartition>& partitions) override;

 private:
  void run();
  void loop();
  Status process_batch();
  // `reopen` (exactly-once): begin the next transaction after committing this one.
  Status commit(bool reopen = true);
  Status commit_transaction(bool reopen);
  void fail(Status status);
  // The producer, record collector and task manager (they hold the producer), fresh.
  void create_producer();
  // Handles a failure: a fenced producer (exactly-once) is recovered from, anything else stops
  // the thread.
  void on_error(Status status);
  // Closes every task dirty, replaces the producer (init_transactions fences the old epoch)
  // and rejoins the group, as Kafka Streams does on a TaskMigratedException.
  Status recover_from_fencing();
  // Publishes this thread's progress into stats_: what the collector sent since the last call,
  // and at most once a second its share of the consumer lag. `final`: the thread is stopping, so
  // its lag share is withdrawn.
  void update_stats(bool final = false);
  // High watermark - position summed over this consumer's assignment (cached watermarks).
  int64_t consumer_lag();

  StreamThreadOptions options_;
  const Topology& topology_;
  const TopologyLayout& layout_;
  runtime::TaskOptions task_options_;
  Conf producer_conf_;
  metrics::Registry& metrics_;
  RuntimeStats& stats_;
  const std::atomic<bool>& stop_;
  std::unique_ptr<Producer> producer_;
  std::unique_ptr<KafkaRecordCollector> collector_;
  std::unique_ptr<StateRestorer> restorer_;
  std::unique_ptr<TaskManager> tasks_;
  std::unique_ptr<Consumer> consumer_;
  std::unique_ptr<RepartitionPurger> purger_;  // sends through consumer_: declared after it
  std::vector<MessagePtr> batch_;
  Headers headers_;  // reused per record
  std::chrono::steady_clock::time_point last_commit_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  mutable std::mutex status_mutex_;
  Status status_;
  bool failed_ = false;  // thread-local view of status_
  bool in_transaction_ = false;
  bool fenced_ = false;  // the producer was fenced: recover before the next poll
  // Shutting down: every task is closed; a rebalance served while the consumer leaves the
  // group creates none and commits nothing.
  bool closing_ = false;
  // update_stats(): what was already added to stats_ (sent records, lag share).
  uint64_t sent_reported_ = 0;
  int64_t lag_reported_ = 0;
  uint64_t resets_reported_ = 0;
  std::chrono::steady_clock::time_point lag_refreshed_;
};

}  // namespace sluice::kafka
