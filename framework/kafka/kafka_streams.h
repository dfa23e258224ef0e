// KafkaStreams: runs a Topology on a Kafka consumer group, as Kafka Streams' KafkaStreams
// does. application.id is the group id and the prefix of every internal topic. start() checks
// the source topics, creates the internal topics (repartition and changelog topics; through the
// Admin API, or MockCluster::create_topic for the embedded broker, which lacks CreateTopics)
// and starts num.stream.threads StreamThreads. close() stops polling, commits, closes tasks
// (writing checkpoints) and leaves the group.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "config/application_config.h"
#include "kafka/mock_cluster.h"
#include "kafka/runtime_stats.h"
#include "kafka/stream_thread.h"
#include "kafka/topology_layout.h"
#include "metrics/registry.h"
#include "topology/topology.h"

namespace sluice::kafka {

struct KafkaStreamsOptions {
  // The embedded broker, when the application runs on one; internal topics are then created
  // through it. Default: none (a real cluster at bootstrap.servers).
  MockCluster* embedded = nullptr;
  std::chrono::milliseconds poll_timeout{100};  // default 100 ms
  size_t max_poll_records = 1000;               // default 1000
};

class KafkaStreams {
 public:
  // `topology` must outlive this object. Throws KafkaError for an unusable configuration.
  KafkaStreams(const Topology& topology, config::ApplicationConfig config,
               KafkaStreamsOptions options = {});
  ~KafkaStreams();
  KafkaStreams(const KafkaStreams&) = delete;
  KafkaStreams& operator=(const KafkaStreams&) = delete;

  // Plans the layout, creates internal topics, starts the threads. Throws KafkaError.
  void start();
  // Asks every thread to stop (safe from any thread; not from a signal handler).
  void request_stop() { stop_.store(true); }
  // request_stop() and waits for the threads: commit, checkpoints, leave the group.
  void close();
  // True while at least one thread runs.
  bool running() const;
  // The first thread failure, or ok.
  Status status() const;

  const TopologyLayout& layout() const { return layout_; }
  const RuntimeStats& stats() const { return stats_; }
  // exactly_once_v2: the transactional.id of each thread's producer (empty otherwise).
  const std::vector<std::string>& transactional_ids() const { return transactional_ids_; }
  metrics::Registry& metrics() { return metrics_; }

 private:
  void create_internal_topics(AdminClient& admin, const std::map<std::string, int>& existing);

  const Topology& topology_;
  config::ApplicationConfig config_;
  KafkaStreamsOptions options_;
  TopologyLayout layout_;
  RuntimeStats stats_;
  metrics::Registry metrics_;  // after stats_: it reads stats_ until it is gone
  std::atomic<bool> stop_{false};
  std::vector<std::unique_ptr<StreamThread>> threads_;
  std::vector<std::string> transactional_ids_;
  bool closed_ = false;
};

}  // namespace sluice::kafka
