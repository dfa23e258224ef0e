// topologies/kpi_changes.yaml: ad events (out of order, some late) aggregated per campaign and
// hour into impressions, clicks, conversions, spend, CTR and CPA; each changed KPI published as
// its own record. Without a rate limit every change is compared, in order, with the brute force
// of tests/models/kpi_changes_model.h;
// with one, each (campaign, window, KPI) is checked to publish at most once per interval, only
// values the brute force went through, and the final value once the interval has passed.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>

#include "models/kpi_changes_model.h"
#include "topology_test_support.h"

namespace sluice::yaml::test {
namespace {

using namespace models::kpi;

void expect_change(const testing::TestRecord& r, const Change& c) {
  const auto f = fields(r);
  SCOPED_TRACE(*r.value);
  EXPECT_EQ(r.key, c.key);
  EXPECT_EQ(text(f, "campaign"), c.campaign);
  EXPECT_EQ(text(f, "kpi"), c.kpi);
  EXPECT_EQ(number(f, "value"), c.value);
  ASSERT_EQ(f.count("previous") > 0, c.previous.has_value());
  if (c.previous) {
    EXPECT_EQ(number(f, "previous"), *c.previous);
  }
  EXPECT_EQ(number(f, "window"), c.window);
  EXPECT_EQ(number(f, "time"), c.time);
}

TEST(KpiChangesYaml, PublishesEveryChangedKpiAsItsOwnRecordLikeTheBruteForce) {
  const TopologyFile file = load("kpi_changes.yaml", {{"KPI_MIN_INTERVAL", "0"}});
  testing::TopologyTestDriver driver(file.topology);
  Model model;
  std::vector<Change> expected;
  for (const AdEvent& e : generate(6000, 21)) {
    ASSERT_TRUE(driver.pipe("ad_events", e.campaign, to_json(e), Timestamp(e.ts)).ok());
    for (Change& c : model.add(e)) expected.push_back(std::move(c));
  }
  EXPECT_GT(model.late, 50);
  const auto out = driver.read_output("campaign_kpi_changes");
  ASSERT_EQ(out.size(), expected.size());
  for (size_t i = 0; i < out.size(); ++i) {
    SCOPED_TRACE(i);
    expect_change(out[i], expected[i]);
  }

  // Stores: the window totals, and the last value published per (campaign@window, KPI).
  ASSERT_TRUE(driver.commit().ok());
  auto schema = *serde::Schema::from_message_name("sluice.ads.AdEvent");
  const auto stored = read_window_store(
      driver, "campaign_totals-store", *schema, {"campaign"}, {{0}},
      {ops::AggFn::kCount, ops::AggFn::kCount, ops::AggFn::kCount, ops::AggFn::kSum});
  ASSERT_EQ(stored.size(), model.totals.size());
  for (const auto& [id, t] : model.totals) {
    auto it = stored.find(id);
    ASSERT_NE(it, stored.end()) << id.first << "@" << id.second;
    EXPECT_EQ(it->second.records, t.records);
    EXPECT_EQ(it->second.outputs[0], static_cast<double>(t.impressions));
    EXPECT_EQ(it->second.outputs[1], static_cast<double>(t.clicks));
    EXPECT_EQ(it->second.outputs[2], static_cast<double>(t.conversions));
    EXPECT_EQ(it->second.outputs[3], t.spend);
  }
  std::map<std::string, double> published;
  for (auto it = driver.key_value_store("kpi_changed-store")->all(); it->valid(); it->next()) {
    std::string key(it->key());
    key[key.find('\0')] = '|';
    double v = 0;
    ASSERT_GE(it->value().size(), 9u);
    std::memcpy(&v, it->value().data() + 1, sizeof v);
    published[key] = v;
  }
  EXPECT_EQ(published, model.last);
}

TEST(KpiChangesYaml, PublishesEachCampaignKpiAtMostOncePerIntervalAndEndsOnTheLatestValue) {
  constexpr int64_t kInterval = 60'000, kStep = 5'000;
  const TopologyFile file = load("kpi_changes.yaml", {{"KPI_MIN_INTERVAL", "1m"}});
  testing::TopologyTestDriver driver(file.topology);
  Model model;
  std::map<std::string, std::pair<int64_t, double>> last_out;  // key -> (wall, value)
  size_t published = 0;
  auto take = [&] {
    for (const auto& r : driver.read_output("campaign_kpi_changes")) {
      ++published;
      const auto f = fields(r);
      const double value = number(f, "value");
      const int64_t wall = driver.wall_clock().ms();
      EXPECT_TRUE(model.seen[r.key].count(value)) << r.key << " never had " << value;
      auto it = last_out.find(r.key);
      if (it != last_out.end()) {
        EXPECT_GE(wall - it->second.first, kInterval - kStep) << r.key;
        EXPECT_NE(value, it->second.second) << r.key;
        EXPECT_EQ(number(f, "previous"), it->second.second) << r.key;
      } else {
        EXPECT_EQ(f.count("previous"), 0u) << r.key;
      }
      last_out[r.key] = {wall, value};
    }
  };
  const auto events = generate(6000, 22);
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_TRUE(
        driver.pipe("ad_events", events[i].campaign, to_json(events[i]), Timestamp(events[i].ts))
            .ok());
    model.add(events[i]);
    take();
    if (i % 20 == 19) {
      ASSERT_TRUE(driver.advance_wall_clock(kStep).ok());
      take();
    }
  }
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(driver.advance_wall_clock(kStep).ok());
    take();
  }
  // Rate-limited: far fewer records than changes, and every key ends on its latest value.
  EXPECT_LT(published, model.last.size() * 40);
  ASSERT_EQ(last_out.size(), model.last.size());
  for (const auto& [key, value] : model.last) {
    ASSERT_TRUE(last_out.count(key)) << key;
    EXPECT_EQ(last_out[key].second, value) << key;
  }
}

}  // namespace
}  // namespace sluice::yaml::test
