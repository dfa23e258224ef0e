// emit_on_change through the TopologyTestDriver on generated values that often repeat, compared
// with a brute-force model: every change at once, and at most one change per key, field and
// interval of wall-clock time (the latest value wins) driven by advance_wall_clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "operators/stream_builder.h"
#include "serde/value_serde.h"
#include "testing/topology_test_driver.h"

namespace sluice::ops {
namespace {

using nlohmann::json;
using serde::FieldType;
using testing::TopologyTestDriver;

serde::SchemaPtr metric_schema() {
  return serde::Schema::Builder("Metric")
      .add("name", FieldType::kString)
      .add("window_start", FieldType::kInt64)
      .add("label", FieldType::kString)
      .add("hits", FieldType::kInt64)
      .add("mean", FieldType::kDouble)
      .build();
}

struct Input {
  std::string key;
  int64_t ts, window_start;
  std::string label;
  std::optional<int64_t> hits;
  std::optional<double> mean;
  DurationMs wall_step;  // how far the wall clock moves before this record
};

std::vector<Input> random_inputs(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Input> out;
  for (int i = 0; i < n; ++i) {
    Input in;
    in.key = "k" + std::to_string(rng() % 6);
    in.ts = 1'650'000'000'000 + i * 50 + static_cast<int64_t>(rng() % 1000);
    in.window_start = in.ts / 60'000 * 60'000;
    in.label = "l" + std::to_string(rng() % 3);
    if (rng() % 8 != 0) in.hits = static_cast<int64_t>(rng() % 3);  // repeats are common
    if (rng() % 8 != 0) in.mean = static_cast<double>(rng() % 3) / 4;
    in.wall_step = static_cast<DurationMs>(rng() % 4 == 0 ? rng() % 700 : rng() % 40);
    out.push_back(std::move(in));
  }
  return out;
}

std::string to_json(const Input& in) {
  json j = {{"name", in.key}, {"window_start", in.window_start}, {"label", in.label}};
  if (in.hits) j["hits"] = *in.hits;
  if (in.mean) j["mean"] = *in.mean;
  return j.dump();
}

// One change record: key, field, value, previous, time, carried window_start and label.
using Change = std::tuple<std::string, std::string, double, std::optional<double>, int64_t, int64_t,
                          std::string>;

struct Model {
  DurationMs interval;
  struct State {
    std::optional<double> published;
    int64_t wall = 0;
    std::optional<Change> pending;  // the latest change not yet published
  };
  std::map<std::pair<std::string, std::string>, State> states;

