// Exactly-once against a real Kafka cluster (SLUICE_TEST_BOOTSTRAP=host:port): two `sluice run`
// processes under exactly_once_v2, one killed with SIGKILL mid-stream; a read_committed reader
// of the output must see exactly the brute-force counts (no loss, no double counting). The mock
// cluster cannot show this (it drops transactional offsets and shows aborted records), so the
// test is skipped without a real cluster.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "child_process.h"
#include "kafka/admin_client.h"
#include "kafka/producer.h"
#include "kafka/repartition_purger.h"
#include "runtime_support.h"

namespace sluice::test {
namespace {

TEST(RealKafka, ExactlyOnceSurvivesSigkillWithExactCounts) {
  const char* bootstrap_env = std::getenv("SLUICE_TEST_BOOTSTRAP");
  if (!bootstrap_env || !*bootstrap_env) {
    GTEST_SKIP() << "SLUICE_TEST_BOOTSTRAP is not set: no real Kafka to test exactly-once against";
  }
  const std::string bootstrap = bootstrap_env;
  const std::string suffix = std::to_string(std::random_device{}());
  const std::string app = "sluice-it-" + suffix;
  const std::string input = "sluice-it-tags-" + suffix;
  const std::string output = "sluice-it-counts-" + suffix;
  {
    kafka::Conf c;
    c.set("bootstrap.servers", bootstrap);
    kafka::AdminClient admin(std::move(c));
    admin.create_topics({{input, 6}, {output, 3}}, 30s);
  }
  TempDir dir;
  std::vector<std::unique_ptr<ChildProcess>> procs;
  for (int i = 0; i < 2; ++i) {
    const std::string config = (dir.path / ("p" + std::to_string(i) + ".yaml")).string();
    std::ofstream(config) << "application.id: " << app << "\n"
                          << "bootstrap.servers: " << bootstrap << "\n"
                          << "processing.guarantee: exactly_once_v2\n"
                          << "commit.interval.ms: 200\n"
                          << "state.dir: " << (dir.path / ("s" + std::to_string(i))).string()
                          << "\n";
    procs.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{sluice_binary(), "run", "--config", config, "--builtin",
                                 "country_window_count", "--input", input, "--output", output,
                                 "--status-interval-ms", "300"},
        true));
  }
  std::vector<Tag> all = generate_tags(3000, 41);
  produce_tags(bootstrap, all, input);
  std::this_thread::sleep_for(5s);  // the group forms and both process
  auto more = generate_tags(3000, 42, 3000);
  produce_tags(bootstrap, more, input);
  all.insert(all.end(), more.begin(), more.end());
  std::this_thread::sleep_for(300ms);
  procs[1]->signal(SIGKILL);
  more = generate_tags(3000, 43, 6000);
  produce_tags(bootstrap, more, input);
  all.insert(all.end(), more.begin(), more.end());

  const CountView expected = brute_force(all);
  UpsertView view(bootstrap, output, /*read_committed=*/true);
  EXPECT_EQ(view.wait_for(expected, 180s), expected);
  procs[0]->signal(SIGTERM);
  EXPECT_EQ(procs[0]->wait(60s), 0);
}

// The purge the mock cannot show: committed repartition records are deleted, the rest stay.
TEST(RealKafka, RepartitionPurgerDeletesCommittedRecords) {
  const char* bootstrap_env = std::getenv("SLUICE_TEST_BOOTSTRAP");
  if (!bootstrap_env || !*bootstrap_env) {
    GTEST_SKIP() << "SLUICE_TEST_BOOTSTRAP is not set: no real Kafka to purge records on";
  }
  const std::string topic = "sluice-it-" + std::to_string(std::random_device{}()) + "-repartition";
  kafka::Conf conf;
  conf.set("bootstrap.servers", bootstrap_env);
  kafka::AdminClient(conf).create_topics({{topic, 1}}, 30s);
  {
    kafka::Producer producer(conf);
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(producer.send(topic, Partition(0), "k", "v", Timestamp(0), {}).ok());
    }
    ASSERT_TRUE(producer.flush(30s).ok());
  }
  kafka::detail::HandlePtr client = kafka::make_handle(RD_KAFKA_PRODUCER, conf);
  metrics::Registry metrics;
  kafka::RepartitionPurger purger(client.get(), {topic}, {.client = "it"}, metrics);
  purger.on_committed({{topic, Partition(0), Offset(6)}}, std::chrono::steady_clock::now());
  ASSERT_TRUE(purger.await_result(30s));
  EXPECT_FALSE(purger.unsupported());
  EXPECT_EQ(metrics.value("sluice_repartition_purge_failures_total", {{"client", "it"}}), 0);
  int64_t low = -1, high = -1;
  ASSERT_EQ(rd_kafka_query_watermark_offsets(client.get(), topic.c_str(), 0, &low, &high, 30000),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(low, 6);
  EXPECT_EQ(high, 10);
}

}  // namespace
}  // namespace sluice::test
