// MockCluster: librdkafka's in-process mock Kafka cluster (rdkafka_mock.h), listening on
// loopback and speaking the real protocol, so any client can use it. It owns a dedicated
// rd_kafka_t handle that the mock needs for its bookkeeping. Limits of librdkafka 2.0.2's mock:
// in memory; at most 5 MiB or 100,000 message sets kept per partition (oldest dropped); no
// compaction; no CreateTopics (create_topic() here instead); aborted transactions stay visible
// to read_committed consumers. Thread-safe as the mock API is.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <map>
#include <string>

#include "kafka/conf.h"
#include "kafka/detail/handles.h"

namespace sluice::kafka {

// The group-consumer settings a client of the mock needs, each applied only where `user` (the
// application's `kafka:` map) does not set it: the eager range assignor, a 6 s session and a
// 10 ms fetch wait (the reasons are in mock_cluster.cpp). The runtime applies them on its
// embedded broker; the benchmarks' raw clients use the same.
void apply_mock_consumer_defaults(Conf& consumer, const std::map<std::string, std::string>& user);

class MockCluster {
 public:
  explicit MockCluster(int brokers = 1);  // throws KafkaError
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // "127.0.0.1:port[,...]": what clients put in bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }
  // Creates a topic (replication capped at the broker count). Throws KafkaError.
  void create_topic(const std::string& name, int partitions, int replication_factor = 1);
  // Fault injection (broker ids start at 1).
  void set_broker_down(int32_t broker_id);
  void set_broker_up(int32_t broker_id);
  // The next `count` requests of `api_key` (e.g. RD_KAFKA_PRODUCE) fail with `error`.
  void push_request_errors(int16_t api_key, size_t count, rd_kafka_resp_err_t error);
  int brokers() const { return brokers_; }
  rd_kafka_mock_cluster_t* raw() { return cluster_; }

 private:
  detail::HandlePtr rk_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;  // owned; destroyed before rk_
  int brokers_;
  std::string bootstrap_;
};

}  // namespace sluice::kafka
