// StreamTask behaviour through the TopologyTestDriver, with hand-written processors on the
// low-level Topology API (no DSL), so these tests pin down the runtime alone.
#include "runtime/stream_task.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "allezon.pb.h"
#include "testing/topology_test_driver.h"
#include "topology/topology.h"

namespace sluice {
namespace {

serde::SchemaPtr user_tag_schema() {
  return serde::Schema::from_descriptor(allezon::UserTag::descriptor());
}

std::string tag_json(const std::string& cookie, Timestamp ts, int price = 10) {
  return R"({"time":")" + format_iso8601(ts) + R"(","cookie":")" + cookie +
         R"(","country":"PL","device":"PC","action":"VIEW","origin":"o1",)"
         R"("product_info":{"product_id":"p1","brand_id":"b1","category_id":"c1","price":)" +
         std::to_string(price) + "}}";
}

SourceSpec user_tag_source(const serde::SchemaPtr& schema, std::string topic = "tags") {
  SourceSpec spec;
  spec.name = "tags";
  spec.topics = {std::move(topic)};
  spec.schema = schema;
  spec.key_slot = *schema->find("cookie");
  spec.timestamp.slot = *schema->find("time");
  spec.timestamp.field_path = "time";
  return spec;
}

// Records what it saw and forwards everything.
class Recorder final : public Processor {
 public:
  struct Seen {
    std::string key;
    Timestamp ts;
    Timestamp stream_time;
  };
  explicit Recorder(std::vector<Seen>* seen) : seen_(seen) {}
  Status init(ProcessorContext& context) override {
    context_ = &context;
    return Status::Ok();
  }
  Status process(Record& record) override {
    seen_->push_back({record.key, record.timestamp, context_->stream_time()});
    return context_->forward(record);
  }

 private:
  std::vector<Seen>* seen_;
  ProcessorContext* context_ = nullptr;
};

Topology recorder_topology(const serde::SchemaPtr& schema, std::vector<Recorder::Seen>* seen) {
  Topology t;
  t.add_source(user_tag_source(schema));
  t.add_processor({.name = "recorder",
                   .op = "record",
                   .supplier = [seen] { return std::make_unique<Recorder>(seen); },
                   .parents = {"tags"}});
  t.add_sink({.name = "out", .topic = "out", .schema = schema}, {"recorder"});
  return t;
}

TEST(StreamTask, SendsMalformedAndIncompleteRecordsToDeadLetterTopicWithReason) {
  auto schema = user_tag_schema();
  std::vector<Recorder::Seen> seen;
  Topology topology = recorder_topology(schema, &seen);
  testing::TopologyTestDriver driver(topology);

  std::mt19937_64 rng(7);
  int expected_good = 0, expected_bad = 0;
  std::vector<std::string> bad_reasons;
  for (int i = 0; i < 2000; ++i) {
    const Timestamp ts(1'600'000'000'000 + i * 1000);
    std::string value;
    switch (rng() % 4) {
      case 0:
        value = tag_json("c" + std::to_string(i), ts).substr(0, 40);  // truncated JSON
        ++expected_bad;
        break;
      case 1:
        value = R"({"time":")" + format_iso8601(ts) + R"(","action":"VIEW"})";  // no cookie
        ++expected_bad;
        break;
      default:
        value = tag_json("c" + std::to_string(i), ts);
        ++expected_good;
    }
    ASSERT_TRUE(driver.pipe("tags", "", value, Timestamp(0)).ok());
  }
  EXPECT_EQ(static_cast<int>(driver.read_output("out").size()), expected_good);
  auto dead = driver.read_dead_letters();
  ASSERT_EQ(static_cast<int>(dead.size()), expected_bad);
  for (const auto& d : dead) {
    ASSERT_TRUE(d.header(runtime::kErrorReasonHeader).has_value());
    EXPECT_FALSE(d.header(runtime::kErrorReasonHeader)->empty());
    EXPECT_EQ(d.header(runtime::kErrorNodeHeader), "tags");
    EXPECT_EQ(d.header(runtime::kSourceTopicHeader), "tags");
    EXPECT_TRUE(d.header(runtime::kSourceOffsetHeader).has_value());
    EXPECT_TRUE(d.value.has_value());  // the original bytes are kept: nothing is lost
    const auto code = d.header(runtime::kErrorCodeHeader).value_or("");
    EXPECT_TRUE(code == "INVALID_RECORD" || code == "MISSING_FIELD") << code;
    if (code == "MISSING_FIELD") {
      EXPECT_NE(d.header(runtime::kErrorReasonHeader)->find("cookie"), std::string::npos);
    }
  }
  EXPECT_EQ(driver.metrics().sum("sluice_dead_letter_records_total"), expected_bad);
  EXPECT_EQ(driver.metrics().sum("sluice_records_processed_total"), 2000);
}

