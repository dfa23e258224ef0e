#include "kafka/mock_cluster.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "kafka/conf.h"

namespace sluice::kafka {

void apply_mock_consumer_defaults(Conf& consumer, const std::map<std::string, std::string>& user) {
  auto set_default = [&](const char* key, const char* value) {
    if (user.count(key) == 0) consumer.set(key, value);
  };
  // A commit made during a cooperative rebalance gets ILLEGAL_GENERATION, after which the
  // member drops its whole assignment (tasks closed dirty, full restores).
  set_default("partition.assignment.strategy", "range");
  // A rebalance completes only when a member that left has also timed out, so with the
  // default 45 s a restart stalls that long.
  set_default("session.timeout.ms", "6000");
  set_default("heartbeat.interval.ms", "500");
  // A fetch that found no data is held for the whole fetch.wait.max.ms (500 ms by default) and,
  // unlike a broker, not answered early when data is produced: every hop through a
  // repartition topic could wait that long. Loopback fetches are cheap.
  set_default("fetch.wait.max.ms", "10");
}

MockCluster::MockCluster(int brokers) : brokers_(brokers) {
  if (brokers < 1) throw KafkaError("mock cluster: at least one broker");
  Conf conf;
  conf.set("log_level", "3");  // the bookkeeping handle never connects anywhere
  rk_ = make_handle(RD_KAFKA_PRODUCER, std::move(conf));
  cluster_ = rd_kafka_mock_cluster_new(rk_.get(), brokers);
  if (!cluster_) throw KafkaError("mock cluster: could not start the brokers");
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
}

MockCluster::~MockCluster() {
  if (cluster_) rd_kafka_mock_cluster_destroy(cluster_);
}

void MockCluster::create_topic(const std::string& name, int partitions, int replication_factor) {
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions,
                                                       std::clamp(replication_factor, 1, brokers_));
  if (err) {
    throw KafkaError(
        fmt::format("mock cluster: creating topic '{}': {}", name, rd_kafka_err2str(err)));
  }
}

void MockCluster::set_broker_down(int32_t broker_id) {
  rd_kafka_mock_broker_set_down(cluster_, broker_id);
}

void MockCluster::set_broker_up(int32_t broker_id) {
  rd_kafka_mock_broker_set_up(cluster_, broker_id);
}

void MockCluster::push_request_errors(int16_t api_key, size_t count, rd_kafka_resp_err_t error) {
  std::vector<rd_kafka_resp_err_t> errors(count, error);
  rd_kafka_mock_push_request_errors_array(cluster_, api_key, errors.size(), errors.data());
}

}  // namespace sluice::kafka
