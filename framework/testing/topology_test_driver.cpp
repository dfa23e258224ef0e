#include "testing/topology_test_driver.h"

#include <deque>
#include <stdexcept>

#include "runtime/stream_task.h"

namespace sluice::testing {

std::optional<std::string> TestRecord::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.key == name) return h.value;
  }
  return std::nullopt;
}

// Keeps what sinks send, per topic; records for topics the topology itself reads
// (repartition topics) are queued to be fed back.
class TopologyTestDriver::Collector final : public runtime::RecordCollector {
 public:
  void send(std::string_view topic, std::string_view key, std::optional<std::string_view> value,
            Timestamp timestamp, const Headers& headers, std::optional<Partition>) override {
    TestRecord r{std::string(topic), std::string(key),
                 value ? std::optional<std::string>(std::string(*value)) : std::nullopt, timestamp,
                 headers};
    if (task_ && task_->reads_topic(topic)) {
      internal.push_back(std::move(r));
    } else {
      outputs[r.topic].push_back(std::move(r));
    }
  }
  runtime::StreamTask* task_ = nullptr;
  std::map<std::string, std::vector<TestRecord>, std::less<>> outputs;
  std::deque<TestRecord> internal;
};

class TopologyTestDriver::Changelogs final : public state::ChangelogWriter {
 public:
  explicit Changelogs(bool keep) : keep_(keep) {}
  void log(std::string_view store, std::string_view key, std::optional<std::string_view> value,
           Timestamp timestamp) override {
    auto counted = counts.find(store);
    if (counted == counts.end()) counted = counts.emplace(std::string(store), 0).first;
    ++counted->second;
    if (!keep_) return;
    auto it = records.find(store);
    if (it == records.end())
      it = records.emplace(std::string(store), std::vector<ChangelogRecord>{}).first;
    it->second.push_back(ChangelogRecord{
        std::string(key), value ? std::optional<std::string>(std::string(*value)) : std::nullopt,
        timestamp});
  }
  std::map<std::string, std::vector<ChangelogRecord>, std::less<>> records;
  std::map<std::string, size_t, std::less<>> counts;

 private:
  bool keep_;
};

TopologyTestDriver::TopologyTestDriver(const Topology& topology, TestDriverOptions options)
    : options_(std::move(options)),
      topology_(topology),
      wall_clock_(options_.wall_clock_start),
      metrics_(std::make_unique<metrics::Registry>()),
      collector_(std::make_unique<Collector>()),
      changelogs_(std::make_unique<Changelogs>(options_.keep_changelogs)) {
  runtime::TaskOptions task_options;
  task_options.application_id = options_.application_id;
  task_options.state_dir = options_.state_dir.value_or("");
  task_options.dead_letter_topic = options_.dead_letter_topic;
  task_options.cache_max_bytes = options_.cache_max_bytes;
  task_ = std::make_unique<runtime::StreamTask>(TaskId{0, 0}, topology_, task_options, *collector_,
                                                *changelogs_, *metrics_);
  collector_->task_ = task_.get();
  task_->init(wall_clock_);
}

TopologyTestDriver::~TopologyTestDriver() {
  if (task_) {
    (void)task_->commit();  // a destructor cannot report; tests that care call commit()
    task_->close();
  }
}

Status TopologyTestDriver::drain_internal() {
  while (!collector_->internal.empty()) {
    TestRecord r = std::move(collector_->internal.front());
    collector_->internal.pop_front();
    std::optional<std::string_view> value;
    if (r.value) value = *r.value;
    SLUICE_RETURN_IF_ERROR(task_->process(r.topic, Partition(0), Offset(next_offset_++), r.key,
                                          value, r.timestamp, r.headers));
  }
  return Status::Ok();
}

Status TopologyTestDriver::pipe(std::string_view topic, std::string_view key,
                                std::optional<std::string_view> value, Timestamp timestamp,
                                const Headers& headers) {
  SLUICE_RETURN_IF_ERROR(
      task_->process(topic, Partition(0), Offset(next_offset_++), key, value, timestamp, headers));
  SLUICE_RETURN_IF_ERROR(drain_internal());
  if (options_.commit_every > 0 && ++since_commit_ >= options_.commit_every) {
    since_commit_ = 0;
    SLUICE_RETURN_IF_ERROR(commit());
  }
  return Status::Ok();
}

Status TopologyTestDriver::advance_wall_clock(DurationMs by) {
  wall_clock_ = wall_clock_ + by;
  SLUICE_RETURN_IF_ERROR(task_->punctuate_wall_clock(wall_clock_));
  return drain_internal();
}

Status TopologyTestDriver::commit() {
  SLUICE_RETURN_IF_ERROR(task_->commit());
  return drain_internal();
}

std::vector<TestRecord> TopologyTestDriver::read_output(std::string_view topic) {
  auto it = collector_->outputs.find(topic);
  if (it == collector_->outputs.end()) return {};
  std::vector<TestRecord> out = std::move(it->second);
  it->second.clear();
  return out;
}

const std::vector<ChangelogRecord>& TopologyTestDriver::changelog(std::string_view store) const {
  static const std::vector<ChangelogRecord> kEmpty;
  auto it = changelogs_->records.find(store);
  return it == changelogs_->records.end() ? kEmpty : it->second;
}

size_t TopologyTestDriver::changelog_count(std::string_view store) const {
  auto it = changelogs_->counts.find(store);
  return it == changelogs_->counts.end() ? 0 : it->second;
}

state::KeyValueStore* TopologyTestDriver::key_value_store(std::string_view name) {
  return dynamic_cast<state::KeyValueStore*>(task_->store(name));
}

state::WindowStore* TopologyTestDriver::window_store(std::string_view name) {
  return dynamic_cast<state::WindowStore*>(task_->store(name));
}

Timestamp TopologyTestDriver::stream_time() const { return task_->stream_time(); }

}  // namespace sluice::testing
