// The raw librdkafka rows of `sluice bench e2e`: what a plain client does with the same records,
// the ceiling a topology is compared with.
#include <fmt/core.h>

#include <chrono>
#include <fstream>
#include <random>
#include <string>

#include "bench_clock.h"
#include "bench_e2e_runs.h"
#include "kafka/consumer.h"
#include "kafka/mock_cluster.h"
#include "kafka/producer.h"

namespace sluice::cli {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::unique_ptr<kafka::Consumer> group_consumer(const std::string& bootstrap,
                                                const std::vector<std::string>& topics,
                                                const std::map<std::string, std::string>& kafka,
                                                bool read_committed) {
  kafka::Conf c;
  c.set("bootstrap.servers", bootstrap);
  c.set_all(kafka);
  c.set("group.id", fmt::format("bench-raw-{:08x}", std::random_device{}()));
  c.set("auto.offset.reset", "earliest");
  kafka::apply_mock_consumer_defaults(c, kafka);  // as the runtime's consumers on the mock
  c.set("isolation.level", read_committed ? "read_committed" : "read_uncommitted");
  auto consumer = std::make_unique<kafka::Consumer>(std::move(c));
  consumer->subscribe(topics);
  return consumer;
}

}  // namespace

namespace {

uint64_t status_bytes(const char* field) {
  std::ifstream status("/proc/self/status");
  const std::string prefix = std::string(field) + ":";
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stoull(line.substr(prefix.size())) * 1024;  // kB
  }
  return 0;
}

}  // namespace

uint64_t reset_peak_rss() {
  // "5" resets the peak RSS (VmHWM) to the current RSS (Linux >= 4.0).
  std::ofstream("/proc/self/clear_refs") << "5";
  return status_bytes("VmRSS");
}

uint64_t peak_rss_bytes() { return status_bytes("VmHWM"); }

RunResult run_consume_only(const std::string& bootstrap, const std::vector<std::string>& topics,
                           uint64_t expected, const std::map<std::string, std::string>& kafka,
                           int timeout_s) {
  RunResult r;
  r.start_rss_bytes = reset_peak_rss();
  Stopwatch cpu;
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::seconds(timeout_s);
  {
    auto consumer = group_consumer(bootstrap, topics, kafka, false);
    std::vector<kafka::MessagePtr> batch;
    uint64_t bytes = 0;  // touched, so reading is not optimized into counting
    while (r.records < expected && Clock::now() < deadline) {
      batch.clear();
      consumer->poll_batch(batch, 1000, 100ms);
      for (const auto& m : batch) {
        if (m->err) continue;
        if (r.records++ == 0) r.first_seconds = since(t0);
        bytes += m->len + m->key_len;
      }
    }
    r.processed_seconds = since(t0);
    batch.clear();      // messages before their consumer
    consumer->close();  // leaves the group: timed, as KafkaStreams::close() is in topology rows
    r.total_seconds = since(t0);
    if (bytes == 0 && expected > 0) r.error = "read no bytes";
  }
  r.cpu_seconds = cpu.cpu_seconds();
  r.peak_rss_bytes = peak_rss_bytes();
  if (r.records < expected) {
    r.error = fmt::format("read {} of {} records in {} s", r.records, expected, timeout_s);
  }
  return r;
}

RunResult run_passthrough(const std::string& bootstrap, const std::vector<std::string>& topics,
                          uint64_t expected, const std::string& output,
                          config::ProcessingGuarantee guarantee, int64_t commit_interval_ms,
                          const std::map<std::string, std::string>& kafka, int timeout_s) {
  const bool eos = guarantee == config::ProcessingGuarantee::kExactlyOnceV2;
  RunResult r;
  r.start_rss_bytes = reset_peak_rss();
  Stopwatch cpu;
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::seconds(timeout_s);
  auto fail = [&r](const Status& st) {
    if (!st.ok() && r.error.empty()) r.error = st.to_string();
  };
  {
    auto consumer = group_consumer(bootstrap, topics, kafka, eos);
    kafka::Conf pc;
    pc.set("bootstrap.servers", bootstrap);
    pc.set_all(kafka);
    if (eos) pc.set("transactional.id", fmt::format("bench-raw-{:08x}", std::random_device{}()));
    kafka::Producer producer(std::move(pc));
    // As the runtime's producers do: the first records need not wait for the topic's metadata.
    fail(producer.prepare_topics({output}, 30s));
    if (eos) {
      producer.init_transactions(30s);
      fail(producer.begin_transaction());
    }
    // Next offset per input partition, committed at each interval.
    std::map<std::pair<std::string, int32_t>, int64_t> positions;
    auto commit = [&](bool reopen) {
      std::vector<kafka::TopicPartitionOffset> offsets;
      for (const auto& [tp, next] : positions)
        offsets.push_back({tp.first, Partition(tp.second), Offset(next)});
      if (eos) {
        if (!offsets.empty()) {
          auto list = kafka::to_partition_list(offsets);
          auto group = consumer->group_metadata();
          fail(producer.send_offsets_to_transaction(list.get(), group.get(), 30s));
        }
        fail(producer.commit_transaction(30s));
        if (reopen) fail(producer.begin_transaction());
      } else {
        fail(producer.flush(30s));
        if (!offsets.empty()) {
          auto outcome = consumer->commit_sync(offsets);
          if (!outcome.ok()) fail(outcome.status());
        }
      }
      ++r.commits;
    };
    std::vector<kafka::MessagePtr> batch;
    auto last_commit = Clock::now();
    while (r.records < expected && Clock::now() < deadline && r.error.empty()) {
      batch.clear();
      consumer->poll_batch(batch, 1000, 100ms);
      for (const auto& m : batch) {
        if (m->err) continue;
        if (r.records++ == 0) r.first_seconds = since(t0);
        const std::string_view key(static_cast<const char*>(m->key), m->key ? m->key_len : 0);
        std::optional<std::string_view> value;
        if (m->payload) value = std::string_view(static_cast<const char*>(m->payload), m->len);
        fail(producer.send(output, Partition(m->partition), key, value,
                           Timestamp(rd_kafka_message_timestamp(m.get(), nullptr))));
        positions[{rd_kafka_topic_name(m->rkt), m->partition}] = m->offset + 1;
      }
      producer.poll();
      if (Clock::now() - last_commit >= std::chrono::milliseconds(commit_interval_ms)) {
        commit(true);
        last_commit = Clock::now();
      }
    }
    r.processed_seconds = since(t0);
    if (r.error.empty()) commit(false);
    if (r.error.empty() && producer.delivered() < r.records) {
      r.error = fmt::format("{} of {} records delivered", producer.delivered(), r.records);
    }
    batch.clear();
    consumer->close();  // leaves the group: timed, as KafkaStreams::close() is in topology rows
    r.total_seconds = since(t0);
  }
  r.cpu_seconds = cpu.cpu_seconds();
  r.peak_rss_bytes = peak_rss_bytes();
  if (r.error.empty() && r.records < expected) {
    r.error = fmt::format("read {} of {} records in {} s", r.records, expected, timeout_s);
  }
  return r;
}

}  // namespace sluice::cli
