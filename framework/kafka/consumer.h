// Consumer: a librdkafka high-level consumer. With a group.id it subscribes and takes part in
// the group (eager or cooperative, as partition.assignment.strategy says) and reports
// assignments to a RebalanceListener; without one it reads partitions it assign()s itself
// (the restore consumer). enable.auto.commit and enable.auto.offset.store default to false
// here: the runtime commits what it has processed. One owner thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "common/types.h"
#include "kafka/conf.h"

namespace sluice::kafka {

struct TopicPartition {
  std::string topic;
  Partition partition{0};
  auto operator<=>(const TopicPartition&) const = default;
};

struct TopicPartitionOffset {
  std::string topic;
  Partition partition{0};
  Offset offset{0};  // the next offset to read
};

// Called from inside poll() when the group changes this member's assignment. on_revoked runs
// before the partitions go (commit there); on_assigned before the new ones are fetched
// (restore there). on_assigned returns start offsets for assigned partitions that should not
// start from their committed offset, and may add partitions the group does not assign itself,
// read alongside the assigned ones (offset kCommittedOffset: from the committed offset); those
// are named again by companions() when their partner is revoked, and go with it.
inline constexpr Offset kCommittedOffset{-1001};  // RD_KAFKA_OFFSET_INVALID

class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual std::vector<TopicPartitionOffset> on_assigned(
      const std::vector<TopicPartition>& partitions) = 0;
  virtual void on_revoked(const std::vector<TopicPartition>& partitions) = 0;
  // Partitions read alongside `partitions` (added by on_assigned), released with them.
  virtual std::vector<TopicPartition> companions(const std::vector<TopicPartition>& partitions) {
    (void)partitions;
    return {};
  }
  // The assignment was lost (session timeout, fencing): no commit is possible any more.
  virtual void on_lost(const std::vector<TopicPartition>& partitions) { on_revoked(partitions); }
};

using MessagePtr = std::unique_ptr<rd_kafka_message_t, detail::MessageDeleter>;
using GroupMetadataPtr =
    std::unique_ptr<rd_kafka_consumer_group_metadata_t, detail::GroupMetadataDeleter>;

class Consumer {
 public:
  // Throws KafkaError. `listener` (optional) must outlive the consumer.
  explicit Consumer(Conf conf, RebalanceListener* listener = nullptr);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  void subscribe(const std::vector<std::string>& topics);  // throws KafkaError
  // Fetches the metadata of `topics` now, for partitions this consumer will be given outside
  // its subscription (assign(), a task's co-partitioned companions): librdkafka otherwise
  // learns their leaders only at its next one-second topic scan, and their first fetch waits
  // for it. Best effort: returns the metadata request's error.
  Status prepare_topics(const std::vector<std::string>& topics, std::chrono::milliseconds timeout);
  // Leaves the group; the revocation reaches the listener from a later poll.
  Status unsubscribe();
  // Reads exactly these partitions from these offsets (no group management).
  Status assign(const std::vector<TopicPartitionOffset>& partitions);
  // Appends up to `max` messages (errors included: check msg->err); waits at most `timeout`
  // for the first. Returns how many were appended. The messages belong to this consumer's
  // handle: destroy them before closing or destroying the consumer.
  size_t poll_batch(std::vector<MessagePtr>& out, size_t max, std::chrono::milliseconds timeout);
  // kRebalancing: the group is rebalancing (or this member's generation is stale), so the
  // commit was refused; not an error: the revocation that follows commits again or the
  // partitions move on. kRetryLater: the coordinator is unreachable for now (moving, loading,
  // a broker down); the next commit carries these offsets too.
  enum class CommitOutcome : uint8_t { kCommitted, kRebalancing, kRetryLater };
  Result<CommitOutcome> commit_sync(const std::vector<TopicPartitionOffset>& offsets);
  // The committed offsets of `partitions` (Offset(-1001) when none).
  Result<std::vector<TopicPartitionOffset>> committed(const std::vector<TopicPartition>& partitions,
                                                      std::chrono::milliseconds timeout);
  // (low, high) watermarks of one partition, asked of the broker.
  Result<std::pair<Offset, Offset>> watermarks(const std::string& topic, Partition partition,
                                               std::chrono::milliseconds timeout);
  GroupMetadataPtr group_metadata();
  std::vector<TopicPartition> assignment();
  // Makes a poll_batch() waiting on another thread return now (thread-safe), so a stop does not
  // wait out the poll timeout.
  void wakeup();
  // Leaves the group (revoking through the listener first, from inside this call). Records
  // fetched but not yet returned are dropped. Idempotent.
  void close();

  rd_kafka_t* raw() { return rk_.get(); }

  // How often librdkafka moved a fetch position because the broker did not have the offset
  // (auto.offset.reset): records deleted before they were read (retention, DeleteRecords, the
  // embedded broker's bounded tail) were skipped, or a position past the end was rewound.
  // librdkafka reports this only as a warning log (facility OFFSET, "offset reset"), which this
  // consumer counts; every other log line goes to stderr as librdkafka prints it. Thread-safe.
  uint64_t offset_resets() const { return offset_resets_.load(std::memory_order_relaxed); }

 private:
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* parts, void* opaque);
  static void on_log(const rd_kafka_t* rk, int level, const char* facility, const char* message);
  void leave_before_close();

  static constexpr std::chrono::milliseconds kLeaveTimeout{10'000};
  const bool cooperative_;  // partition.assignment.strategy, fixed for the handle's life

  // Before rk_: librdkafka may log from its threads as soon as the handle exists.
  std::atomic<uint64_t> offset_resets_{0};
  detail::HandlePtr rk_;
  std::vector<detail::TopicPtr> topics_;  // prepare_topics(): kept known to rk_
  RebalanceListener* listener_;
  bool closed_ = false;
};

// Builds a librdkafka partition list (offsets set) from ours.
detail::PartitionListPtr to_partition_list(const std::vector<TopicPartitionOffset>& offsets);

}  // namespace sluice::kafka
