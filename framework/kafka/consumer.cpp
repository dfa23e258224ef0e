#include "kafka/consumer.h"

#include <fmt/format.h>

#include <cstring>

#include "kafka/detail/topic_metadata.h"

namespace sluice::kafka {

namespace {
std::vector<TopicPartition> from_list(const rd_kafka_topic_partition_list_t* parts) {
  std::vector<TopicPartition> out;
  if (!parts) return out;
  out.reserve(static_cast<size_t>(parts->cnt));
  for (int i = 0; i < parts->cnt; ++i) {
    out.push_back({parts->elems[i].topic, Partition(parts->elems[i].partition)});
  }
  return out;
}

Conf with_defaults(Conf conf, void* opaque,
                   void (*cb)(rd_kafka_t*, rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t*,
                              void*)) {
  if (conf.get("enable.auto.commit").empty() || conf.get("enable.auto.commit") == "true") {
    conf.set("enable.auto.commit", "false");
  }
  conf.set("enable.auto.offset.store", "false");
  if (conf.get("group.id").empty()) {
    // librdkafka needs a group.id for the high-level consumer even when it only assigns.
    conf.set("group.id", "sluice-unmanaged");
  }
  rd_kafka_conf_set_opaque(conf.raw(), opaque);
  rd_kafka_conf_set_rebalance_cb(conf.raw(), cb);
  return conf;
}

// librdkafka refuses a strategy list that mixes protocols, so one cooperative assignor in it
// makes the whole group cooperative.
bool is_cooperative(const Conf& conf) {
  return conf.get("partition.assignment.strategy").find("cooperative") != std::string::npos;
}

bool is_offset_reset(int level, const char* facility, const char* message) {
  return level <= 4 && std::strcmp(facility, "OFFSET") == 0 &&
         std::strstr(message, "offset reset") != nullptr;
}
}  // namespace

detail::PartitionListPtr to_partition_list(const std::vector<TopicPartitionOffset>& offsets) {
  detail::PartitionListPtr list(
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& o : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), o.partition.value())->offset =
        o.offset.value();
  }
  return list;
}

Consumer::Consumer(Conf conf, RebalanceListener* listener)
    : cooperative_(is_cooperative(conf)),
      rk_(make_handle(RD_KAFKA_CONSUMER,
                      [&] {
                        Conf c = with_defaults(std::move(conf), this, &on_rebalance);
                        rd_kafka_conf_set_log_cb(c.raw(), &on_log);
                        return c;
                      }())),
      listener_(listener) {
  rd_kafka_poll_set_consumer(rk_.get());
}

void Consumer::on_log(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  if (is_offset_reset(level, facility, message)) {
    if (auto* self = static_cast<Consumer*>(rd_kafka_opaque(rk))) {
      self->offset_resets_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  rd_kafka_log_print(rk, level, facility, message);
}

void Consumer::wakeup() {
  // A reference for this call only: a consumer queue handle held for the client's lifetime
  // would outlive the queue forwarding that rd_kafka_consumer_close() sets up.
  detail::QueuePtr queue(rd_kafka_queue_get_consumer(rk_.get()));
  if (queue) rd_kafka_queue_yield(queue.get());
}

Consumer::~Consumer() { close(); }

void Consumer::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                            rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  // Not rd_kafka_rebalance_protocol(): called from a revocation inside
  // rd_kafka_consumer_close() it asks the group thread, which may be gone, and returns NULL or
  // waits forever (librdkafka #4041; both seen here, on 2.0.2).
  const bool cooperative = self->cooperative_;
  const std::vector<TopicPartition> list = from_list(parts);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    // A copy: companions are added to what is assigned, not to librdkafka's own list.
    detail::PartitionListPtr assign(rd_kafka_topic_partition_list_copy(parts));
    if (self->listener_) {
      for (const auto& s : self->listener_->on_assigned(list)) {
        rd_kafka_topic_partition_t* tp =
            rd_kafka_topic_partition_list_find(assign.get(), s.topic.c_str(), s.partition.value());
        if (!tp) {
          tp =
              rd_kafka_topic_partition_list_add(assign.get(), s.topic.c_str(), s.partition.value());
        }
        tp->offset = s.offset.value();
      }
    }
    if (cooperative) {
      detail::ErrorPtr e(rd_kafka_incremental_assign(rk, assign.get()));
    } else {
      rd_kafka_assign(rk, assign.get());
    }
  } else {
    std::vector<TopicPartition> companions;
    if (self->listener_) companions = self->listener_->companions(list);
    if (self->listener_) {
      if (rd_kafka_assignment_lost(rk)) {
        self->listener_->on_lost(list);
      } else {
        self->listener_->on_revoked(list);
      }
    }
    if (cooperative) {
      detail::PartitionListPtr release(rd_kafka_topic_partition_list_copy(parts));
      for (const auto& c : companions) {
        rd_kafka_topic_partition_list_add(release.get(), c.topic.c_str(), c.partition.value());
      }
      detail::ErrorPtr e(rd_kafka_incremental_unassign(rk, release.get()));
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  }
}

void Consumer::subscribe(const std::vector<std::string>& topics) {
  detail::PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const auto& t : topics) {
    rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk_.get(), list.get());
  if (err) throw KafkaError(fmt::format("subscribe: {}", rd_kafka_err2str(err)));
}

