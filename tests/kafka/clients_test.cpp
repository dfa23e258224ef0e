// The librdkafka wrappers against the in-process mock cluster (real protocol on loopback).
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "kafka/admin_client.h"
#include "kafka/consumer.h"
#include "kafka/mock_cluster.h"
#include "kafka/producer.h"

namespace sluice::kafka {
namespace {

using namespace std::chrono_literals;

Conf client_conf(const MockCluster& cluster) {
  Conf c;
  c.set("bootstrap.servers", cluster.bootstrap());
  return c;
}

struct Recorded : RebalanceListener {
  std::set<TopicPartition> assigned;
  int revocations = 0;
  std::vector<TopicPartitionOffset> on_assigned(const std::vector<TopicPartition>& p) override {
    assigned.insert(p.begin(), p.end());
    return {};
  }
  void on_revoked(const std::vector<TopicPartition>& p) override {
    ++revocations;
    for (const auto& tp : p) assigned.erase(tp);
  }
};

TEST(Conf, SetAllForSkipsTheOtherClientKindsKeysAndKeepsTheRest) {
  const std::map<std::string, std::string> entries = {
      {"linger.ms", "7"}, {"session.timeout.ms", "7000"}, {"client.id", "mine"}};
  Conf producer;
  producer.set_all_for(RD_KAFKA_PRODUCER, entries);
  EXPECT_EQ(producer.get("linger.ms"), "7");
  EXPECT_EQ(producer.get("client.id"), "mine");
  EXPECT_NE(producer.get("session.timeout.ms"), "7000") << "a consumer key reached the producer";
  Conf consumer;
  consumer.set_all_for(RD_KAFKA_CONSUMER, entries);
  EXPECT_EQ(consumer.get("session.timeout.ms"), "7000");
  EXPECT_EQ(consumer.get("client.id"), "mine");
  EXPECT_NE(consumer.get("linger.ms"), "7") << "a producer key reached the consumer";
  EXPECT_THROW(Conf().set_all_for(RD_KAFKA_CONSUMER, {{"no.such.key", "1"}}), KafkaError);
}

TEST(Conf, RejectsUnknownKeyNamingIt) {
  Conf c;
  try {
    c.set("no.such.key", "1");
    FAIL() << "expected KafkaError";
  } catch (const KafkaError& e) {
    EXPECT_NE(std::string(e.what()).find("no.such.key"), std::string::npos) << e.what();
  }
  c.set("linger.ms", "7");
  EXPECT_EQ(c.get("linger.ms"), "7");
}

TEST(Conf, RejectsBadValueNamingKey) {
  Conf c;
  EXPECT_THROW(c.set("linger.ms", "not-a-number"), KafkaError);
}

TEST(AdminClient, ReportsPartitionCountsOfMockTopics) {
  MockCluster cluster(1);
  cluster.create_topic("three", 3);
  cluster.create_topic("seven", 7);
  AdminClient admin(client_conf(cluster));
  EXPECT_EQ(admin.partition_count("three", 5s), 3);
  EXPECT_EQ(admin.partition_count("seven", 5s), 7);
  EXPECT_EQ(admin.partition_count("absent", 5s), std::nullopt);
}

TEST(ProducerConsumer, EveryProducedRecordIsConsumedOnceWithItsKeyAndPartition) {
  MockCluster cluster(3);
  cluster.create_topic("events", 4);
  std::mt19937 rng(7);
  std::multiset<std::tuple<int, std::string, std::string, int64_t>> sent;
  {
    Producer producer(client_conf(cluster));
    for (int i = 0; i < 2000; ++i) {
      const int p = static_cast<int>(rng() % 4);
      std::string key = "k" + std::to_string(rng() % 50);
      std::string value = "v" + std::to_string(i);
      const int64_t ts = 1'700'000'000'000 + i;
      ASSERT_TRUE(producer.send("events", Partition(p), key, value, Timestamp(ts)).ok());
      sent.emplace(p, key, value, ts);
    }
    ASSERT_TRUE(producer.flush(10s).ok());
    EXPECT_EQ(producer.delivered(), 2000u);
    EXPECT_EQ(producer.failed(), 0u);
  }
  Conf cc = client_conf(cluster);
  cc.set("group.id", "g1").set("auto.offset.reset", "earliest");
  Recorded listener;
  Consumer consumer(std::move(cc), &listener);
  consumer.subscribe({"events"});
  std::multiset<std::tuple<int, std::string, std::string, int64_t>> got;
  std::vector<MessagePtr> batch;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (got.size() < sent.size() && std::chrono::steady_clock::now() < deadline) {
    batch.clear();
    consumer.poll_batch(batch, 500, 100ms);
    for (const auto& m : batch) {
      if (m->err) continue;
      got.emplace(m->partition, std::string(static_cast<const char*>(m->key), m->key_len),
                  std::string(static_cast<const char*>(m->payload), m->len),
                  rd_kafka_message_timestamp(m.get(), nullptr));
    }
  }
  EXPECT_EQ(got, sent);
  EXPECT_EQ(listener.assigned.size(), 4u);
  consumer.close();
  EXPECT_GE(listener.revocations, 1);
}

TEST(Producer, PreparedTopicsEachGetTheirOwnRecordsAndAnInvalidNameIsAnError) {
  MockCluster cluster(1);
  const std::vector<std::string> topics = {"a", "b", "c"};
  for (const auto& t : topics) cluster.create_topic(t, 2);
  std::map<std::string, std::multiset<std::string>> sent;
  {
    Producer producer(client_conf(cluster));
    ASSERT_TRUE(producer.prepare_topics(topics, 10s).ok());
    std::mt19937 rng(11);
    for (int i = 0; i < 600; ++i) {
      const std::string& topic = topics[rng() % topics.size()];
      const std::string value = topic + std::to_string(i);
      ASSERT_TRUE(producer.send(topic, Partition(i % 2), "k", value, Timestamp(i)).ok());
      sent[topic].insert(value);
    }
    // Not prepared: still sent, through a handle made on first use.
    cluster.create_topic("d", 1);
    ASSERT_TRUE(producer.send("d", std::nullopt, "k", "d0", Timestamp(0)).ok());
    sent["d"].insert("d0");
    // librdkafka refuses a name over 512 bytes when it makes the handle.
    Status bad = producer.send(std::string(600, 'x'), std::nullopt, "k", "v", Timestamp(0));
    EXPECT_FALSE(bad.ok());
    ASSERT_TRUE(producer.flush(10s).ok());
    EXPECT_EQ(producer.delivered(), 601u);
  }
  Conf cc = client_conf(cluster);
  cc.set("group.id", "prepared").set("auto.offset.reset", "earliest");
  Consumer consumer(std::move(cc));
  consumer.subscribe({"a", "b", "c", "d"});
  std::map<std::string, std::multiset<std::string>> got;
  std::vector<MessagePtr> batch;
  size_t n = 0;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (n < 601 && std::chrono::steady_clock::now() < deadline) {
    batch.clear();
    consumer.poll_batch(batch, 500, 100ms);
    for (const auto& m : batch) {
      if (m->err) continue;
      ++n;
      got[rd_kafka_topic_name(m->rkt)].emplace(static_cast<const char*>(m->payload), m->len);
    }
  }
  EXPECT_EQ(got, sent);
}

TEST(Consumer, WakeupEndsAPollWaitingOnAnotherThread) {
  MockCluster cluster(1);
  cluster.create_topic("quiet", 1);
  Conf cc = client_conf(cluster);
  cc.set("group.id", "wakeup");
  Consumer consumer(std::move(cc));
  consumer.subscribe({"quiet"});
  ASSERT_TRUE(consumer.prepare_topics({"quiet"}, 10s).ok());
  std::atomic<bool> returned{false};
  std::thread poller([&] {
    std::vector<MessagePtr> batch;
    // Nothing will arrive: only wakeup() can end this poll before its two minutes.
    while (batch.empty() || batch.front()->err) {
      batch.clear();
      consumer.poll_batch(batch, 10, std::chrono::minutes(2));
      if (batch.empty()) break;
    }
    returned = true;
  });
  std::this_thread::sleep_for(200ms);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!returned && std::chrono::steady_clock::now() < deadline) {
    consumer.wakeup();
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(returned.load()) << "poll_batch did not return after wakeup()";
  poller.join();
}

TEST(Consumer, CommittedOffsetsAreReadBackAndWatermarksMatchProduced) {
  MockCluster cluster(1);
  cluster.create_topic("t", 2);
  {
    Producer producer(client_conf(cluster));
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(producer.send("t", Partition(i % 2), "k", "v", Timestamp(i)).ok());
    }
    ASSERT_TRUE(producer.flush(10s).ok());
  }
  Conf cc = client_conf(cluster);
  cc.set("group.id", "g2");
  Consumer consumer(std::move(cc));
  auto wm = consumer.watermarks("t", Partition(1), 5s);
  ASSERT_TRUE(wm.ok()) << wm.status().to_string();
  EXPECT_EQ(wm->first.value(), 0);
  EXPECT_EQ(wm->second.value(), 15);
  ASSERT_TRUE(
      consumer.commit_sync({{"t", Partition(0), Offset(4)}, {"t", Partition(1), Offset(9)}}).ok());
  auto committed = consumer.committed({{"t", Partition(0)}, {"t", Partition(1)}}, 5s);
  ASSERT_TRUE(committed.ok()) << committed.status().to_string();
  ASSERT_EQ(committed->size(), 2u);
  EXPECT_EQ((*committed)[0].offset.value(), 4);
  EXPECT_EQ((*committed)[1].offset.value(), 9);
}

TEST(Consumer, AssignedConsumerReadsFromTheGivenOffset) {
  MockCluster cluster(1);
  cluster.create_topic("t", 1);
  Producer producer(client_conf(cluster));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(producer.send("t", Partition(0), "k", std::to_string(i), Timestamp(i)).ok());
  }
  ASSERT_TRUE(producer.flush(10s).ok());
  Consumer consumer(client_conf(cluster));
  ASSERT_TRUE(consumer.assign({{"t", Partition(0), Offset(12)}}).ok());
  std::vector<std::string> values;
  std::vector<MessagePtr> batch;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (values.size() < 8 && std::chrono::steady_clock::now() < deadline) {
    batch.clear();
    consumer.poll_batch(batch, 100, 100ms);
    for (const auto& m : batch) {
      if (!m->err) values.emplace_back(static_cast<const char*>(m->payload), m->len);
    }
  }
  ASSERT_EQ(values.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(values[i], std::to_string(12 + i));
  EXPECT_EQ(consumer.offset_resets(), 0u);
}

// A position the broker no longer (or not yet) has is reset by auto.offset.reset, which
// librdkafka only logs: the consumer counts it, so records skipped unread can be reported.
TEST(Consumer, CountsTheFetchPositionsTheBrokerMadeItReset) {
  MockCluster cluster(1);
  cluster.create_topic("t", 2);
  Producer producer(client_conf(cluster));
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(producer.send("t", Partition(i % 2), "k", std::to_string(i), Timestamp(i)).ok());
  }
  ASSERT_TRUE(producer.flush(10s).ok());
  Conf conf = client_conf(cluster);
  conf.set("auto.offset.reset", "earliest");
  Consumer consumer(std::move(conf));
  // Partition 0 from an offset past its end (reset to the start), partition 1 from a valid one.
  ASSERT_TRUE(
      consumer.assign({{"t", Partition(0), Offset(100)}, {"t", Partition(1), Offset(2)}}).ok());
  size_t received = 0;
  std::vector<MessagePtr> batch;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (received < 5 + 3 && std::chrono::steady_clock::now() < deadline) {
    batch.clear();
    consumer.poll_batch(batch, 100, 100ms);
    for (const auto& m : batch) received += m->err ? 0 : 1;
  }
  EXPECT_EQ(received, 8u);
  EXPECT_EQ(consumer.offset_resets(), 1u);
}

