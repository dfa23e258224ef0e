// topologies/minute_aggregation.yaml end to end: `sluice run` on a `sluice broker` process,
// user tags (out of order, ~5% late by one to two minutes) produced with librdkafka, the output
// topic read back with a consumer, and its upsert view (latest value per key) compared with the
// brute-force CUBE of tests/models/minute_aggregation_model.h.
//
// Partitioning: the topology repartitions the tags by action (every grouping set holds it)
// before the cube, so each cell lives in one task. The input has one partition here, so the
// repartitioned stream keeps the production order and the model's single stream-time domain
// (which tags are late, when a minute closes) is exactly the task's; the multi-partition
// correctness of the repartition is covered by the scale-out and cooperative tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "models/minute_aggregation_model.h"

namespace sluice::test {
namespace {

using models::minute::generate;
using models::minute::kSize;
using models::minute::kT0;
using models::minute::Model;
using models::minute::Tag;
using models::minute::to_json;
using namespace std::chrono_literals;

// Output key -> (count, sum of price when any tag had one).
using MinuteView = std::map<std::string, std::pair<int64_t, std::optional<double>>>;

MinuteView decode(const std::map<std::string, std::optional<std::string>>& latest) {
  MinuteView v;
  for (const auto& [key, value] : latest) {
    if (!value) continue;
    const auto j = nlohmann::json::parse(*value);
    std::optional<double> sum;
    if (j.contains("sum_price") && !j["sum_price"].is_null()) sum = json_number(j["sum_price"]);
    v[key] = {static_cast<int64_t>(json_number(j.at("count"))), sum};
  }
  return v;
}

TEST(MinuteAggregationE2E, PublishesEveryClosedMinuteOfTheCubeOnceLikeTheBruteForce) {
  const std::string app = "minute-e2e";
  const Env env = {{"USER_TAGS_TOPIC", "user_tags"}, {"MINUTE_OUTPUT_TOPIC", "aggregates_minute"}};
  const Topology topology = load_shipped("minute_aggregation", env);
  BrokerProcess broker(broker_topic_args(topology, app, {{"user_tags", 1}}, 2));
  ASSERT_FALSE(broker.bootstrap().empty()) << "sluice broker did not start";
  TempDir dir;
  RunProcess run("minute_aggregation", broker.bootstrap(), app, dir.path.string(), env);
  ASSERT_TRUE(run.wait_tasks(2)) << run.tail();  // one partition, two sub-topologies

  std::vector<Tag> tags = generate(4000, 11);
  // Tags far past the rest: their stream time closes every other minute, so every final
  // result is due without relying on the wall clock.
  int64_t last = kT0;
  for (const Tag& t : tags) last = std::max(last, t.ts);
  for (const char* action : {"VIEW", "BUY"}) {
    Tag closer = tags.front();
    closer.ts = last + 10 * kSize;
    closer.action = action;
    tags.push_back(closer);
  }
  Model models[1];
  auto producer = make_producer(broker.bootstrap());
  for (const Tag& t : tags) {
    models[0].add(t);
    ASSERT_TRUE(
        producer.send("user_tags", Partition(0), t.cookie, to_json(t), Timestamp(t.ts)).ok());
  }
  ASSERT_TRUE(producer.flush(30s).ok());
  EXPECT_GT(models[0].late, 50) << "the input should hold late tags";

  MinuteView expected;
  for (const Model& m : models) {
    for (const auto& [id, cell] : m.cells) {
      if (!m.closed(id.second)) continue;
      expected[id.first + "@" + std::to_string(id.second)] = {
          cell.count, cell.priced > 0 ? std::optional(cell.sum) : std::nullopt};
    }
  }
  ASSERT_GT(expected.size(), 500u);

  TopicReader out(broker.bootstrap(), "aggregates_minute");
  out.read_until([&](const TopicReader& r) { return decode(r.latest()) == expected; }, 30s);
  const MinuteView got = decode(out.latest());
  const size_t wrong = mismatched(expected, got);
  EXPECT_EQ(wrong, 0u) << "closed minutes missing or unlike the brute force, of "
                       << expected.size();
  EXPECT_EQ(got.size(), expected.size()) << "published cells the brute force does not have";
  // emit: final, and no failure to replay: each minute once.
  EXPECT_EQ(out.messages().size(), expected.size());
  EXPECT_EQ(topic_records(broker.bootstrap(), app + "-dead-letters", 1), 0);
  std::printf("minute_aggregation e2e: %zu tags (%ld late), %zu closed cells\n", tags.size(),
              static_cast<long>(models[0].late), expected.size());

  // Sent: every tag once to the repartition topic, then the published cells.
  run.expect_caught_up(static_cast<int64_t>(tags.size() + out.messages().size()));

  EXPECT_EQ(run.stop(), 0) << run.tail();
}

// Cookie-keyed input on three partitions, as datagen and profile capping have it: the
// repartition by action must bring every record of a cell to one task, or several tasks would
// publish partial counts under one key. A grace of an hour makes lateness independent of how
// the partitions interleave in the repartition topic, so the expected view is simply every
// tag's cells; the closers that end it are sent once every tag went through.
TEST(MinuteAggregationE2E, CookieKeyedInputOnSeveralPartitionsGivesOneResultPerCell) {
  const std::string app = "minute-e2e-keyed";
  const Env env = {{"USER_TAGS_TOPIC", "user_tags"},
                   {"MINUTE_OUTPUT_TOPIC", "aggregates_minute"},
                   {"MINUTE_GRACE", "1h"}};
  const Topology topology = load_shipped("minute_aggregation", env);
  BrokerProcess broker(broker_topic_args(topology, app, {{"user_tags", 3}}, 2));
  ASSERT_FALSE(broker.bootstrap().empty()) << "sluice broker did not start";
  TempDir dir;
  RunProcess run("minute_aggregation", broker.bootstrap(), app, dir.path.string(), env);
  ASSERT_TRUE(run.wait_tasks(6)) << run.tail();  // three partitions, two sub-topologies

  std::vector<Tag> tags = generate(3000, 12);
  // In time order nothing is late, so the model counts every tag.
  std::vector<Tag> ordered = tags;
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Tag& a, const Tag& b) { return a.ts < b.ts; });
  Model model;
  for (const Tag& t : ordered) model.add(t);
  ASSERT_EQ(model.late, 0);
  const int64_t last = ordered.back().ts;
  auto producer = make_producer(broker.bootstrap());
  auto send_all = [&](const std::vector<Tag>& batch) {
    for (const Tag& t : batch) {
      ASSERT_TRUE(
          producer.send("user_tags", std::nullopt, t.cookie, to_json(t), Timestamp(t.ts)).ok());
    }
    ASSERT_TRUE(producer.flush(30s).ok());
  };
  send_all(tags);
  // Every tag through both sub-topologies (rekey, then aggregate) before the closers: a closer
  // that overtook another partition's tags in the repartition topic would make them late.
  const auto through = static_cast<int64_t>(2 * tags.size());
  ASSERT_GE(
      run.wait_status([&](const RunStatus& s) { return s.processed >= through; }, 60s).processed,
      through)
      << run.tail();
  // Closers far past the grace, one per action (each action's task must see one).
  std::vector<Tag> closers;
  for (const char* action : {"VIEW", "BUY"}) {
    Tag closer = tags.front();
    closer.ts = last + 2 * 3'600'000;
    closer.action = action;
    closers.push_back(closer);
  }
  send_all(closers);
  MinuteView expected;
  for (const auto& [id, cell] : model.cells) {
    expected[id.first + "@" + std::to_string(id.second)] = {
        cell.count, cell.priced > 0 ? std::optional(cell.sum) : std::nullopt};
  }
  TopicReader out(broker.bootstrap(), "aggregates_minute");
  out.read_until([&](const TopicReader& r) { return decode(r.latest()) == expected; }, 60s);
  EXPECT_EQ(decode(out.latest()), expected);
  EXPECT_EQ(out.messages().size(), expected.size()) << "a cell published more than once";
  EXPECT_EQ(run.stop(), 0) << run.tail();
}

}  // namespace
}  // namespace sluice::test
