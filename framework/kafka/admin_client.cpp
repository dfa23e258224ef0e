#include "kafka/admin_client.h"

#include <fmt/format.h>

#include <memory>

namespace sluice::kafka {

namespace {
struct NewTopicDeleter {
  void operator()(rd_kafka_NewTopic_t* t) const { rd_kafka_NewTopic_destroy(t); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
struct OptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};
}  // namespace

AdminClient::AdminClient(Conf conf) : rk_(make_handle(RD_KAFKA_PRODUCER, std::move(conf))) {}

void AdminClient::create_topics(const std::vector<NewTopic>& topics,
                                std::chrono::milliseconds timeout) {
  if (topics.empty()) return;
  char err[512];
  std::vector<std::unique_ptr<rd_kafka_NewTopic_t, NewTopicDeleter>> owned;
  std::vector<rd_kafka_NewTopic_t*> raw;
  for (const auto& t : topics) {
    rd_kafka_NewTopic_t* nt =
        rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, t.replication_factor, err, sizeof err);
    if (!nt) throw KafkaError(fmt::format("topic '{}': {}", t.name, err));
    owned.emplace_back(nt);
    raw.push_back(nt);
    for (const auto& [k, v] : t.config) {
      if (rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str())) {
        throw KafkaError(fmt::format("topic '{}': bad config {}={}", t.name, k, v));
      }
    }
  }
  detail::QueuePtr queue(rd_kafka_queue_new(rk_.get()));
  std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter> options(
      rd_kafka_AdminOptions_new(rk_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  rd_kafka_AdminOptions_set_operation_timeout(options.get(), static_cast<int>(timeout.count()), err,
                                              sizeof err);
  rd_kafka_CreateTopics(rk_.get(), raw.data(), raw.size(), options.get(), queue.get());
  std::unique_ptr<rd_kafka_event_t, EventDeleter> event(
      rd_kafka_queue_poll(queue.get(), static_cast<int>(timeout.count()) + 1000));
  if (!event) {
    // librdkafka's mock cluster (sluice broker) never answers CreateTopics.
    throw KafkaError(
        "CreateTopics: no answer before the timeout (an embedded/mock broker does not implement "
        "CreateTopics: create the internal topics up front, e.g. sluice broker --topic NAME:P)");
  }
  if (rd_kafka_event_error(event.get())) {
    throw KafkaError(fmt::format("CreateTopics: {}", rd_kafka_event_error_string(event.get())));
  }
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event.get());
  size_t n = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &n);
  for (size_t i = 0; i < n; ++i) {
    rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
    if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      const char* msg = rd_kafka_topic_result_error_string(results[i]);
      throw KafkaError(fmt::format("creating topic '{}': {}",
                                   rd_kafka_topic_result_name(results[i]),
                                   msg ? msg : rd_kafka_err2str(e)));
    }
  }
}

std::map<std::string, int> AdminClient::list_topics(std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk_.get(), 1, nullptr, &md, static_cast<int>(timeout.count()));
  if (err) throw KafkaError(fmt::format("metadata: {}", rd_kafka_err2str(err)));
  std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> owned(md);
  std::map<std::string, int> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (md->topics[i].err) continue;
    out[md->topics[i].topic] = md->topics[i].partition_cnt;
  }
  return out;
}

std::optional<int> AdminClient::partition_count(const std::string& topic,
                                                std::chrono::milliseconds timeout) {
  // Asking for all topics, not the one: a metadata request for a single unknown topic may
  // auto-create it on brokers that allow that.
  auto topics = list_topics(timeout);
  auto it = topics.find(topic);
  if (it == topics.end()) return std::nullopt;
  return it->second;
}

}  // namespace sluice::kafka
