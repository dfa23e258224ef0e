#include "kafka/producer.h"

#include <fmt/format.h>

#include "kafka/detail/topic_metadata.h"

namespace sluice::kafka {

namespace {
Conf with_defaults(Conf conf, void* opaque,
                   void (*cb)(rd_kafka_t*, const rd_kafka_message_t*, void*)) {
  if (conf.get("transactional.id").empty() && conf.get("enable.idempotence") == "false") {
    // Explicitly disabled: leave it so.
  } else {
    conf.set("enable.idempotence", "true");
  }
  rd_kafka_conf_set_opaque(conf.raw(), opaque);
  rd_kafka_conf_set_dr_msg_cb(conf.raw(), cb);
  return conf;
}
}  // namespace

Producer::Producer(Conf conf)
    : rk_(make_handle(RD_KAFKA_PRODUCER, with_defaults(std::move(conf), this, &on_delivery))) {}

Producer::~Producer() {
  // Give queued records a short chance to leave; a clean shutdown flushed already.
  if (rk_) rd_kafka_flush(rk_.get(), 2000);
}

void Producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  if (msg->err) {
    ++self->failed_;
    if (self->last_error_.empty()) {
      self->last_error_ = fmt::format("delivery to {} failed: {}", rd_kafka_topic_name(msg->rkt),
                                      rd_kafka_err2str(msg->err));
    }
  } else {
    ++self->delivered_;
  }
  if (self->listener_) {
    self->listener_(rd_kafka_topic_name(msg->rkt), Partition(msg->partition), Offset(msg->offset),
                    msg->err);
  }
}

Status Producer::send(std::string_view topic, std::optional<Partition> partition,
                      std::string_view key, std::optional<std::string_view> value,
                      Timestamp timestamp, const Headers& headers) {
  rd_kafka_topic_t* rkt = topic_handle(topic);
  if (!rkt) {
    return Status::IOError(
        fmt::format("producing to {}: {}", topic, rd_kafka_err2str(rd_kafka_last_error())));
  }
  const int32_t part = partition ? partition->value() : RD_KAFKA_PARTITION_UA;
  void* payload = value ? const_cast<char*>(value->data()) : nullptr;
  const size_t payload_len = value ? value->size() : 0;
  for (;;) {
    rd_kafka_headers_t* hdrs = nullptr;
    if (!headers.empty()) {
      hdrs = rd_kafka_headers_new(headers.size());
      for (const auto& h : headers) {
        rd_kafka_header_add(hdrs, h.key.data(), static_cast<ssize_t>(h.key.size()), h.value.data(),
                            static_cast<ssize_t>(h.value.size()));
      }
    }
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(part),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
        RD_KAFKA_V_VALUE(payload, payload_len), RD_KAFKA_V_TIMESTAMP(timestamp.ms()),
        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
    if (hdrs) rd_kafka_headers_destroy(hdrs);  // not taken on failure
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return Status::IOError(fmt::format("producing to {}: {}", topic, rd_kafka_err2str(err)));
    }
    rd_kafka_poll(rk_.get(), 50);  // make room: deliveries free queue slots
  }
}

rd_kafka_topic_t* Producer::topic_handle(std::string_view topic) {
  auto it = topics_.find(topic);
  if (it != topics_.end()) return it->second.get();
  std::string name(topic);
  detail::TopicPtr handle(rd_kafka_topic_new(rk_.get(), name.c_str(), nullptr));
  if (!handle) return nullptr;  // an invalid name: send() reports it
  return topics_.emplace(std::move(name), std::move(handle)).first->second.get();
}

Status Producer::prepare_topics(const std::vector<std::string>& topics,
                                std::chrono::milliseconds timeout) {
  if (topics.empty()) return Status::Ok();
  for (const auto& t : topics) topic_handle(t);
  return detail::fetch_known_topic_metadata(rk_.get(), timeout);
}

int Producer::poll(std::chrono::milliseconds timeout) {
  return rd_kafka_poll(rk_.get(), static_cast<int>(timeout.count()));
}

Status Producer::flush(std::chrono::milliseconds timeout) {
  rd_kafka_resp_err_t err = rd_kafka_flush(rk_.get(), static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError(fmt::format("producer flush: {} ({} records still queued)",
                                       rd_kafka_err2str(err), rd_kafka_outq_len(rk_.get())));
  }
  if (failed_ != failed_at_flush_) {
    Status st = Status::IOError(fmt::format("{} records failed since the last flush; first: {}",
                                            failed_ - failed_at_flush_, last_error_));
    failed_at_flush_ = failed_;
    last_error_.clear();
    return st;
  }
  return Status::Ok();
}

Status transaction_status(rd_kafka_error_t* error, std::string_view what) {
  if (!error) return Status::Ok();
  detail::ErrorPtr owned(error);
  const char* kind = rd_kafka_error_is_fatal(error)             ? " (fatal)"
                     : rd_kafka_error_txn_requires_abort(error) ? " (abort required)"
                     : rd_kafka_error_is_retriable(error)       ? " (retriable)"
                                                                : "";
  return Status::IOError(fmt::format("{}: {}{}", what, rd_kafka_error_string(error), kind));
}

void Producer::init_transactions(std::chrono::milliseconds timeout) {
  Status st =
      transaction_status(rd_kafka_init_transactions(rk_.get(), static_cast<int>(timeout.count())),
                         "init_transactions");
  if (!st.ok()) throw KafkaError(st.message());
}

Status Producer::begin_transaction() {
  return transaction_status(rd_kafka_begin_transaction(rk_.get()), "begin_transaction");
}

Status Producer::send_offsets_to_transaction(const rd_kafka_topic_partition_list_t* offsets,
                                             const rd_kafka_consumer_group_metadata_t* group,
                                             std::chrono::milliseconds timeout) {
  return transaction_status(rd_kafka_send_offsets_to_transaction(rk_.get(), offsets, group,
                                                                 static_cast<int>(timeout.count())),
                            "send_offsets_to_transaction");
}

Status Producer::commit_transaction(std::chrono::milliseconds timeout) {
  return transaction_status(
      rd_kafka_commit_transaction(rk_.get(), static_cast<int>(timeout.count())),
      "commit_transaction");
}

bool Producer::fenced() const {
  return rd_kafka_fatal_error(rk_.get(), nullptr, 0) == RD_KAFKA_RESP_ERR__FENCED;
}

Status Producer::abort_transaction(std::chrono::milliseconds timeout) {
  return transaction_status(
      rd_kafka_abort_transaction(rk_.get(), static_cast<int>(timeout.count())),
      "abort_transaction");
}

}  // namespace sluice::kafka
