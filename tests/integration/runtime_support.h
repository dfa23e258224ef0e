// Shared by the Kafka runtime integration tests: a windowed count built with the C++ DSL
// (re-keyed by country, so it runs two sub-topologies joined by a repartition topic), generated
// user tags, the brute-force model, and a reader of the output topic's upsert view.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "allezon.pb.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "operators/stream_builder.h"
#include "serde/schema.h"

namespace sluice::test {

using namespace std::chrono_literals;
constexpr int64_t kT0 = 1'650'000'000'000;
constexpr int64_t kWindowMs = 1000;

struct Tag {
  std::string cookie;
  std::string country;
  int64_t ts = 0;
};

inline std::vector<Tag> generate_tags(int n, uint64_t seed, int64_t first_index = 0) {
  std::mt19937_64 rng(seed);
  const char* countries[] = {"PL", "DE", "FR", "CZ", "SK", "LT", "UA"};
  std::vector<Tag> out;
  for (int i = 0; i < n; ++i) {
    Tag t;
    t.cookie = "c" + std::to_string(rng() % 300);
    t.country = countries[rng() % 7];
    // Mostly ordered with jitter; a few records arrive late (they still count: no grace limit
    // is hit with the default retention).
    t.ts = kT0 + (first_index + i) * 7 + static_cast<int64_t>(rng() % 400);
    out.push_back(std::move(t));
  }
  return out;
}

inline std::string tag_json(const Tag& t) {
  nlohmann::json j = {{"cookie", t.cookie},
                      {"country", t.country},
                      {"action", "VIEW"},
                      {"device", "PC"},
                      {"origin", "o"}};
  return j.dump();
}

// (country, window_start) -> count.
using CountView = std::map<std::pair<std::string, int64_t>, int64_t>;

inline CountView brute_force(const std::vector<Tag>& tags) {
  CountView v;
  for (const auto& t : tags) ++v[{t.country, t.ts - t.ts % kWindowMs}];
  return v;
}

// tags (key: cookie) -> rekey(country) -> 1 s tumbling count -> `output`.
inline Topology windowed_count_topology(const std::string& output) {
  ops::StreamsBuilder b;
  ops::SourceOptions src;
  src.topics = {"tags"};
  src.schema = serde::Schema::from_descriptor(allezon::UserTag::descriptor());
  src.key_field = "cookie";
  ops::WindowAggregateOptions w;
  w.name = "count-by-country";
  w.size_ms = kWindowMs;
  // Records reach the count out of order (jitter, and several upstream partitions interleave
  // in the repartition topic): a grace longer than the whole input keeps every one.
  w.grace_ms = 3'600'000;
  w.group_by = {"country"};
  w.aggregations = {{.output = "n", .fn = ops::AggFn::kCount}};
  b.stream(src).rekey({"country"}, "by-country").window_aggregate(w).to({.topic = output});
  return b.build();
}

inline void produce_tags(const std::string& bootstrap, const std::vector<Tag>& tags,
                         const std::string& topic = "tags") {
  kafka::Conf c;
  c.set("bootstrap.servers", bootstrap).set("linger.ms", "5");
  kafka::Producer p(std::move(c));
  for (const auto& t : tags) {
    ASSERT_TRUE(p.send(topic, std::nullopt, t.cookie, tag_json(t), Timestamp(t.ts)).ok());
  }
  ASSERT_TRUE(p.flush(30s).ok());
}

// Reads `topic` from the start; the latest value per key, decoded to (country, start) -> n.
class UpsertView {
 public:
  // `read_committed`: see only committed transactions (exactly-once outputs).
  UpsertView(const std::string& bootstrap, const std::string& topic, bool read_committed = false) {
    kafka::Conf c;
    c.set("isolation.level", read_committed ? "read_committed" : "read_uncommitted");
    c.set("bootstrap.servers", bootstrap)
        .set("group.id", "view-" + std::to_string(std::random_device{}()))
        .set("auto.offset.reset", "earliest");
    consumer_ = std::make_unique<kafka::Consumer>(std::move(c));
    consumer_->subscribe({topic});
  }
  // Polls until the view equals `expected` or `timeout` passes; returns the view.
  const CountView& wait_for(const CountView& expected, std::chrono::milliseconds timeout) {
    return wait_until([&](const CountView& v) { return v == expected; }, timeout);
  }
  // Polls until `done(view)` holds or `timeout` passes; returns the view.
  template <class Pred>
  const CountView& wait_until(Pred done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<kafka::MessagePtr> batch;
    while (!done(view_) && std::chrono::steady_clock::now() < deadline) {
      batch.clear();
      consumer_->poll_batch(batch, 1000, 100ms);
      for (const auto& m : batch) {
        if (m->err || !m->payload) continue;
        ++records_;
        auto j =
            nlohmann::json::parse(std::string_view(static_cast<const char*>(m->payload), m->len));
        view_[{j.at("country").get<std::string>(), j.at("window_start").get<int64_t>()}] =
            j.at("n").get<int64_t>();
      }
    }
    return view_;
  }
  size_t records() const { return records_; }

 private:
  std::unique_ptr<kafka::Consumer> consumer_;
  CountView view_;
  size_t records_ = 0;
};

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("sluice-it-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace sluice::test
