// The Kafka runtime under broker faults injected through the mock API: a broker down for two
// seconds and back, produce requests and offset commits failing with retriable errors.
// Processing resumes and, with no process crash, the counts stay exactly brute force.
#include <gtest/gtest.h>

#include <thread>

#include "kafka/kafka_streams.h"
#include "runtime_support.h"

namespace sluice::test {
namespace {

// Kafka protocol API keys (rdkafka_mock.h takes them as numbers).
constexpr int16_t kProduceApi = 0;
constexpr int16_t kOffsetCommitApi = 8;

TEST(BrokerFaults, ProcessingResumesAfterBrokerOutageAndInjectedErrorsWithNothingLost) {
  kafka::MockCluster cluster(1);
  cluster.create_topic("tags", 3);
  cluster.create_topic("counts", 3);
  const Topology topology = windowed_count_topology("counts");
  TempDir dir;
  config::ApplicationConfig config;
  config.application_id = "faults";
  config.commit_interval_ms = 200;
  config.state_dir = dir.path.string();
  kafka::KafkaStreams streams(topology, config, {.embedded = &cluster});
  streams.start();
  std::vector<Tag> all = generate_tags(1500, 31);
  produce_tags(cluster.bootstrap(), all);
  UpsertView view(cluster.bootstrap(), "counts");
  ASSERT_EQ(view.wait_for(brute_force(all), 60s), brute_force(all));

  // Retriable errors on produce requests and offset commits, injected once the input is in,
  // so the runtime's own requests (outputs, repartition, changelogs, commits) take them.
  auto more = generate_tags(1500, 32, 1500);
  produce_tags(cluster.bootstrap(), more);
  cluster.push_request_errors(kProduceApi, 4, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
  cluster.push_request_errors(kOffsetCommitApi, 2, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS);
  all.insert(all.end(), more.begin(), more.end());
  ASSERT_EQ(view.wait_for(brute_force(all), 60s), brute_force(all));

  // The only broker goes down for two seconds while input keeps arriving.
  more = generate_tags(1500, 33, 3000);
  std::thread outage([&] {
    cluster.set_broker_down(1);
    std::this_thread::sleep_for(2s);
    cluster.set_broker_up(1);
  });
  produce_tags(cluster.bootstrap(), more);
  outage.join();
  all.insert(all.end(), more.begin(), more.end());
  EXPECT_EQ(view.wait_for(brute_force(all), 90s), brute_force(all));
  streams.close();
  EXPECT_TRUE(streams.status().ok()) << streams.status().to_string();
}

}  // namespace
}  // namespace sluice::test
