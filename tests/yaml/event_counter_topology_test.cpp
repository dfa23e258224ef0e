// topologies/event_counter.yaml (seed 003, written in YAML alone): per URL and event type, the
// hourly count, updated per event; out-of-order and late events (event time = the Kafka
// timestamp). Every update and the window store compared with a brute-force count.
#include <gtest/gtest.h>

#include <random>

#include "topology_test_support.h"

namespace sluice::yaml::test {
namespace {

constexpr int64_t kT0 = 1'638'316'800'000;  // 2021-12-01T00:00:00Z, a whole hour
constexpr int64_t kHour = 3'600'000, kGrace = 300'000;

struct Event {
  int64_t ts;
  std::string uuid, url, type;
};

TEST(EventCounterYaml, CountsEventsPerUrlTypeAndHourLikeTheBruteForce) {
  const TopologyFile file = load("event_counter.yaml", {});
  testing::TopologyTestDriver driver(file.topology);
  std::mt19937_64 rng(3);
  auto pick = [&](int64_t k) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(k)); };
  const std::string urls[] = {"https://www.example.net", "https://www.facebook.com",
                              "https://www.google.com", "https://sluice.dev/a?b=c"};
  std::vector<Event> events;
  for (int i = 0; i < 6000; ++i) {
    Event e;
    e.ts = kT0 + i * 2'000 + pick(600'001) - 300'000;  // ±5 min out of order
    if (pick(100) < 4) e.ts -= kHour + pick(kHour);    // late
    e.uuid = "u" + std::to_string(i);
    e.url = urls[pick(4)];
    e.type = pick(2) ? "CLICK" : "VIEW";
    events.push_back(e);
  }

  std::map<std::pair<std::string, int64_t>, int64_t> counts;  // ("url|type", hour) -> n
  std::vector<std::pair<std::string, int64_t>> updates;       // (key, count) per accepted event
  int64_t stream_time = std::numeric_limits<int64_t>::min(), late = 0;
  for (const Event& e : events) {
    const json j = {{"uuid", e.uuid}, {"url", e.url}, {"type", e.type}, {"ip", "10.0.0.1"}};
    ASSERT_TRUE(driver.pipe("events", e.uuid, j.dump(), Timestamp(e.ts)).ok());
    stream_time = std::max(stream_time, e.ts);
    const int64_t start = e.ts - ((e.ts % kHour) + kHour) % kHour;
    if (start + kHour + kGrace <= stream_time) {
      ++late;
      continue;
    }
    const std::string group = e.url + "|" + e.type;
    const int64_t n = ++counts[{group, start}];
    updates.emplace_back(group + "@" + std::to_string(start), n);
  }
  EXPECT_GT(late, 100);

  const auto out = driver.read_output("event_counts");
  ASSERT_EQ(out.size(), updates.size());
  for (size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(out[i].key, updates[i].first) << i;
    const auto f = fields(out[i]);
    EXPECT_EQ(number(f, "count"), updates[i].second) << i;
    const std::string group = updates[i].first.substr(0, updates[i].first.find('@'));
    EXPECT_EQ(text(f, "url") + "|" + text(f, "type"), group);
  }

  ASSERT_TRUE(driver.commit().ok());
  auto schema = *serde::Schema::from_message_name("sluice.events.WebEvent");
  const auto stored = read_window_store(driver, "hourly-store", *schema, {"url", "type"}, {{0, 1}},
                                        {ops::AggFn::kCount});
  ASSERT_EQ(stored.size(), counts.size());
  for (const auto& [id, n] : counts) {
    auto it = stored.find(id);
    ASSERT_NE(it, stored.end()) << id.first << "@" << id.second;
    EXPECT_EQ(it->second.outputs[0], static_cast<double>(n));
  }
}

}  // namespace
}  // namespace sluice::yaml::test
