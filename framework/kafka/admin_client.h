// AdminClient: creates topics (partitions, replication, cleanup.policy and other configs) and
// describes them through the Kafka Admin and Metadata APIs. Startup-time only: every failure
// throws KafkaError naming the topic.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kafka/conf.h"

namespace sluice::kafka {

struct NewTopic {
  std::string name;                           // required
  int partitions = 1;                         // default: 1
  int replication_factor = -1;                // default: the broker's default
  std::map<std::string, std::string> config;  // e.g. cleanup.policy=compact; default: none
};

class AdminClient {
 public:
  explicit AdminClient(Conf conf);  // needs bootstrap.servers; throws KafkaError
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  // Creates the topics; one that already exists is not an error.
  void create_topics(const std::vector<NewTopic>& topics, std::chrono::milliseconds timeout);
  // Partition count of `topic`, or nullopt when the cluster does not know it.
  std::optional<int> partition_count(const std::string& topic, std::chrono::milliseconds timeout);
  // Partition counts of every topic the cluster knows.
  std::map<std::string, int> list_topics(std::chrono::milliseconds timeout);

 private:
  detail::HandlePtr rk_;
};

}  // namespace sluice::kafka
