// Cooperative-sticky assignment with co-partitioned sources: the group assigns one source per
// sub-topology and the others follow it. Two instances of the product enrichment topology
// (a stream-table join behind a repartition topic) share the work, and every order item is
// joined with its product: a task that did not read its table partition would emit empty
// product fields. Whether the first instance keeps its tasks through the rebalance is reported,
// not asserted: on librdkafka 2.0.2's mock a commit that falls into the rebalance window gets
// ILLEGAL_GENERATION, after which librdkafka treats the whole assignment as lost.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "kafka/kafka_streams.h"
#include "kafka/mock_cluster.h"
#include "runtime_support.h"
#include "yaml/topology_file.h"

namespace sluice::test {
namespace {

config::ApplicationConfig enrichment_config(const std::string& state_dir) {
  config::ApplicationConfig c;
  c.application_id = "coop";
  c.num_stream_threads = 1;
  c.commit_interval_ms = 200;
  c.state_dir = state_dir;
  // The embedded broker defaults to range (see KafkaStreams::start); this test is about the
  // cooperative protocol.
  c.kafka["partition.assignment.strategy"] = "cooperative-sticky";
  if (const char* debug = std::getenv("KAFKA_DEBUG")) c.kafka["debug"] = debug;
  return c;
}

// Tests run from the source root (see child_process.h).
std::string topology_path() { return "topologies/product_enrichment.yaml"; }

TEST(CooperativeRebalance, TwoInstancesSplitTheTasksAndCoPartitionedInputsStayTogether) {
  kafka::MockCluster cluster(1);
  cluster.create_topic("orders", 4);
  cluster.create_topic("mysql.pizzashop.products", 4);
  cluster.create_topic("enriched-order-items", 4);
  const yaml::TopologyFile file = yaml::load_topology_file(topology_path());

  // Products first: the join is a left join, so an order must not overtake its product.
  std::map<std::string, std::string> names;
  kafka::Conf pc;
  pc.set("bootstrap.servers", cluster.bootstrap()).set("linger.ms", "5");
  kafka::Producer producer(std::move(pc));
  for (int i = 0; i < 60; ++i) {
    const std::string id = "p" + std::to_string(i);
    names[id] = "product " + std::to_string(i * 7);
    nlohmann::json after = {{"id", id}, {"name", names[id]}, {"category", "c"}, {"price", 1.5}};
    nlohmann::json envelope = {{"before", nullptr}, {"after", after}, {"op", "c"}};
    ASSERT_TRUE(
        producer.send("mysql.pizzashop.products", std::nullopt, id, envelope.dump(), Timestamp(kT0))
            .ok());
  }
  ASSERT_TRUE(producer.flush(30s).ok());

  TempDir dir_a;
  TempDir dir_b;
  kafka::KafkaStreams a(file.topology, enrichment_config(dir_a.path.string()),
                        {.embedded = &cluster});
  a.start();
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (a.stats().records_processed.load() < 60 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_GE(a.stats().records_processed.load(), 60u) << "products never processed";
  ASSERT_EQ(a.stats().active_tasks.load(), 8) << "one instance owns all 8 tasks";

  kafka::KafkaStreams b(file.topology, enrichment_config(dir_b.path.string()),
                        {.embedded = &cluster});
  b.start();
  while ((a.stats().active_tasks.load() + b.stats().active_tasks.load() != 8 ||
          b.stats().active_tasks.load() == 0) &&
         std::chrono::steady_clock::now() < deadline + 60s) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GT(b.stats().active_tasks.load(), 0) << "the joining instance got no task";
  EXPECT_GT(a.stats().active_tasks.load(), 0) << "the first instance kept no task";
  std::printf("cooperative: first instance kept %ld tasks, closed %lu, created %lu\n",
              static_cast<long>(a.stats().active_tasks.load()),
              static_cast<unsigned long>(a.stats().tasks_closed.load()),
              static_cast<unsigned long>(a.stats().tasks_created.load()));

  // Orders: each item names a product; its enriched record must carry that product's name.
  std::mt19937_64 rng(5);
  std::multiset<std::pair<std::string, std::string>> expected;  // (order id, product name)
  for (int i = 0; i < 400; ++i) {
    const std::string id = "o" + std::to_string(i);
    nlohmann::json items = nlohmann::json::array();
    for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) {
      const std::string pid = "p" + std::to_string(rng() % 60);
      items.push_back(
          {{"productId", pid}, {"quantity", 1 + static_cast<int>(rng() % 4)}, {"price", 2.0}});
      expected.insert({id, names[pid]});
    }
    nlohmann::json order = {
        {"id", id},        {"userId", "u"}, {"createdAt", "2022-03-22T12:15:00.000Z"},
        {"status", "NEW"}, {"price", 1.0},  {"items", items}};
    ASSERT_TRUE(producer.send("orders", std::nullopt, id, order.dump(), Timestamp(kT0)).ok());
  }
  ASSERT_TRUE(producer.flush(30s).ok());

  kafka::Conf cc;
  cc.set("bootstrap.servers", cluster.bootstrap());
  kafka::Consumer consumer(std::move(cc));
  std::vector<kafka::TopicPartitionOffset> parts;
  for (int p = 0; p < 4; ++p) parts.push_back({"enriched-order-items", Partition(p), Offset(0)});
  ASSERT_TRUE(consumer.assign(parts).ok());
  std::multiset<std::pair<std::string, std::string>> got;
  std::vector<kafka::MessagePtr> batch;
  const auto read_deadline = std::chrono::steady_clock::now() + 60s;
  while (got.size() < expected.size() && std::chrono::steady_clock::now() < read_deadline) {
    batch.clear();
    consumer.poll_batch(batch, 1000, 100ms);
    for (const auto& m : batch) {
      if (m->err || !m->payload) continue;
      auto j =
          nlohmann::json::parse(std::string_view(static_cast<const char*>(m->payload), m->len));
      got.insert({j.at("orderId").get<std::string>(), j.value("productName", std::string())});
    }
  }
  batch.clear();
  EXPECT_EQ(got, expected);
  a.close();
  b.close();
  EXPECT_TRUE(a.status().ok()) << a.status().to_string();
  EXPECT_TRUE(b.status().ok()) << b.status().to_string();
}

}  // namespace
}  // namespace sluice::test
