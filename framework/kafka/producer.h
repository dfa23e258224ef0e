// Producer: a librdkafka producer, idempotent unless the configuration says otherwise, that
// counts delivery reports and can tell a listener where each record landed (the runtime uses
// that for changelog checkpoints). Delivery reports are served on the thread that calls
// poll() or flush(). Not thread-safe beyond what librdkafka itself allows: one owner thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/string_hash.h"
#include "common/types.h"
#include "kafka/conf.h"
#include "kafka/detail/handles.h"
#include "topology/record.h"

namespace sluice::kafka {

// Called for every delivery report: the record's topic, partition and offset, and the error
// (RD_KAFKA_RESP_ERR_NO_ERROR on success).
using DeliveryListener = std::function<void(std::string_view topic, Partition partition,
                                            Offset offset, rd_kafka_resp_err_t error)>;

class Producer {
 public:
  // `conf` needs bootstrap.servers. enable.idempotence defaults to true here (librdkafka's own
  // default is false). Throws KafkaError.
  explicit Producer(Conf conf);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues one record; waits (serving delivery reports) while the local queue is full.
  // `partition` nullopt: the configured partitioner picks by key.
  Status send(std::string_view topic, std::optional<Partition> partition, std::string_view key,
              std::optional<std::string_view> value, Timestamp timestamp,
              const Headers& headers = {});
  // Fetches the metadata of `topics` now, so the first records sent to them are not held back:
  // librdkafka queues records for a topic it has no metadata for and hands them to a broker
  // only at its next one-second topic scan, which would add up to a second to the first commit
  // of every new producer. Best effort: returns the metadata request's error, records can be
  // sent either way.
  Status prepare_topics(const std::vector<std::string>& topics, std::chrono::milliseconds timeout);
  // Serves delivery reports; returns how many were served.
  int poll(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  // Waits until every queued record is delivered or failed. Returns non-ok on timeout or when
  // any record failed since the last flush (the count is in failed()).
  Status flush(std::chrono::milliseconds timeout);

  void set_delivery_listener(DeliveryListener listener) { listener_ = std::move(listener); }
  uint64_t delivered() const { return delivered_; }
  uint64_t failed() const { return failed_; }
  // The first delivery error seen since the last flush() (empty when none).
  const std::string& last_error() const { return last_error_; }

  // Transactions (exactly_once_v2); need transactional.id in the configuration. Throw
  // KafkaError only from init_transactions() (startup); the others return Status.
  void init_transactions(std::chrono::milliseconds timeout);
  Status begin_transaction();
  Status send_offsets_to_transaction(const rd_kafka_topic_partition_list_t* offsets,
                                     const rd_kafka_consumer_group_metadata_t* group,
                                     std::chrono::milliseconds timeout);
  Status commit_transaction(std::chrono::milliseconds timeout);
  // True once a producer with the same transactional.id has fenced this one: the instance is
  // unusable (a fatal error) and must be replaced.
  bool fenced() const;
  Status abort_transaction(std::chrono::milliseconds timeout);

  rd_kafka_t* raw() { return rk_.get(); }

 private:
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  // The handle of `topic`, created on first use (send() then needs no name lookup per record).
  rd_kafka_topic_t* topic_handle(std::string_view topic);

  detail::HandlePtr rk_;
  // After rk_: topic handles go before the client handle.
  StringMap<detail::TopicPtr> topics_;
  DeliveryListener listener_;
  uint64_t delivered_ = 0;
  uint64_t failed_ = 0;
  uint64_t failed_at_flush_ = 0;
  std::string last_error_;
};

// Turns a librdkafka transactional error into a Status (and frees it). Fatal and
// abort-requiring errors say so in the message.
Status transaction_status(rd_kafka_error_t* error, std::string_view what);

}  // namespace sluice::kafka
