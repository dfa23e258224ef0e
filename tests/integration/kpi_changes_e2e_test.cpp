// topologies/kpi_changes.yaml end to end: `sluice run` on a `sluice broker` process, ad events
// (out of order, ~3% late by one to two hours) produced with librdkafka, the KPI changes read
// back with a consumer. The upsert view (latest value per campaign@window|kpi) must equal the
// brute force of tests/models/kpi_changes_model.h; with a 1 s rate limit (wall clock) the
// intermediate values published depend on timing, so each of them is only checked to be one
// the brute force went through, with `previous` the value published before it.
//
// Partitioning: the input is keyed by campaign (the aggregate's group), on three partitions
// chosen here (campaign number mod 3) so the model knows each task's stream time.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "models/kpi_changes_model.h"

namespace sluice::test {
namespace {

using models::kpi::AdEvent;
using models::kpi::generate;
using models::kpi::Model;
using models::kpi::to_json;
using namespace std::chrono_literals;

constexpr int kPartitions = 3;

std::map<std::string, double> decode(const std::map<std::string, std::optional<std::string>>& m) {
  std::map<std::string, double> v;
  for (const auto& [key, value] : m) {
    if (value) v[key] = json_number(nlohmann::json::parse(*value).at("value"));
  }
  return v;
}

TEST(KpiChangesE2E, FinalKpiOfEveryCampaignWindowEqualsTheBruteForceUnderTheRateLimit) {
  const std::string app = "kpi-e2e";
  const Env env = {{"AD_EVENTS_TOPIC", "ad_events"},
                   {"KPI_TOPIC", "campaign_kpi_changes"},
                   {"KPI_MIN_INTERVAL", "1s"}};
  const Topology topology = load_shipped("kpi_changes", env);
  BrokerProcess broker(broker_topic_args(topology, app, {{"ad_events", kPartitions}}, 3));
  ASSERT_FALSE(broker.bootstrap().empty()) << "sluice broker did not start";
  TempDir dir;
  RunProcess run("kpi_changes", broker.bootstrap(), app, dir.path.string(), env);
  ASSERT_TRUE(run.wait_tasks(kPartitions)) << run.tail();

  const auto events = generate(6000, 21);
  Model models[kPartitions];
  auto producer = make_producer(broker.bootstrap());
  for (const AdEvent& e : events) {
    const int p = std::stoi(e.campaign.substr(5)) % kPartitions;  // "camp-<n>"
    models[p].add(e);
    ASSERT_TRUE(
        producer.send("ad_events", Partition(p), e.campaign, to_json(e), Timestamp(e.ts)).ok());
  }
  ASSERT_TRUE(producer.flush(30s).ok());
  std::map<std::string, double> expected;
  std::map<std::string, std::set<double>> seen;
  int64_t late = 0;
  for (const Model& m : models) {
    expected.insert(m.last.begin(), m.last.end());
    seen.insert(m.seen.begin(), m.seen.end());
    late += m.late;
  }
  EXPECT_GT(late, 50) << "the input should hold late events";

  TopicReader out(broker.bootstrap(), "campaign_kpi_changes");
  out.read_until([&](const TopicReader& r) { return decode(r.latest()) == expected; }, 30s);
  const auto got = decode(out.latest());
  const size_t wrong = mismatched(expected, got);
  EXPECT_EQ(wrong, 0u) << "KPIs missing or unlike the brute force, of " << expected.size();
  EXPECT_EQ(got.size(), expected.size()) << "KPIs the brute force does not have";

  // Every record: a value the brute force went through, and `previous` = the value published
  // before it for the same key (one key lives in one partition, so its records stay in order).
  std::map<std::string, double> before;
  size_t unseen = 0, bad_previous = 0;
  for (const auto& m : out.messages()) {
    const auto j = nlohmann::json::parse(m.value.value_or("{}"));
    const double value = json_number(j.at("value"));
    if (!seen[m.key].count(value)) ++unseen;
    auto it = before.find(m.key);
    const bool has_previous = j.contains("previous") && !j["previous"].is_null();
    if (it == before.end() ? has_previous
                           : !has_previous || json_number(j["previous"]) != it->second) {
      ++bad_previous;
    }
    before[m.key] = value;
  }
  EXPECT_EQ(unseen, 0u) << "published values the brute force never had";
  EXPECT_EQ(bad_previous, 0u) << "records whose `previous` is not the value published before";
  size_t changes = 0;
  for (const auto& [key, values] : seen) changes += values.size();
  // The rate limit holds most intermediate values back (6000 events in well under the interval
  // per key would otherwise publish one record per distinct value).
  EXPECT_LT(out.messages().size(), changes);
  EXPECT_EQ(topic_records(broker.bootstrap(), app + "-dead-letters", 1), 0);
  std::printf("kpi_changes e2e: %zu events (%ld late), %zu KPI keys, %zu records published\n",
              events.size(), static_cast<long>(late), expected.size(), out.messages().size());

  run.expect_caught_up(topic_records(broker.bootstrap(), "campaign_kpi_changes", 3));

  EXPECT_EQ(run.stop(), 0) << run.tail();
}

}  // namespace
}  // namespace sluice::test
