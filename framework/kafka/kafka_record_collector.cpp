#include "kafka/kafka_record_collector.h"

#include <fmt/format.h>

namespace sluice::kafka {

void KafkaRecordCollector::send(std::string_view topic, std::string_view key,
                                std::optional<std::string_view> value, Timestamp timestamp,
                                const Headers& headers, std::optional<Partition> partition) {
  Status st = producer_.send(topic, partition, key, value, timestamp, headers);
  if (!st.ok() && status_.ok()) status_ = std::move(st);
  ++sent_;
}

const std::string* KafkaChangelogWriter::topic_of(std::string_view store) {
  for (const auto& [name, topic] : changelogs_) {
    if (name == store) return &topic;
  }
  if (status_.ok()) {
    status_ = Status::InvalidArgument(fmt::format("store '{}' has no changelog topic", store));
  }
  return nullptr;
}

void KafkaChangelogWriter::log(std::string_view store, std::string_view key,
                               std::optional<std::string_view> value, Timestamp timestamp) {
  const std::string* topic = topic_of(store);
  if (!topic) return;
  Status st = producer_.send(*topic, partition_, key, value, timestamp);
  if (!st.ok() && status_.ok()) status_ = std::move(st);
  ++logged_since_mark_;
}

void KafkaChangelogWriter::mark(std::string_view position, Timestamp timestamp,
                                std::string_view store) {
  if (marker_headers_.empty()) marker_headers_.push_back({std::string(kPositionMarkerHeader), ""});
  for (const auto& [name, topic] : changelogs_) {
    if (!store.empty() && name != store) continue;
    Status st =
        producer_.send(topic, partition_, kPositionMarkerKey, position, timestamp, marker_headers_);
    if (!st.ok() && status_.ok()) status_ = std::move(st);
  }
  if (store.empty()) logged_since_mark_ = 0;
}

}  // namespace sluice::kafka
