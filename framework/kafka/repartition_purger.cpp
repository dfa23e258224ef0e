#include "kafka/repartition_purger.h"

#include <fmt/format.h>
#include <prometheus/counter.h>

#include "kafka/conf.h"

namespace sluice::kafka {

RepartitionPurger::RepartitionPurger(rd_kafka_t* client,
                                     std::set<std::string, std::less<>> repartition_topics,
                                     RepartitionPurgerOptions options, metrics::Registry& metrics)
    : client_(client),
      topics_(std::move(repartition_topics)),
      options_(std::move(options)),
      results_(rd_kafka_queue_new(client)),
      admin_options_(rd_kafka_AdminOptions_new(client, RD_KAFKA_ADMIN_OP_DELETERECORDS)),
      requests_(&metrics.counter("sluice_repartition_purge_requests_total",
                                 "DeleteRecords requests trimming repartition topics",
                                 {{"client", options_.client}})),
      failures_(&metrics.counter("sluice_repartition_purge_failures_total",
                                 "Repartition partitions whose purge failed (records kept)",
                                 {{"client", options_.client}})) {
  char err[256];
  if (rd_kafka_AdminOptions_set_request_timeout(admin_options_.get(),
                                                static_cast<int>(options_.request_timeout.count()),
                                                err, sizeof err) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError(fmt::format("repartition.purge request timeout: {}", err));
  }
}

void RepartitionPurger::on_committed(const std::vector<TopicPartitionOffset>& committed,
                                     std::chrono::steady_clock::time_point now) {
  if (in_flight_ && !read_result(0)) return;
  if (unsupported_ || topics_.empty()) return;
  if (last_request_ && now - *last_request_ < options_.interval) return;
  detail::PartitionListPtr list(rd_kafka_topic_partition_list_new(0));
  for (const auto& c : committed) {
    if (!topics_.contains(c.topic) || c.offset.value() <= 0) continue;
    auto [it, fresh] = purged_.try_emplace({c.topic, c.partition.value()}, -1);
    if (!fresh && it->second >= c.offset.value()) continue;  // nothing new to delete
    it->second = c.offset.value();
    rd_kafka_topic_partition_list_add(list.get(), c.topic.c_str(), c.partition.value())->offset =
        c.offset.value();
  }
  if (list->cnt == 0) return;
  detail::DeleteRecordsPtr request(rd_kafka_DeleteRecords_new(list.get()));
  rd_kafka_DeleteRecords_t* requests[] = {request.get()};
  rd_kafka_DeleteRecords(client_, requests, 1, admin_options_.get(), results_.get());
  in_flight_ = true;
  last_request_ = now;
  requests_->Increment();
}

bool RepartitionPurger::await_result(std::chrono::milliseconds timeout) {
  return !in_flight_ || read_result(static_cast<int>(timeout.count()));
}

bool RepartitionPurger::read_result(int timeout_ms) {
  detail::EventPtr ev(rd_kafka_queue_poll(results_.get(), timeout_ms));
  if (!ev) return false;
  in_flight_ = false;
  if (rd_kafka_event_error(ev.get())) {
    failures_->Increment();
    purged_.clear();  // asked again at the next purge (deleting below the start is a no-op)
    fmt::print(stderr, "sluice: {}: purging repartition topics failed: {}\n", options_.client,
               rd_kafka_event_error_string(ev.get()));
    return true;
  }
  const rd_kafka_DeleteRecords_result_t* result = rd_kafka_event_DeleteRecords_result(ev.get());
  const rd_kafka_topic_partition_list_t* offsets =
      result ? rd_kafka_DeleteRecords_result_offsets(result) : nullptr;
  for (int i = 0; offsets && i < offsets->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = offsets->elems[i];
    if (!tp.err) continue;
    if (tp.err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE) {
      // The whole broker lacks it (librdkafka's mock does): stop asking.
      unsupported_ = true;
      failures_->Increment();
      if (!options_.report_unsupported) return true;
      fmt::print(stderr,
                 "sluice: {}: the broker does not support DeleteRecords (librdkafka's mock "
                 "cluster, the embedded broker, does not): repartition topics are not purged\n",
                 options_.client);
      return true;
    }
    failures_->Increment();
    // Asked again at the next purge: forget what this one requested.
    purged_.erase({tp.topic, tp.partition});
    fmt::print(stderr, "sluice: {}: purging {}[{}] up to {} failed: {}\n", options_.client,
               tp.topic, tp.partition, tp.offset, rd_kafka_err2str(tp.err));
  }
  return true;
}

}  // namespace sluice::kafka
