// TopologyTestDriver: runs a Topology in-process, deterministically and without Kafka, as
// Kafka Streams' TopologyTestDriver does. Pipe records (bytes, as a producer would send them)
// into source topics with explicit timestamps, advance the wall clock to fire wall-clock
// punctuators, commit to flush caches into stores and changelogs, and read what each sink
// topic, the dead-letter topic and each changelog received. Records a sink writes to a topic
// that a source of the same topology reads (repartition topics) are fed back in order, after
// the record that produced them.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "metrics/registry.h"
#include "state/key_value_store.h"
#include "state/window_store.h"
#include "topology/record.h"
#include "topology/topology.h"

namespace sluice::runtime {
class StreamTask;
}

namespace sluice::testing {

struct TestRecord {
  std::string topic;
  std::string key;
  std::optional<std::string> value;  // nullopt: tombstone
  Timestamp timestamp;
  Headers headers;
  // Value of header `name`, or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

struct ChangelogRecord {
  std::string key;
  std::optional<std::string> value;
  Timestamp timestamp;
};

struct TestDriverOptions {
  Timestamp wall_clock_start{0};  // default: epoch
  // Default: every store runs in memory; set a directory to run RocksDB stores for real.
  std::optional<std::string> state_dir;
  // Commit (flush caches) after this many input records; 0 (default) commits only when asked
  // or when the driver is destroyed.
  size_t commit_every = 0;
  // Keep every changelog record for changelog(); false counts them only (benchmarks).
  bool keep_changelogs = true;  // default: keep
  // Record cache budget per store; 0 (default): each store's own (StoreOptions).
  size_t cache_max_bytes = 0;
  std::string application_id = "test-app";                // default: "test-app"
  std::string dead_letter_topic = "sluice-dead-letters";  // default
};

class TopologyTestDriver {
 public:
  explicit TopologyTestDriver(const Topology& topology, TestDriverOptions options = {});
  ~TopologyTestDriver();
  TopologyTestDriver(const TopologyTestDriver&) = delete;
  TopologyTestDriver& operator=(const TopologyTestDriver&) = delete;

  // Pipes one record into `topic` (a source topic). Returns the task's status: record errors
  // are not returned (they go to the dead-letter topic); other failures are.
  Status pipe(std::string_view topic, std::string_view key, std::optional<std::string_view> value,
              Timestamp timestamp, const Headers& headers = {});
  // Advances the wall clock, firing wall-clock punctuators that fall due.
  Status advance_wall_clock(DurationMs by);
  Timestamp wall_clock() const { return wall_clock_; }
  // Flushes every processor's buffered state (Processor::flush) and then every store's cache
  // down to the store and the changelog, as StreamTask::commit does.
  Status commit();

  // Drains and returns what sinks sent to `topic` so far.
  std::vector<TestRecord> read_output(std::string_view topic);
  std::vector<TestRecord> read_dead_letters() { return read_output(options_.dead_letter_topic); }
  // Every changelog record each store produced so far (not drained); empty when
  // keep_changelogs is false.
  const std::vector<ChangelogRecord>& changelog(std::string_view store) const;
  // How many changelog records a store produced so far.
  size_t changelog_count(std::string_view store) const;

  state::KeyValueStore* key_value_store(std::string_view name);
  state::WindowStore* window_store(std::string_view name);
  Timestamp stream_time() const;
  metrics::Registry& metrics() { return *metrics_; }

 private:
  class Collector;
  class Changelogs;
  Status drain_internal();

  TestDriverOptions options_;
  const Topology& topology_;
  Timestamp wall_clock_;
  int64_t next_offset_ = 0;
  size_t since_commit_ = 0;
  std::unique_ptr<metrics::Registry> metrics_;
  std::unique_ptr<Collector> collector_;
  std::unique_ptr<Changelogs> changelogs_;
  std::unique_ptr<runtime::StreamTask> task_;
};

}  // namespace sluice::testing