  void record(const Input& in, int64_t wall, std::vector<Change>& out) {
    auto value = [&](const std::string& field, double v) {
      State& s = states[{in.key, field}];
      Change c{in.key, field, v, std::nullopt, in.ts, in.window_start, in.label};
      if (s.published && *s.published == v) {
        s.pending.reset();
      } else if (!s.published || interval == 0 || wall - s.wall >= interval) {
        std::get<3>(c) = s.published;
        out.push_back(c);
        s.published = v, s.wall = wall, s.pending.reset();
      } else {
        s.pending = c;
      }
    };
    if (in.hits) value("hits", static_cast<double>(*in.hits));
    if (in.mean) value("mean", *in.mean);
  }
  // What a punctuation at `wall` publishes.
  void punctuate(int64_t wall, std::vector<Change>& out) {
    for (auto& [key, s] : states) {
      if (!s.pending || wall - s.wall < interval) continue;
      Change c = *s.pending;
      std::get<3>(c) = s.published;
      out.push_back(c);
      s.published = std::get<2>(c), s.wall = wall, s.pending.reset();
    }
  }
};

std::vector<Change> decode(const std::vector<testing::TestRecord>& records,
                           const serde::SchemaPtr& schema) {
  auto serde = serde::make_value_serde(schema, {.format = serde::Format::kProtobuf});
  auto slot = [&](const char* path) { return *schema->find(path); };
  std::vector<Change> out;
  for (const auto& r : records) {
    serde::Row row;
    EXPECT_TRUE(serde->deserialize(*r.value, row).ok());
    Change c{std::string(row.get_string(slot("key"))),
             std::string(row.get_string(slot("field"))),
             row.get_double(slot("value")),
             std::nullopt,
             row.get_int(slot("time")),
             row.get_int(slot("window_start")),
             std::string(row.get_string(slot("label")))};
    if (row.has(slot("previous"))) std::get<3>(c) = row.get_double(slot("previous"));
    EXPECT_EQ(r.key, std::get<0>(c) + "|" + std::get<1>(c));
    EXPECT_EQ(r.timestamp.ms(), std::get<4>(c));
    out.push_back(std::move(c));
  }
  return out;
}

void run(DurationMs interval, uint64_t seed) {
  StreamsBuilder b;
  KStream changes =
      b.stream({.topics = {"metrics"}, .schema = metric_schema(), .key_field = "name"})
          .emit_on_change(
              {.name = "changes", .carry = {"window_start", "label"}, .min_interval_ms = interval});
  changes.to({.topic = "out", .format = serde::Format::kProtobuf});
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  Model model{interval, {}};
  // The punctuator runs every min(interval, 1 s) of wall-clock time from the start.
  const DurationMs every = std::min<DurationMs>(interval, 1000);
  int64_t next_punctuation = every;
  size_t total = 0, delayed = 0;
  auto advance = [&](DurationMs by) {
    ASSERT_TRUE(driver.advance_wall_clock(by).ok());
    std::vector<Change> expected;
    if (interval > 0 && driver.wall_clock().ms() >= next_punctuation) {
      model.punctuate(driver.wall_clock().ms(), expected);
      next_punctuation = (driver.wall_clock().ms() / every + 1) * every;
    }
    auto got = decode(driver.read_output("out"), changes.schema());
    std::sort(got.begin(), got.end());
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(got, expected) << "punctuation at " << driver.wall_clock().ms();
    delayed += got.size();
    total += got.size();
  };
  for (const Input& in : random_inputs(4000, seed)) {
    if (in.wall_step > 0) {
      ASSERT_NO_FATAL_FAILURE(advance(in.wall_step));
    }
    ASSERT_TRUE(driver.pipe("metrics", "", to_json(in), Timestamp(in.ts)).ok());
    std::vector<Change> expected;
    model.record(in, driver.wall_clock().ms(), expected);
    ASSERT_EQ(decode(driver.read_output("out"), changes.schema()), expected);
    total += expected.size();
  }
  for (int i = 0; i < 5; ++i) ASSERT_NO_FATAL_FAILURE(advance(1000));  // pending changes drain
  for (const auto& [key, s] : model.states) EXPECT_FALSE(s.pending) << key.first << key.second;
  EXPECT_GT(total, 500u);
  if (interval > 0) {
    EXPECT_GT(delayed, 50u);
  } else {
    EXPECT_EQ(delayed, 0u);
  }
}

TEST(EmitOnChange, PublishesEveryChangeWithItsPreviousValue) { run(0, 1); }

TEST(EmitOnChange, PublishesAtMostOncePerIntervalAndTheLatestValueOnTheWallClock) { run(1000, 2); }

TEST(EmitOnChange, ShortIntervalsArePunctuatedAtTheirOwnPace) { run(300, 3); }

TEST(EmitOnChange, WatchesEveryNumericFieldButTheCarriedOnesByDefaultAndRejectsBadFields) {
  StreamsBuilder b;
  KStream in = b.stream({.topics = {"metrics"}, .schema = metric_schema()});
  KStream all = in.emit_on_change({.name = "all", .carry = {"window_start"}});
  EXPECT_EQ(b.topology().node("all")->detail, "hits, mean");
  EXPECT_TRUE(all.schema()->find("window_start").has_value());
  EXPECT_THROW(in.emit_on_change({.name = "x", .fields = {"label"}}), std::invalid_argument);
  EXPECT_THROW(in.emit_on_change({.name = "y", .fields = {"hitz"}}), std::invalid_argument);
  EXPECT_THROW(in.emit_on_change({.name = "z", .carry = {"key"}}), std::invalid_argument);
}

}  // namespace
}  // namespace sluice::ops