TEST(StreamTask, StreamTimeIsTheLargestEventTimeSeen) {
  auto schema = user_tag_schema();
  std::vector<Recorder::Seen> seen;
  Topology topology = recorder_topology(schema, &seen);
  testing::TopologyTestDriver driver(topology);
  std::mt19937_64 rng(11);
  std::vector<Timestamp> sent;
  for (int i = 0; i < 3000; ++i) {
    // Mostly increasing, with out-of-order records up to 20 s behind.
    const Timestamp ts(1'600'000'000'000 + i * 100 - static_cast<int64_t>(rng() % 20'000));
    sent.push_back(ts);
    ASSERT_TRUE(driver.pipe("tags", "", tag_json("c", ts), Timestamp(0)).ok());
  }
  ASSERT_EQ(seen.size(), sent.size());
  Timestamp max = Timestamp::min();
  for (size_t i = 0; i < sent.size(); ++i) {
    max = std::max(max, sent[i]);
    EXPECT_EQ(seen[i].ts, sent[i]);
    EXPECT_EQ(seen[i].stream_time, max);
  }
  EXPECT_EQ(driver.stream_time(), max);
}

// Schedules a punctuator of the given type and counts its calls.
class Ticker final : public Processor {
 public:
  Ticker(PunctuationType type, DurationMs interval, std::vector<Timestamp>* fired)
      : type_(type), interval_(interval), fired_(fired) {}
  Status init(ProcessorContext& context) override {
    context.schedule(interval_, type_, [this](Timestamp t) {
      fired_->push_back(t);
      return Status::Ok();
    });
    return Status::Ok();
  }
  Status process(Record&) override { return Status::Ok(); }

 private:
  PunctuationType type_;
  DurationMs interval_;
  std::vector<Timestamp>* fired_;
};

Topology ticker_topology(const serde::SchemaPtr& schema, PunctuationType type, DurationMs interval,
                         std::vector<Timestamp>* fired) {
  Topology t;
  t.add_source(user_tag_source(schema));
  t.add_processor({.name = "ticker",
                   .op = "tick",
                   .supplier = [=] { return std::make_unique<Ticker>(type, interval, fired); },
                   .parents = {"tags"}});
  return t;
}

TEST(StreamTask, StreamTimePunctuatorFiresOncePerIntervalCrossed) {
  auto schema = user_tag_schema();
  std::vector<Timestamp> fired;
  const DurationMs interval = 5000;
  Topology topology = ticker_topology(schema, PunctuationType::kStreamTime, interval, &fired);
  testing::TopologyTestDriver driver(topology);
  std::mt19937_64 rng(3);
  // Brute force: the schedule starts at 0 + interval; each record that moves stream time to or
  // past `next` fires once and moves `next` to the first multiple of interval after it.
  int64_t next = interval;
  Timestamp stream = Timestamp::min();
  std::vector<Timestamp> expected;
  int64_t t = 1'000'000;
  for (int i = 0; i < 2000; ++i) {
    t += static_cast<int64_t>(rng() % 3000);
    const Timestamp ts(t - static_cast<int64_t>(rng() % 4000));
    stream = std::max(stream, ts);
    if (stream.ms() >= next) {
      expected.push_back(stream);
      next = next + ((stream.ms() - next) / interval + 1) * interval;
    }
    ASSERT_TRUE(driver.pipe("tags", "", tag_json("c", ts), Timestamp(0)).ok());
  }
  EXPECT_EQ(fired, expected);
  EXPECT_GT(fired.size(), 100u);
}

TEST(StreamTask, WallClockPunctuatorFiresWithoutInput) {
  auto schema = user_tag_schema();
  std::vector<Timestamp> fired;
  Topology topology = ticker_topology(schema, PunctuationType::kWallClockTime, 1000, &fired);
  testing::TopologyTestDriver driver(topology, {.wall_clock_start = Timestamp(10'000)});
  ASSERT_TRUE(driver.advance_wall_clock(999).ok());
  EXPECT_TRUE(fired.empty());
  ASSERT_TRUE(driver.advance_wall_clock(1).ok());
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0], Timestamp(11'000));
  // A jump over several intervals fires once, then the schedule realigns.
  ASSERT_TRUE(driver.advance_wall_clock(5500).ok());
  ASSERT_EQ(fired.size(), 2u);
  ASSERT_TRUE(driver.advance_wall_clock(500).ok());
  EXPECT_EQ(fired.size(), 3u);
}

TEST(StreamTask, RecordsWrittenToATopicTheTopologyReadsAreFedBackInOrder) {
  auto schema = user_tag_schema();
  std::vector<Recorder::Seen> seen;
  Topology t;
  t.add_source(user_tag_source(schema));
  t.add_sink({.name = "to-internal",
              .topic = "internal",
              .schema = schema,
              .value_format = {.format = serde::Format::kProtobuf},
              .internal = true},
             {"tags"});
  SourceSpec internal;
  internal.name = "from-internal";
  internal.topics = {"internal"};
  internal.schema = schema;
  internal.value_format.format = serde::Format::kProtobuf;
  internal.internal = true;
  t.add_source(internal);
  t.add_processor({.name = "recorder",
                   .op = "record",
                   .supplier = [&seen] { return std::make_unique<Recorder>(&seen); },
                   .parents = {"from-internal"}});
  testing::TopologyTestDriver driver(t);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(
        driver.pipe("tags", "", tag_json("k" + std::to_string(i), Timestamp(i * 10)), Timestamp(0))
            .ok());
  }
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(seen[i].key, "k" + std::to_string(i));
    EXPECT_EQ(seen[i].ts, Timestamp(i * 10));
  }
  EXPECT_EQ(t.subtopologies().size(), 2u);
}

}  // namespace
}  // namespace sluice
