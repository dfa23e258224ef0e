// KafkaRecordCollector: a task's sinks and dead letters go out through the thread's producer;
// KafkaChangelogWriter: a task's store changes go to "<application.id>-<store>-changelog",
// partition = the task's partition. Neither can return a Status through its interface (the
// record path above them does not expect I/O errors per record), so each keeps the first
// failure; the StreamThread checks status() at every commit and stops the thread on error
// before any offset is committed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "kafka/producer.h"
#include "runtime/record_collector.h"
#include "state/changelog_writer.h"

namespace sluice::kafka {

class KafkaRecordCollector final : public runtime::RecordCollector {
 public:
  explicit KafkaRecordCollector(Producer& producer) : producer_(producer) {}
  void send(std::string_view topic, std::string_view key, std::optional<std::string_view> value,
            Timestamp timestamp, const Headers& headers,
            std::optional<Partition> partition) override;
  const Status& status() const { return status_; }
  uint64_t sent() const { return sent_; }

 private:
  Producer& producer_;
  Status status_;
  uint64_t sent_ = 0;
};

class KafkaChangelogWriter final : public state::ChangelogWriter {
 public:
  // `changelogs`: (store name, changelog topic) of the task's logged stores.
  KafkaChangelogWriter(Producer& producer, Partition partition,
                       std::vector<std::pair<std::string, std::string>> changelogs)
      : producer_(producer), partition_(partition), changelogs_(std::move(changelogs)) {}
  void log(std::string_view store, std::string_view key, std::optional<std::string_view> value,
           Timestamp timestamp) override;
  const Status& status() const { return status_; }

 private:
  Producer& producer_;
  Partition partition_;
  // A handful of stores per task: a linear scan beats hashing the name per record.
  std::vector<std::pair<std::string, std::string>> changelogs_;
  Status status_;
};

}  // namespace sluice::kafka
