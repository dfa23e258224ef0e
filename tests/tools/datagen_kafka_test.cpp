// datagen to Kafka: every generated event arrives, keyed by its cookie, stamped with its event
// time, on the in-process mock cluster.
#include "../../tools/cli/datagen_kafka.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "../../tools/cli/datagen_allezon.h"
#include "../../tools/cli/datagen_products.h"
#include "kafka/consumer.h"
#include "kafka/mock_cluster.h"

namespace sluice::cli {
namespace {

using namespace std::chrono_literals;

TEST(DatagenKafka, JsonStringFieldFindsNestedAndMissingFields) {
  const std::string line = R"({"time":"t1","cookie":"abc","product_info":{"brand_id":"b7"}})";
  EXPECT_EQ(json_string_field(line, "cookie"), "abc");
  EXPECT_EQ(json_string_field(line, "brand_id"), "b7");
  EXPECT_EQ(json_string_field(line, "country"), "");
}

TEST(DatagenKafka, EveryEventArrivesKeyedByCookieWithItsEventTime) {
  kafka::MockCluster cluster(1);
  cluster.create_topic("ev", 3);
  AllezonOptions a;
  a.count = 2000;
  a.seed = 9;
  // The same generator, run twice: once for the expected events, once into Kafka.
  std::map<std::string, std::pair<std::string, int64_t>> expected;  // line -> (cookie, ts)
  {
    AllezonGenerator gen(a);
    std::string line;
    for (uint64_t i = 0; i < a.count; ++i) {
      line.clear();
      gen.append_next(line);
      line.pop_back();
      // Brute force: parse with nlohmann-free string search independent of json_string_field.
      const auto c = line.find("\"cookie\":\"") + 10;
      const auto t = line.find("\"time\":\"") + 8;
      expected[line] = {line.substr(c, line.find('"', c) - c),
                        parse_iso8601(line.substr(t, line.find('"', t) - t))->ms()};
    }
  }
  AllezonGenerator gen(a);
  ASSERT_TRUE(produce_lines({.bootstrap = cluster.bootstrap(), .topic = "ev", .max_speed = true},
                            a.count, [&gen](std::string& l) { gen.append_next(l); }));
  kafka::Conf c;
  c.set("bootstrap.servers", cluster.bootstrap())
      .set("group.id", "check")
      .set("auto.offset.reset", "earliest");
  kafka::Consumer consumer(std::move(c));
  consumer.subscribe({"ev"});
  std::map<std::string, std::pair<std::string, int64_t>> got;
  std::vector<kafka::MessagePtr> batch;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (got.size() < expected.size() && std::chrono::steady_clock::now() < deadline) {
    batch.clear();
    consumer.poll_batch(batch, 500, 100ms);
    for (const auto& m : batch) {
      if (m->err) continue;
      got[std::string(static_cast<const char*>(m->payload), m->len)] = {
          std::string(static_cast<const char*>(m->key), m->key_len),
          rd_kafka_message_timestamp(m.get(), nullptr)};
    }
  }
  EXPECT_EQ(got, expected);
}

// Products carry their id as a JSON number, so the key cannot come from a string field: the
// generator names it (produce_records). Expected: the id of the image the op selects, and the
// event time start + i / rate.
TEST(DatagenKafka, ProductsArriveKeyedByProductIdWithTheirEventTime) {
  kafka::MockCluster cluster(1);
  cluster.create_topic("products", 3);
  ProductsOptions p;
  p.count = 1500, p.seed = 4, p.products = 40, p.rate = 50;
  using Record = std::tuple<std::string, std::string, int64_t>;  // value, key, timestamp
  std::multiset<Record> expected;
  {
    ProductsGenerator gen(p);
    for (uint64_t i = 0; i < p.count; ++i) {
      std::string line;
      gen.append_next(line);
      line.pop_back();
      const auto j = nlohmann::json::parse(line);
      const auto& image = j.at("op") == "d" ? j.at("before") : j.at("after");
      expected.insert({line, std::to_string(image.at("id").get<int64_t>()),
                       p.start_ms + static_cast<int64_t>(i) * 20});
    }
  }
  ProductsGenerator gen(p);
  ASSERT_TRUE(
      produce_records({.bootstrap = cluster.bootstrap(), .topic = "products", .max_speed = true},
                      p.count, [&gen](KeyedLine& r) {
                        gen.append_next(r.line);
                        r.key = gen.last_key();
                        r.time_ms = gen.last_time_ms();
                      }));
  kafka::Conf c;
  c.set("bootstrap.servers", cluster.bootstrap())
      .set("group.id", "check")
      .set("auto.offset.reset", "earliest");
  kafka::Consumer consumer(std::move(c));
  consumer.subscribe({"products"});
  std::multiset<Record> got;
  std::vector<kafka::MessagePtr> batch;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (got.size() < expected.size() && std::chrono::steady_clock::now() < deadline) {
    batch.clear();
    consumer.poll_batch(batch, 500, 100ms);
    for (const auto& m : batch) {
      if (m->err) continue;
      got.insert({std::string(static_cast<const char*>(m->payload), m->len),
                  std::string(static_cast<const char*>(m->key), m->key_len),
                  rd_kafka_message_timestamp(m.get(), nullptr)});
    }
  }
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace sluice::cli
