// topologies/minute_aggregation.yaml through the TopologyTestDriver: out-of-order and late user
// tags; the final results published per bucket and the window store compared with the brute-force
// CUBE of tests/models/minute_aggregation_model.h.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "models/minute_aggregation_model.h"
#include "topology_test_support.h"

namespace sluice::yaml::test {
namespace {

using namespace models::minute;

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
