#include "kafka/mock_cluster.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "kafka/conf.h"

namespace sluice::kafka {

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
