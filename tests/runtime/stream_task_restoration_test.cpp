// StreamTask's two-step start (initialize_stores, restore, complete_restoration), as the Kafka
// runtime drives it: processors must start on restored stores. A write-back window aggregate
// learns at start which windows the store holds; started before the restore, it would count
// restored windows again from zero.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "allezon.pb.h"
#include "metrics/registry.h"
#include "operators/stream_builder.h"
#include "runtime/record_collector.h"
#include "runtime/stream_task.h"
#include "state/changelog_writer.h"
#include "state/state_store.h"

namespace sluice::runtime {
namespace {

struct Outputs final : RecordCollector {
  std::vector<int64_t> counts;  // "n" of every update sent to "out", in order
  void send(std::string_view topic, std::string_view, std::optional<std::string_view> value,
            Timestamp, const Headers&, std::optional<Partition>) override {
    if (topic == "out" && value) counts.push_back(nlohmann::json::parse(*value).at("n"));
  }
};

struct Changelog final : state::ChangelogWriter {
  std::vector<std::pair<std::string, std::optional<std::string>>> records;
  void log(std::string_view, std::string_view key, std::optional<std::string_view> value,
           Timestamp) override {
    records.emplace_back(std::string(key),
                         value ? std::optional<std::string>(std::string(*value)) : std::nullopt);
  }
};

Topology count_per_action_and_minute() {
  ops::StreamsBuilder b;
  ops::WindowAggregateOptions o;
  o.name = "agg";
  o.size_ms = 60'000;
  o.grace_ms = 10'000;  // more than the input is out of order: nothing is late
  o.group_by = {"action"};
  o.aggregations = {{.output = "n", .fn = ops::AggFn::kCount}};
  o.backend = state::StoreBackend::kInMemory;
  b.stream({.topics = {"tags"},
            .schema = serde::Schema::from_descriptor(allezon::UserTag::descriptor()),
            .key_field = "cookie"})
      .window_aggregate(o)
      .to({.topic = "out"});
  return b.build();
}

TEST(StreamTaskRestoration, ProcessorsStartOnRestoredStoresAndContinueTheirCounts) {
  const Topology topology = count_per_action_and_minute();
  std::mt19937_64 rng(11);
  struct Event {
    std::string action;
    int64_t ts;
  };
  std::vector<Event> events;
  for (int i = 0; i < 2000; ++i) {
    events.push_back({rng() % 3 == 0 ? "BUY" : "VIEW",
                      1'650'000'000'000 + i * 100 + static_cast<int64_t>(rng() % 5000)});
  }
  // Brute force: the running count of (action, minute) at each event, in input order.
  std::map<std::pair<std::string, int64_t>, int64_t> running;
  std::vector<int64_t> expected;
  for (const Event& e : events) expected.push_back(++running[{e.action, e.ts / 60'000}]);

  auto pipe = [&](StreamTask& task, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      const std::string json = R"({"cookie":"c)" + std::to_string(i % 7) + R"(","action":")" +
                               events[i].action + R"("})";
      ASSERT_TRUE(task.process("tags", Partition(0), Offset(static_cast<int64_t>(i)), "", json,
                               Timestamp(events[i].ts), {})
                      .ok());
    }
  };
  metrics::Registry metrics;
  Changelog changelog;
  {
    Outputs out;
    StreamTask first(TaskId{0, 0}, topology, {}, out, changelog, metrics);
    first.init(Timestamp(0));
    pipe(first, 0, 1000);
    ASSERT_TRUE(first.commit().ok());
    first.close();
  }
  ASSERT_FALSE(changelog.records.empty());

  // A new owner of the task: empty stores, rebuilt from the changelog before it processes.
  Outputs out;
  Changelog unused;
  StreamTask second(TaskId{0, 0}, topology, {}, out, unused, metrics);
  second.initialize_stores(Timestamp(0));
  std::vector<state::RestoreRecord> restore;
  for (const auto& [key, value] : changelog.records) {
    restore.push_back({key, value ? std::optional<std::string_view>(*value) : std::nullopt});
  }
  state::StateStore* store = second.store("agg-store");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->restore(restore).ok());
  second.complete_restoration();
  pipe(second, 1000, events.size());
  ASSERT_TRUE(second.commit().ok());
  EXPECT_EQ(out.counts, std::vector<int64_t>(expected.begin() + 1000, expected.end()));
}

}  // namespace
}  // namespace sluice::runtime
