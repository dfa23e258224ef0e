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

// Changelog records with this header are position markers, not state: the key is
// kPositionMarkerKey and the value an encoded runtime::TaskPosition. A commit writes one to
// every changelog of a task after the commit's state records (see TaskManager).
inline constexpr std::string_view kPositionMarkerHeader = "sluice.position";
inline constexpr std::string_view kPositionMarkerKey = "sluice.position";

class KafkaChangelogWriter final : public state::ChangelogWriter {
 public:
  // `changelogs`: (store name, changelog topic) of the task's logged stores.
  KafkaChangelogWriter(Producer& producer, Partition partition,
                       std::vector<std::pair<std::string, std::string>> changelogs)
      : producer_(producer), partition_(partition), changelogs_(std::move(changelogs)) {}
  void log(std::string_view store, std::string_view key, std::optional<std::string_view> value,
           Timestamp timestamp) override;
  // A position marker on the changelog of `store`, or of every store when `store` is empty.
  void mark(std::string_view position, Timestamp timestamp, std::string_view store = {});
  // State records logged since the last mark() of every store.
  uint64_t logged_since_mark() const { return logged_since_mark_; }
  const Status& status() const { return status_; }

 private:
  const std::string* topic_of(std::string_view store);

  Producer& producer_;
  Partition partition_;
  // A handful of stores per task: a linear scan beats hashing the name per record.
  std::vector<std::pair<std::string, std::string>> changelogs_;
  Headers marker_headers_;
  uint64_t logged_since_mark_ = 0;
  Status status_;
};

}  // namespace sluice::kafka