// librdkafka 2.0.2's mock cluster and the cooperative-sticky assignor: a second member joining
// takes over part of the partitions incrementally (the first keeps the rest, no full revoke).
TEST(Consumer, CooperativeStickyRebalanceMovesOnlySomePartitionsOnTheMock) {
  MockCluster cluster(1);
  cluster.create_topic("coop", 6);
  auto conf = [&] {
    Conf c = client_conf(cluster);
    c.set("group.id", "coop-group")
        .set("partition.assignment.strategy", "cooperative-sticky")
        .set("session.timeout.ms", "6000")
        .set("heartbeat.interval.ms", "500");
    return c;
  };
  Recorded first_listener;
  Consumer first(conf(), &first_listener);
  first.subscribe({"coop"});
  std::vector<MessagePtr> batch;
  auto pump = [&](Consumer& c) {
    batch.clear();
    c.poll_batch(batch, 10, 50ms);
  };
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (first_listener.assigned.size() < 6 && std::chrono::steady_clock::now() < deadline) {
    pump(first);
  }
  ASSERT_EQ(first_listener.assigned.size(), 6u);
  Recorded second_listener;
  Consumer second(conf(), &second_listener);
  second.subscribe({"coop"});
  deadline = std::chrono::steady_clock::now() + 30s;
  while ((second_listener.assigned.empty() ||
          first_listener.assigned.size() + second_listener.assigned.size() != 6) &&
         std::chrono::steady_clock::now() < deadline) {
    pump(first);
    pump(second);
  }
  EXPECT_EQ(first_listener.assigned.size() + second_listener.assigned.size(), 6u);
  EXPECT_FALSE(second_listener.assigned.empty());
  EXPECT_FALSE(first_listener.assigned.empty()) << "cooperative: the first member keeps some";
  batch.clear();  // messages go before the consumer that polled them
  // Closing revokes through the listener. librdkafka 2.0.2 crashed (1 run in 20) or hung here
  // when the rebalance callback asked it for the protocol during close (#4041).
  second.close();
  first.close();
  EXPECT_TRUE(second_listener.assigned.empty());
  EXPECT_TRUE(first_listener.assigned.empty());
}

}  // namespace
}  // namespace sluice::kafka
