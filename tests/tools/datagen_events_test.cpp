// `sluice datagen events`: determinism, the seed 003 WebEvent shape, skewed URLs, decoding with
// proto/events.proto, and the events through topologies/event_counter.yaml (each update's count
// equals a brute-force count per URL, type and hour of the generated lines).
#include "../../tools/cli/datagen_events.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "serde/schema.h"
#include "serde/value_serde.h"
#include "yaml/topology_test_support.h"

namespace sluice::cli {
namespace {

using nlohmann::json;

struct Line {
  std::string text, key;
  int64_t ts;
};

std::vector<Line> generate(uint64_t count, uint64_t seed, double rate = 1000) {
  EventsOptions o;
  o.count = count, o.seed = seed, o.rate = rate;
  EventsGenerator gen(o);
  std::vector<Line> out;
  for (uint64_t i = 0; i < count; ++i) {
    std::string line;
    gen.append_next(line);
    EXPECT_EQ(line.back(), '\n');
    line.pop_back();
    out.push_back({line, gen.last_key(), gen.last_time_ms()});
  }
  return out;
}

std::string joined(const std::vector<Line>& lines) {
  std::string s;
  for (const Line& l : lines) s += l.text + "\n";
  return s;
}

TEST(DatagenEventsTest, SameSeedGivesSameBytesOtherSeedDiffers) {
  EXPECT_EQ(joined(generate(20'000, 3)), joined(generate(20'000, 3)));
  EXPECT_NE(joined(generate(20'000, 3)), joined(generate(20'000, 4)));
}

TEST(DatagenEventsTest, EventsHaveTheSeedShapeAndSkewedUrls) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const std::regex ip(R"((\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}))");
  std::map<std::string, size_t> per_url;
  std::set<std::string> uuids;
  size_t clicks = 0, n = 0;
  int64_t prev = INT64_MIN;
  for (const Line& l : generate(100'000, 8)) {
    const json j = json::parse(l.text);
    ASSERT_EQ(j.size(), 4u) << l.text;  // uuid, url, type, ip: nothing else
    const std::string id = j.at("uuid").get<std::string>();
    ASSERT_TRUE(std::regex_match(id, uuid)) << id;
    EXPECT_EQ(l.key, id);
    EXPECT_TRUE(uuids.insert(id).second);
    const std::string type = j.at("type").get<std::string>();
    ASSERT_TRUE(type == "VIEW" || type == "CLICK") << type;
    clicks += type == "CLICK";
    std::smatch m;
    const std::string address = j.at("ip").get<std::string>();
    ASSERT_TRUE(std::regex_match(address, m, ip)) << address;
    for (size_t k = 1; k <= 4; ++k) EXPECT_LE(std::stoi(m[k].str()), 255) << address;
    const std::string url = j.at("url").get<std::string>();
    EXPECT_EQ(url.rfind("https://", 0), 0u) << url;
    ++per_url[url];
    EXPECT_GE(l.ts, prev);
    prev = l.ts;
    ++n;
  }
  EXPECT_NEAR(static_cast<double>(clicks) / static_cast<double>(n), 0.15, 0.01);
  EXPECT_EQ(per_url.size(), 200u);
  size_t top = 0;
  for (const auto& [url, c] : per_url) top = std::max(top, c);
  // Skewed: the busiest URL gets many times its uniform share.
  EXPECT_GT(top, 5 * n / per_url.size());
}

TEST(DatagenEventsTest, EveryLineDecodesAsAWebEvent) {
  auto schema = *serde::Schema::from_message_name("sluice.events.WebEvent");
  auto serde = serde::make_value_serde(schema);
  serde::Row row;
  for (const Line& l : generate(20'000, 5)) {
    ASSERT_TRUE(serde->deserialize(l.text, row).ok()) << l.text;
    const json j = json::parse(l.text);
    EXPECT_EQ(row.get_string(*schema->find("uuid")), l.key);
    EXPECT_EQ(row.get_string(*schema->find("url")), j.at("url").get<std::string>());
  }
}

TEST(DatagenEventsTest, EventCounterCountsEveryGeneratedEventPerUrlTypeAndHour) {
  using yaml::test::fields;
  using yaml::test::number;
  using yaml::test::text;
  constexpr int64_t kHour = 3'600'000;
  const yaml::TopologyFile file = yaml::test::load("event_counter.yaml", {});
  testing::TopologyTestDriver driver(file.topology);
  std::map<std::pair<std::string, int64_t>, int64_t> counts;  // ("url|type", hour) -> n
  std::vector<std::pair<std::string, int64_t>> updates;       // ("url|type", count) per event
  // 20,000 events at 4 a second: about an hour and 23 minutes, so two hourly windows.
  for (const Line& l : generate(20'000, 13, 4)) {
    ASSERT_TRUE(driver.pipe("events", l.key, l.text, Timestamp(l.ts)).ok());
    const json j = json::parse(l.text);
    const std::string group =
        j.at("url").get<std::string>() + "|" + j.at("type").get<std::string>();
    updates.emplace_back(group, ++counts[{group, l.ts - l.ts % kHour}]);
  }
  EXPECT_TRUE(driver.read_dead_letters().empty());
  std::set<int64_t> hours;
  for (const auto& [id, c] : counts) hours.insert(id.second);
  EXPECT_EQ(hours.size(), 2u);
  const auto out = driver.read_output("event_counts");
  ASSERT_EQ(out.size(), updates.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const auto f = fields(out[i]);
    EXPECT_EQ(text(f, "url") + "|" + text(f, "type"), updates[i].first) << i;
    EXPECT_EQ(number(f, "count"), updates[i].second) << i;
  }
}

}  // namespace
}  // namespace sluice::cli
