// topologies/minute_aggregation.yaml through the TopologyTestDriver: out-of-order and late user
// tags; the final results published per bucket and the window store compared with a brute-force
// CUBE computed here.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "topology/timestamp_extractor.h"
#include "topology_test_support.h"

namespace sluice::yaml::test {
namespace {

constexpr int64_t kT0 = 1'650'000'000'000;  // a multiple of one minute
constexpr int64_t kSize = 60'000, kGrace = 20'000;

struct Tag {
  int64_t ts;
  std::string cookie, action;
  std::optional<std::string> origin;
  std::string brand, category;
  std::optional<int64_t> price;
};

std::vector<Tag> generate(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int64_t k) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(k)); };
  std::vector<Tag> out;
  for (int i = 0; i < n; ++i) {
    Tag t;
    t.ts = kT0 + i * 100 + pick(6001) - 3000;
    if (pick(100) < 5) t.ts -= 60'000 + pick(60'000);  // late: usually past the grace
    t.cookie = "c" + std::to_string(pick(40));
    t.action = pick(3) == 0 ? "BUY" : "VIEW";
    if (pick(10) != 0) t.origin = "o" + std::to_string(pick(3));
    t.brand = "b" + std::to_string(pick(3));
    t.category = "k" + std::to_string(pick(2));
    if (pick(10) != 0) t.price = pick(1000);
    out.push_back(std::move(t));
  }
  return out;
}

std::string to_json(const Tag& t) {
  json info = {{"product_id", "p"}, {"brand_id", t.brand}, {"category_id", t.category}};
  if (t.price) info["price"] = *t.price;
  json j = {{"time", format_iso8601(Timestamp(t.ts))},
            {"cookie", t.cookie},
            {"country", "PL"},
            {"device", "PC"},
            {"action", t.action},
            {"product_info", info}};
  if (t.origin) j["origin"] = *t.origin;
  return j.dump();
}

// The brute force: every (grouping set, group values, minute) cell, straight from the tags.
struct Cell {
  int64_t count = 0, priced = 0;
  double sum = 0;
};

struct Model {
  int64_t stream_time = std::numeric_limits<int64_t>::min();
  int64_t late = 0;
  std::map<std::pair<std::string, int64_t>, Cell> cells;  // (readable key, start)
  std::map<std::pair<std::string, int64_t>, int> set_of;

  void add(const Tag& t) {
    stream_time = std::max(stream_time, t.ts);
    const int64_t start = t.ts - ((t.ts % kSize) + kSize) % kSize;
    if (start + kSize + kGrace <= stream_time) {
      ++late;
      return;
    }
    const std::string values[] = {t.action, t.origin.value_or(""), t.brand, t.category};
    for (int set = 0; set < 8; ++set) {
      std::string key;
      for (int f = 0; f < 4; ++f) {
        const bool in = f == 0 || ((set >> (f - 1)) & 1);
        key += (f ? "|" : "") + (in ? values[f] : std::string("*"));
      }
      Cell& c = cells[{key, start}];
      set_of[{key, start}] = set;
      ++c.count;
      if (t.price) ++c.priced, c.sum += static_cast<double>(*t.price);
    }
  }
};

void expect_output(const testing::TestRecord& r, const Model& m) {
  const std::string readable = r.key.substr(0, r.key.find('@'));
  const int64_t start = std::stoll(r.key.substr(r.key.find('@') + 1));
  auto it = m.cells.find({readable, start});
  ASSERT_NE(it, m.cells.end()) << "no such cell in the brute force: " << r.key;
  const auto f = fields(r);
  SCOPED_TRACE(*r.value);
  EXPECT_EQ(number(f, "window_start"), start);
  EXPECT_EQ(number(f, "window_end"), start + kSize);
  EXPECT_EQ(number(f, "grouping_set"), m.set_of.at({readable, start}));
  EXPECT_EQ(number(f, "count"), it->second.count);
  EXPECT_EQ(f.count("sum_price") > 0, it->second.priced > 0);
  if (it->second.priced > 0) {
    EXPECT_EQ(number(f, "sum_price"), it->second.sum);
  }
  EXPECT_EQ(text(f, "action"), readable.substr(0, readable.find('|')));
  EXPECT_EQ(r.timestamp.ms(), start + kSize - 1);
}

TEST(MinuteAggregationYaml,
     PublishesEachClosedBucketOnceWithTheBruteForceCubeAndKeepsItInTheStore) {
  const TopologyFile file =
      load("minute_aggregation.yaml", {{"MINUTE_IDLE_CLOSE", "30s"}, {"USER_TAGS_TOPIC", "tags"}});
  testing::TopologyTestDriver driver(file.topology);
  const auto tags = generate(5000, 11);
  Model model;
  for (const Tag& t : tags) {
    ASSERT_TRUE(driver.pipe("tags", t.cookie, to_json(t), Timestamp(t.ts)).ok());
    model.add(t);
  }
  EXPECT_GT(model.late, 100);

  // While input flows: exactly the cells whose bucket closed at the last stream time.
  std::set<std::pair<std::string, int64_t>> published;
  auto take = [&](const std::vector<testing::TestRecord>& out) {
    for (const auto& r : out) {
      expect_output(r, model);
      const auto id = std::pair(r.key.substr(0, r.key.find('@')),
                                std::stoll(r.key.substr(r.key.find('@') + 1)));
      EXPECT_TRUE(published.insert(id).second) << "published twice: " << r.key;
    }
  };
  take(driver.read_output("aggregates_minute"));
  size_t closed = 0;
  for (const auto& [id, c] : model.cells) {
    const bool is_closed = id.second + kSize + kGrace <= model.stream_time;
    closed += is_closed;
    EXPECT_EQ(published.count(id) > 0, is_closed) << id.first << "@" << id.second;
  }
  EXPECT_GT(closed, 1000u);

  // Input stops: the wall clock closes the rest (idle close 30 s).
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(driver.advance_wall_clock(10'000).ok());
  take(driver.read_output("aggregates_minute"));
  EXPECT_EQ(published.size(), model.cells.size());

  EXPECT_EQ(driver.metrics().value("sluice_dropped_records_total",
                                   {{"task", "0_0"}, {"node", "minute"}, {"reason", "late"}}),
            static_cast<double>(model.late));

  // The store: every cell of the brute force, nothing else.
  ASSERT_TRUE(driver.commit().ok());
  auto schema = *serde::Schema::from_message_name("sluice.allezon.UserTag");
  const auto stored = read_window_store(
      driver, "minute-store", *schema,
      {"action", "origin", "product_info.brand_id", "product_info.category_id"},
      {{0}, {0, 1}, {0, 2}, {0, 1, 2}, {0, 3}, {0, 1, 3}, {0, 2, 3}, {0, 1, 2, 3}},
      {ops::AggFn::kCount, ops::AggFn::kSum});
  ASSERT_EQ(stored.size(), model.cells.size());
  for (const auto& [id, c] : model.cells) {
    auto it = stored.find(id);
    ASSERT_NE(it, stored.end()) << id.first << "@" << id.second;
    EXPECT_EQ(it->second.records, c.count);
    EXPECT_EQ(it->second.outputs[0], static_cast<double>(c.count));
    EXPECT_EQ(it->second.outputs[1].has_value(), c.priced > 0);
    if (c.priced > 0) {
      EXPECT_EQ(*it->second.outputs[1], c.sum);
    }
  }
  EXPECT_TRUE(driver.read_dead_letters().empty());
}

}  // namespace
}  // namespace sluice::yaml::test
