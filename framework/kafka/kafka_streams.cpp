#include "kafka/kafka_streams.h"

#include <fmt/format.h>

#include <random>
#include <thread>

#include "kafka/admin_client.h"

namespace sluice::kafka {

namespace {
constexpr auto kAdminTimeout = std::chrono::seconds(30);
}

KafkaStreams::KafkaStreams(const Topology& topology, config::ApplicationConfig config,
                           KafkaStreamsOptions options)
    : topology_(topology), config_(std::move(config)), options_(options) {
  if (config_.application_id.empty()) throw KafkaError("application.id is required");
  if ((config_.bootstrap_servers.empty() || config_.bootstrap_servers == "embedded") &&
      options_.embedded) {
    config_.bootstrap_servers = options_.embedded->bootstrap();
  }
  if (config_.bootstrap_servers.empty()) throw KafkaError("bootstrap.servers is required");
  if (config_.num_stream_threads < 1) throw KafkaError("num.stream.threads must be at least 1");
  expose_runtime_stats(metrics_, stats_, config_.application_id);
}

KafkaStreams::~KafkaStreams() { close(); }

void KafkaStreams::create_internal_topics(AdminClient& admin,
                                          const std::map<std::string, int>& existing) {
  std::vector<NewTopic> missing;
  for (const auto& t : layout_.internal_topics) {
    auto it = existing.find(t.name);
    if (it == existing.end()) {
      missing.push_back(t);
    } else if (it->second != t.partitions) {
      throw KafkaError(fmt::format("internal topic '{}' has {} partitions, the topology needs {}",
                                   t.name, it->second, t.partitions));
    }
  }
  if (missing.empty()) return;
  if (options_.embedded) {
    for (const auto& t : missing) options_.embedded->create_topic(t.name, t.partitions);
  } else {
    admin.create_topics(missing, kAdminTimeout);
  }
  // Metadata is eventually consistent on real clusters: wait until every topic is visible.
  const auto deadline = std::chrono::steady_clock::now() + kAdminTimeout;
  for (;;) {
    auto topics = admin.list_topics(kAdminTimeout);
    bool all = true;
    for (const auto& t : missing) all = all && topics.count(t.name);
    if (all) return;
    if (std::chrono::steady_clock::now() > deadline) {
      throw KafkaError("internal topics were created but never became visible");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void KafkaStreams::start() {
  // The `kafka:` map goes to each client minus the other kind's keys (librdkafka would warn).
  Conf base;
  base.set("bootstrap.servers", config_.bootstrap_servers);
  Conf consumer_base = base;
  consumer_base.set_all_for(RD_KAFKA_CONSUMER, config_.kafka);
  base.set_all_for(RD_KAFKA_PRODUCER, config_.kafka);
  AdminClient admin(base);
  const auto existing = admin.list_topics(kAdminTimeout);
  layout_ = plan_layout(
      topology_, config_.application_id, existing,
      {.window_changelog_additional_retention = config_.window_changelog_additional_retention_ms});
  create_internal_topics(admin, existing);

  runtime::TaskOptions task_options;
  task_options.application_id = config_.application_id;
  task_options.state_dir = config_.state_dir;
  task_options.internal_topic_prefix = layout_.internal_prefix();
  task_options.cache_max_bytes = static_cast<size_t>(std::max<int64_t>(0, config_.cache_max_bytes));
  task_options.dead_letter_topic = config_.dead_letter_topic.empty()
                                       ? config_.application_id + "-dead-letters"
                                       : config_.dead_letter_topic;

  const std::string process_id = fmt::format("{:08x}", std::random_device{}());
  for (int i = 0; i < config_.num_stream_threads; ++i) {
    const std::string client = fmt::format("{}-StreamThread-{}", config_.application_id, i + 1);
    Conf consumer = consumer_base;
    consumer.set("group.id", config_.application_id);
    consumer.set("client.id", client + "-consumer");
    if (config_.kafka.count("auto.offset.reset") == 0)
      consumer.set("auto.offset.reset", "earliest");
    // Cooperative rebalancing moves only the partitions that must move. The group assigns one
    // source per sub-topology; the co-partitioned others follow it (StreamThread::companions),
    // so any assignor keeps a task's inputs together. The embedded broker (librdkafka 2.0.2's
    // mock) needs other defaults, the eager range assignor among them.
    if (options_.embedded) {
      apply_mock_consumer_defaults(consumer, config_.kafka);
    } else if (config_.kafka.count("partition.assignment.strategy") == 0) {
      consumer.set("partition.assignment.strategy", "cooperative-sticky");
    }
    Conf producer = base;
    producer.set("client.id", client + "-producer");
    const bool eos = config_.processing_guarantee == config::ProcessingGuarantee::kExactlyOnceV2;
    if (eos) {
      // EOS v2: one transactional producer per thread; zombies are fenced through the consumer
      // group generation (send_offsets_to_transaction), so the id only needs to be unique.
      transactional_ids_.push_back(
          fmt::format("{}-{}-{}", config_.application_id, process_id, i + 1));
      producer.set("transactional.id", transactional_ids_.back());
      consumer.set("isolation.level", "read_committed");
    }
    Conf restore = consumer_base;
    restore.set("client.id", client + "-restore-consumer");
    restore.set("group.id", config_.application_id + "-restore");
    // Restore reads up to a known offset: do not let the broker hold a fetch for more data.
    restore.set("fetch.wait.max.ms", "10");
    if (eos) restore.set("isolation.level", "read_committed");
    StreamThreadOptions thread_options;
    thread_options.index = i + 1;
    thread_options.client = client;
    thread_options.commit_interval = std::chrono::milliseconds(config_.commit_interval_ms);
    thread_options.poll_timeout = options_.poll_timeout;
    thread_options.max_poll_records = options_.max_poll_records;
    thread_options.exactly_once = eos;
    thread_options.repartition_purge_interval =
        std::chrono::milliseconds(config_.repartition_purge_interval_ms);
    thread_options.embedded_broker = options_.embedded != nullptr;
    threads_.push_back(std::make_unique<StreamThread>(
        topology_, layout_, task_options, thread_options, std::move(consumer), std::move(producer),
        std::move(restore), metrics_, stats_, stop_));
  }
  for (auto& t : threads_) t->start();
}

void KafkaStreams::close() {
  if (closed_) return;
  closed_ = true;
  stop_.store(true);
  for (auto& t : threads_) t->wakeup();
  for (auto& t : threads_) t->join();
}

bool KafkaStreams::running() const {
  for (const auto& t : threads_) {
    if (t->running()) return true;
  }
  return false;
}

Status KafkaStreams::status() const {
  for (const auto& t : threads_) {
    Status st = t->status();
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace sluice::kafka