Status Consumer::prepare_topics(const std::vector<std::string>& topics,
                                std::chrono::milliseconds timeout) {
  if (topics.empty()) return Status::Ok();
  for (const auto& t : topics) {
    if (detail::TopicPtr h{rd_kafka_topic_new(rk_.get(), t.c_str(), nullptr)}) {
      topics_.push_back(std::move(h));
    }
  }
  return detail::fetch_known_topic_metadata(rk_.get(), timeout);
}

Status Consumer::unsubscribe() {
  rd_kafka_resp_err_t err = rd_kafka_unsubscribe(rk_.get());
  if (err) return Status::IOError(fmt::format("unsubscribe: {}", rd_kafka_err2str(err)));
  return Status::Ok();
}

Status Consumer::assign(const std::vector<TopicPartitionOffset>& partitions) {
  detail::PartitionListPtr list = to_partition_list(partitions);
  rd_kafka_resp_err_t err = rd_kafka_assign(rk_.get(), partitions.empty() ? nullptr : list.get());
  if (err) return Status::IOError(fmt::format("assign: {}", rd_kafka_err2str(err)));
  return Status::Ok();
}

size_t Consumer::poll_batch(std::vector<MessagePtr>& out, size_t max,
                            std::chrono::milliseconds timeout) {
  size_t n = 0;
  int wait = static_cast<int>(timeout.count());
  while (n < max) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_.get(), wait);
    if (!m) break;
    out.emplace_back(m);
    ++n;
    wait = 0;  // only the first message is waited for
  }
  return n;
}

namespace {
bool is_rebalancing(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS ||
         err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION || err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID;
}

bool is_transient(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
      return true;
    default:
      return false;
  }
}
}  // namespace

Result<Consumer::CommitOutcome> Consumer::commit_sync(
    const std::vector<TopicPartitionOffset>& offsets) {
  if (offsets.empty()) return CommitOutcome::kCommitted;
  detail::PartitionListPtr list = to_partition_list(offsets);
  rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), list.get(), 0);
  if (is_rebalancing(err)) return CommitOutcome::kRebalancing;
  if (is_transient(err)) return CommitOutcome::kRetryLater;
  if (err) return Status::IOError(fmt::format("commit: {}", rd_kafka_err2str(err)));
  for (int i = 0; i < list->cnt; ++i) {
    if (is_rebalancing(list->elems[i].err)) return CommitOutcome::kRebalancing;
    if (is_transient(list->elems[i].err)) return CommitOutcome::kRetryLater;
    if (list->elems[i].err) {
      return Status::IOError(fmt::format("commit {}[{}]: {}", list->elems[i].topic,
                                         list->elems[i].partition,
                                         rd_kafka_err2str(list->elems[i].err)));
    }
  }
  return CommitOutcome::kCommitted;
}

Result<std::vector<TopicPartitionOffset>> Consumer::committed(
    const std::vector<TopicPartition>& partitions, std::chrono::milliseconds timeout) {
  std::vector<TopicPartitionOffset> in;
  for (const auto& p : partitions) in.push_back({p.topic, p.partition, Offset(0)});
  detail::PartitionListPtr list = to_partition_list(in);
  rd_kafka_resp_err_t err =
      rd_kafka_committed(rk_.get(), list.get(), static_cast<int>(timeout.count()));
  if (err) return Status::IOError(fmt::format("committed: {}", rd_kafka_err2str(err)));
  std::vector<TopicPartitionOffset> out;
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back(
        {list->elems[i].topic, Partition(list->elems[i].partition), Offset(list->elems[i].offset)});
  }
  return out;
}

Result<std::pair<Offset, Offset>> Consumer::watermarks(const std::string& topic,
                                                       Partition partition,
                                                       std::chrono::milliseconds timeout) {
  int64_t low = 0;
  int64_t high = 0;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      rk_.get(), topic.c_str(), partition.value(), &low, &high, static_cast<int>(timeout.count()));
  if (err) {
    return Status::IOError(
        fmt::format("watermarks of {}[{}]: {}", topic, partition.value(), rd_kafka_err2str(err)));
  }
  return std::pair<Offset, Offset>(Offset(low), Offset(high));
}

GroupMetadataPtr Consumer::group_metadata() {
  return GroupMetadataPtr(rd_kafka_consumer_group_metadata(rk_.get()));
}

std::vector<TopicPartition> Consumer::assignment() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(rk_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  detail::PartitionListPtr list(raw);
  return from_list(list.get());
}

void Consumer::close() {
  if (closed_ || !rk_) return;
  closed_ = true;
  if (cooperative_) leave_before_close();
  rd_kafka_consumer_close(rk_.get());
}

void Consumer::leave_before_close() {
  // A cooperative member closed while an incremental assignment is on its way can hang in
  // rd_kafka_consumer_close() (librdkafka #4527, fixed in 2.4). Leaving first and serving the
  // revocation from poll, until nothing is assigned, gives close() nothing left to rebalance.
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_subscription(rk_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  if (detail::PartitionListPtr subscription(raw); subscription->cnt == 0) return;
  if (!unsubscribe().ok()) return;
  const auto deadline = std::chrono::steady_clock::now() + kLeaveTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    // Records fetched before the revocation are dropped unprocessed: their offsets were not
    // committed, so the next owner reads them.
    MessagePtr msg(rd_kafka_consumer_poll(rk_.get(), 50));
    if (!msg && assignment().empty()) return;
  }
}

}  // namespace sluice::kafka
