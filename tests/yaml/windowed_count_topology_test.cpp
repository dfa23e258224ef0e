// topologies/examples/windowed_count.yaml (the `sluice bench e2e` yardstick): its input topic and
// message type come from ${INPUT_TOPIC:-events} / ${INPUT_MESSAGE_TYPE:-...}; per record key, the
// count in each 1-second tumbling window, every update published. Updates compared with a
// brute-force count over generated, out-of-order input with late records.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "topology_test_support.h"

namespace sluice::yaml::test {
namespace {

constexpr int64_t kT0 = 1'650'000'000'000;  // a whole second
constexpr int64_t kSecond = 1000, kGrace = 5000;

TEST(WindowedCountYaml, InputTopicAndMessageTypeComeFromTheEnvironmentWithDefaults) {
  const TopologyFile defaults = load("examples/windowed_count.yaml", {});
  EXPECT_EQ(defaults.name, "windowed_count");
  EXPECT_EQ(defaults.topology.source_topics(), std::vector<std::string>{"events"});
  const std::string text = defaults.topology.describe();
  EXPECT_NE(text.find("Source: input (source: topics: [events], format: json)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Sink: count-out (sink: topic: windowed_counts"), std::string::npos) << text;
  EXPECT_NE(text.find("count-store: window"), std::string::npos) << text;

  const TopologyFile tags =
      load("examples/windowed_count.yaml", {{"INPUT_TOPIC", "user_tags"},
                                            {"INPUT_MESSAGE_TYPE", "sluice.allezon.UserTag"},
                                            {"OUTPUT_TOPIC", "tag_counts"}});
  EXPECT_EQ(tags.topology.source_topics(), std::vector<std::string>{"user_tags"});
  EXPECT_NE(tags.topology.describe().find("Sink: count-out (sink: topic: tag_counts"),
            std::string::npos);

  // A message type that does not exist is a load error naming it, not a silent default.
  EXPECT_THROW(load("examples/windowed_count.yaml", {{"INPUT_MESSAGE_TYPE", "sluice.Nope"}}),
               config::ConfigError);
}

TEST(WindowedCountYaml, CountsRecordsPerKeyAndSecondLikeTheBruteForce) {
  const TopologyFile file = load("examples/windowed_count.yaml", {{"INPUT_TOPIC", "in"}});
  testing::TopologyTestDriver driver(file.topology);
  std::mt19937_64 rng(11);
  auto pick = [&](int64_t k) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(k)); };

  std::map<std::pair<std::string, int64_t>, int64_t> counts;  // (key, window start) -> n
  std::vector<std::pair<std::string, int64_t>> updates;       // (key@start, n) per accepted record
  int64_t stream_time = std::numeric_limits<int64_t>::min(), late = 0;
  for (int i = 0; i < 8000; ++i) {
    int64_t ts = kT0 + i * 7 + pick(3001) - 1500;        // ±1.5 s out of order
    if (pick(100) < 3) ts -= 2 * kGrace + pick(kGrace);  // late beyond the grace
    const std::string key = "k" + std::to_string(pick(40));
    const json value = {
        {"uuid", "u" + std::to_string(i)}, {"url", "https://a.b/"}, {"type", "VIEW"}};
    ASSERT_TRUE(driver.pipe("in", key, value.dump(), Timestamp(ts)).ok());
    stream_time = std::max(stream_time, ts);
    const int64_t start = ts - ((ts % kSecond) + kSecond) % kSecond;
    if (start + kSecond + kGrace <= stream_time) {
      ++late;
      continue;
    }
    const int64_t n = ++counts[{key, start}];
    updates.emplace_back(key + "@" + std::to_string(start), n);
  }
  EXPECT_GT(late, 100);
  EXPECT_GT(updates.size(), counts.size() * 2);  // keys repeat inside a window

  const auto out = driver.read_output("windowed_counts");
  ASSERT_EQ(out.size(), updates.size());
  for (size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(out[i].key, updates[i].first) << i;
    const auto f = fields(out[i]);
    EXPECT_EQ(number(f, "count"), updates[i].second) << i;
    const int64_t start = std::stoll(updates[i].first.substr(updates[i].first.find('@') + 1));
    EXPECT_EQ(number(f, "window_start"), start) << i;
  }
}

}  // namespace
}  // namespace sluice::yaml::test
