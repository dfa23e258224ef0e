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

void KafkaChangelogWriter::log(std::string_view store, std::string_view key,
                               std::optional<std::string_view> value, Timestamp timestamp) {
  for (const auto& [name, topic] : changelogs_) {
    if (name != store) continue;
    Status st = producer_.send(topic, partition_, key, value, timestamp);
    if (!st.ok() && status_.ok()) status_ = std::move(st);
    return;
  }
  if (status_.ok()) {
    status_ = Status::InvalidArgument(fmt::format("store '{}' has no changelog topic", store));
  }
}

}  // namespace sluice::kafka
