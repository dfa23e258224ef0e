// `sluice datagen ads`: determinism, the AdEvent shape, realistic and causal click and
// conversion rates, billing, decoding with proto/ads.proto, and the events through
// topologies/kpi_changes.yaml (the last published value of every KPI equals a brute-force
// total over the generated lines).
#include "../../tools/cli/datagen_ads.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "serde/schema.h"
#include "serde/value_serde.h"
#include "topology/timestamp_extractor.h"
#include "yaml/topology_test_support.h"

namespace sluice::cli {
namespace {

using nlohmann::json;

struct Event {
  std::string text, key, campaign, creative, type;
  double cost;
  int64_t ts;
};

std::vector<Event> generate(uint64_t count, uint64_t seed, double rate = 1000) {
  AdsOptions o;
  o.count = count, o.seed = seed, o.rate = rate;
  AdsGenerator gen(o);
  std::vector<Event> out;
  for (uint64_t i = 0; i < count; ++i) {
    std::string line;
    gen.append_next(line);
    EXPECT_EQ(line.back(), '\n');
    line.pop_back();
    const json j = json::parse(line);
    out.push_back({line, gen.last_key(), j.at("campaign").get<std::string>(),
                   j.at("creative").get<std::string>(), j.at("type").get<std::string>(),
                   j.at("cost").get<double>(),
                   parse_iso8601(j.at("time").get<std::string>())->ms()});
    EXPECT_EQ(out.back().ts, gen.last_time_ms());
  }
  return out;
}

std::string joined(const std::vector<Event>& events) {
  std::string s;
  for (const Event& e : events) s += e.text + "\n";
  return s;
}

TEST(DatagenAdsTest, SameSeedGivesSameBytesOtherSeedDiffers) {
  EXPECT_EQ(joined(generate(20'000, 3)), joined(generate(20'000, 3)));
  EXPECT_NE(joined(generate(20'000, 3)), joined(generate(20'000, 4)));
}

TEST(DatagenAdsTest, ClicksFollowImpressionsAndConversionsFollowClicksAtRealisticRates) {
  // 20 a second: over four hours, so that few conversions are still pending at the end.
  const auto events = generate(300'000, 42, 20);
  std::map<std::string, int64_t> impressions, clicks, conversions;  // per creative, so far
  int64_t total[3] = {};
  for (const Event& e : events) {
    EXPECT_EQ(e.key, e.campaign);
    ASSERT_EQ(e.creative.rfind(e.campaign + "-", 0), 0u) << e.creative;
    if (e.type == "IMPRESSION") {
      ++impressions[e.creative], ++total[0];
    } else if (e.type == "CLICK") {
      // Causal: a creative is never clicked more often than it was shown so far.
      ASSERT_LE(++clicks[e.creative], impressions[e.creative]) << e.creative;
      ++total[1];
    } else {
      ASSERT_EQ(e.type, "CONVERSION");
      ASSERT_LE(++conversions[e.creative], clicks[e.creative]) << e.creative;
      ++total[2];
    }
  }
  const double ctr = static_cast<double>(total[1]) / static_cast<double>(total[0]);
  const double cvr = static_cast<double>(total[2]) / static_cast<double>(total[1]);
  EXPECT_GT(ctr, 0.015);
  EXPECT_LT(ctr, 0.025);
  EXPECT_GT(cvr, 0.03);
  EXPECT_LT(cvr, 0.07);
  std::map<std::string, int> seen;
  for (const auto& [creative, n] : impressions) ++seen[creative.substr(0, creative.rfind('-'))];
  EXPECT_EQ(seen.size(), 20u);  // every campaign serves
}

TEST(DatagenAdsTest, EachCampaignBillsEitherImpressionsOrClicksAndConversionsAreFree) {
  std::map<std::string, std::map<std::string, std::set<double>>> costs;  // campaign->type->costs
  for (const Event& e : generate(100'000, 9)) costs[e.campaign][e.type].insert(e.cost);
  size_t cpm = 0, cpc = 0;
  for (auto& [campaign, by_type] : costs) {
    SCOPED_TRACE(campaign);
    ASSERT_EQ(by_type["IMPRESSION"].size(), 1u);
    ASSERT_LE(by_type["CLICK"].size(), 1u);
    const double imp = *by_type["IMPRESSION"].begin();
    const double click = by_type["CLICK"].empty() ? 0 : *by_type["CLICK"].begin();
    EXPECT_TRUE((imp > 0 && imp < 0.01 && click == 0) || (imp == 0 && click >= 0.2));
    (imp > 0 ? cpm : cpc)++;
    for (double c : by_type["CONVERSION"]) EXPECT_EQ(c, 0);
  }
  EXPECT_GT(cpm, 0u);
  EXPECT_GT(cpc, 0u);
}

TEST(DatagenAdsTest, EveryLineDecodesAsAnAdEvent) {
  auto schema = *serde::Schema::from_message_name("sluice.ads.AdEvent");
  auto serde = serde::make_value_serde(schema);
  serde::Row row;
  for (const Event& e : generate(20'000, 5)) {
    ASSERT_TRUE(serde->deserialize(e.text, row).ok()) << e.text;
    EXPECT_EQ(row.get_string(*schema->find("campaign")), e.campaign);
    EXPECT_EQ(row.get_string(*schema->find("creative")), e.creative);
  }
}

TEST(DatagenAdsTest, KpiChangesEndsOnTheBruteForceKpisOfEveryCampaignAndHour) {
  using yaml::test::fields;
  using yaml::test::number;
  using yaml::test::text;
  constexpr int64_t kHour = 3'600'000;
  const yaml::TopologyFile file = yaml::test::load("kpi_changes.yaml", {{"KPI_MIN_INTERVAL", "0"}});
  testing::TopologyTestDriver driver(file.topology);
  // 30,000 events at 5 a second: a little over an hour and a half, so three KPI windows.
  struct Totals {
    double impressions = 0, clicks = 0, conversions = 0, spend = 0;
  };
  std::map<std::pair<std::string, int64_t>, Totals> totals;
  for (const Event& e : generate(30'000, 17, 5)) {
    ASSERT_TRUE(driver.pipe("ad_events", e.key, e.text, Timestamp(e.ts)).ok());
    Totals& t = totals[{e.campaign, e.ts - e.ts % kHour}];
    t.impressions += e.type == "IMPRESSION";
    t.clicks += e.type == "CLICK";
    t.conversions += e.type == "CONVERSION";
    t.spend += e.cost;
  }
  EXPECT_TRUE(driver.read_dead_letters().empty());
  std::map<std::pair<std::string, int64_t>, std::map<std::string, double>> last;
  for (const auto& r : driver.read_output("campaign_kpi_changes")) {
    const auto f = fields(r);
    last[{text(f, "campaign"), static_cast<int64_t>(number(f, "window"))}][text(f, "kpi")] =
        number(f, "value");
  }
  ASSERT_EQ(last.size(), totals.size());
  size_t with_conversions = 0;
  for (const auto& [id, t] : totals) {
    SCOPED_TRACE(id.first + "@" + std::to_string(id.second));
    auto& kpis = last[id];
    EXPECT_EQ(kpis["impressions"], t.impressions);
    EXPECT_EQ(kpis["clicks"], t.clicks);
    EXPECT_EQ(kpis["conversions"], t.conversions);
    EXPECT_NEAR(kpis["spend"], t.spend, 1e-9 * std::max(1.0, t.spend));
    EXPECT_NEAR(kpis["ctr"], t.clicks / t.impressions, 1e-12);
    ASSERT_EQ(kpis.count("cpa") > 0, t.conversions > 0);
    if (t.conversions > 0) {
      ++with_conversions;
      EXPECT_NEAR(kpis["cpa"], t.spend / t.conversions, 1e-9 * std::max(1.0, t.spend));
    }
  }
  EXPECT_GT(with_conversions, 5u);
}

}  // namespace
}  // namespace sluice::cli
