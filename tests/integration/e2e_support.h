// Shared by the end-to-end tests of the shipped topologies (`*_e2e_test.cpp`): a `sluice
// broker` process holding every topic an application needs, a `sluice run` process on
// `configs/<name>.yaml topologies/<name>.yaml` with its environment, and a reader of whole
// topics. Everything goes through real processes and real clients (librdkafka) over the Kafka
// protocol; the tests run from the source root (CTest's WORKING_DIRECTORY).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "child_process.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kafka/topology_layout.h"
#include "runtime_support.h"
#include "yaml/topology_file.h"

namespace sluice::test {

using Env = std::map<std::string, std::string>;

// topologies/<name>.yaml with `env` as its only environment (the file's defaults apply to what
// `env` leaves unset), as `sluice run` sees it when given the same variables.
inline Topology load_shipped(const std::string& name, const Env& env) {
  auto lookup = [env](std::string_view var) -> std::optional<std::string> {
    auto it = env.find(std::string(var));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return yaml::load_topology_file("topologies/" + name + ".yaml", lookup).topology;
}

// `--topic NAME:PARTITIONS` arguments for every topic the application needs on a broker without
// CreateTopics: its sources (`sources`: name -> partitions), its sink topics
// (`sink_partitions` each), its dead-letter topic, and the internal topics the runtime plans
// (repartition topics and changelogs, with the partition counts it checks at startup).
inline std::vector<std::string> broker_topic_args(const Topology& topology,
                                                  const std::string& app_id,
                                                  const std::map<std::string, int>& sources,
                                                  int sink_partitions) {
  std::map<std::string, int> topics = sources;
  for (const auto& n : topology.nodes()) {
    if (n.sink && !n.sink->internal) topics.emplace(n.sink->topic, sink_partitions);
  }
  topics.emplace(app_id + "-dead-letters", 1);
  for (const auto& t : kafka::plan_layout(topology, app_id, sources).internal_topics) {
    topics.emplace(t.name, t.partitions);
  }
  std::vector<std::string> args;
  for (const auto& [name, partitions] : topics) {
    args.push_back("--topic");
    args.push_back(name + ":" + std::to_string(partitions));
  }
  return args;
}

// `sluice broker` with the given `--topic` arguments; stopped with SIGTERM when destroyed (declare
// it before the clients that use it, so they go first).
class BrokerProcess {
 public:
  explicit BrokerProcess(const std::vector<std::string>& topic_args) {
    std::vector<std::string> argv = {sluice_binary(), "broker"};
    argv.insert(argv.end(), topic_args.begin(), topic_args.end());
    process_ = std::make_unique<ChildProcess>(argv);
    auto line = process_->read_line(std::chrono::seconds(20));
    if (line && line->rfind("bootstrap: ", 0) == 0) bootstrap_ = line->substr(11);
  }
  ~BrokerProcess() {
    process_->signal(SIGTERM);
    (void)process_->wait(std::chrono::seconds(10));  // else ~ChildProcess kills it
  }
  BrokerProcess(const BrokerProcess&) = delete;
  BrokerProcess& operator=(const BrokerProcess&) = delete;
  // Empty when the broker did not start.
  const std::string& bootstrap() const { return bootstrap_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string bootstrap_;
};

// The figures of one `sluice run` status line.
struct RunStatus {
  bool valid = false;
  int64_t processed = 0;
  int64_t tasks = 0;
  int64_t sent = 0;  // records the collectors sent (sinks, repartition topics, dead letters)
  int64_t lag = 0;   // consumer lag over the assigned partitions
};

// `sluice run --config configs/<name>.yaml topologies/<name>.yaml` with BOOTSTRAP, APP_ID and
// STATE_DIR set (the shipped application files read them) and `env` for the topology's
// parameters; a status line every 200 ms on stderr, read here.
class RunProcess {
 public:
  RunProcess(const std::string& name, const std::string& bootstrap, const std::string& app_id,
             const std::string& state_dir, const Env& env) {
    std::vector<std::string> argv = {"env", "BOOTSTRAP=" + bootstrap, "APP_ID=" + app_id,
                                     "STATE_DIR=" + state_dir};
    for (const auto& [k, v] : env) argv.push_back(k + "=" + v);
    for (std::string a : {sluice_binary(), std::string("run"), std::string("--config"),
                          "configs/" + name + ".yaml", "topologies/" + name + ".yaml",
                          std::string("--status-interval-ms"), std::string("200")}) {
      argv.push_back(std::move(a));
    }
    process_ = std::make_unique<ChildProcess>(argv, /*merge_stderr=*/true);
  }

  // Reads output until a status line satisfies `done` or `timeout` passes; returns the last
  // status line seen (invalid when none came).
  template <class Pred>
  RunStatus wait_status(Pred done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    RunStatus last;
    while (std::chrono::steady_clock::now() < deadline) {
      auto line = process_->read_line(std::chrono::milliseconds(500));
      if (!line) {
        if (exited()) break;  // no more lines will come
        continue;
      }
      remember(*line);
      double in = 0, out = 0;
      long processed = 0, tasks = 0, restored = 0, commits = 0, sent = 0, lag = 0;
      if (std::sscanf(line->c_str(),
                      "sluice run: %lf records/s in, %ld processed, %ld tasks, %ld restored, %ld "
                      "commits, %lf records/s out, %ld sent, %ld lag",
                      &in, &processed, &tasks, &restored, &commits, &out, &sent, &lag) == 8) {
        last = {true, processed, tasks, sent, lag};
        if (done(last)) break;
      }
    }
    return last;
  }
  // Waits until the group assigned `tasks` tasks to this process.
  bool wait_tasks(int64_t tasks) {
    return wait_status([&](const RunStatus& s) { return s.tasks == tasks; },
                       std::chrono::seconds(30))
               .tasks == tasks;
  }
  // Once the output is complete: the status line comes to show `sent` records sent and no lag
  // (the status line's figures checked against the test's own count).
  void expect_caught_up(int64_t sent) {
    const RunStatus s =
        wait_status([&](const RunStatus& st) { return st.sent == sent && st.lag == 0; },
                    std::chrono::seconds(10));
    EXPECT_EQ(s.sent, sent) << "records sent, as the status line counts them\n" << tail();
    EXPECT_EQ(s.lag, 0) << "consumer lag once every input record was processed\n" << tail();
  }
  // SIGTERM, then drains the output; the exit code, or nullopt when still running after 30 s.
  std::optional<int> stop() {
    if (exited()) return exit_code_;  // it stopped by itself: not a clean stop on SIGTERM
    process_->signal(SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      auto line = process_->read_line(std::chrono::milliseconds(500));
      if (line) {
        remember(*line);
      } else if (exited()) {
        return exit_code_;
      }
    }
    return exited() ? exit_code_ : std::nullopt;
  }
  // The last lines of output (status lines and errors), for failure messages.
  std::string tail() const {
    std::string out;
    for (const auto& l : lines_) out += l + "\n";
    return out;
  }

 private:
  // Whether the process has exited (its code in exit_code_); waits briefly.
  bool exited() {
    if (!exit_code_) exit_code_ = process_->wait(std::chrono::milliseconds(20));
    return exit_code_.has_value();
  }
  void remember(const std::string& line) {
    lines_.push_back(line);
    if (lines_.size() > 20) lines_.erase(lines_.begin());
  }

  std::unique_ptr<ChildProcess> process_;
  std::optional<int> exit_code_;
  std::vector<std::string> lines_;
};

// How many entries of `expected` `got` lacks or holds with another value (upsert views).
template <class View>
size_t mismatched(const View& expected, const View& got) {
  size_t n = 0;
  for (const auto& [key, value] : expected) {
    auto it = got.find(key);
    if (it == got.end() || it->second != value) ++n;
  }
  return n;
}

inline kafka::Producer make_producer(const std::string& bootstrap) {
  kafka::Conf c;
  c.set("bootstrap.servers", bootstrap).set("linger.ms", "5");
  return kafka::Producer(std::move(c));
}

struct TopicMessage {
  std::string key;
  std::optional<std::string> value;
  int32_t partition = 0;
  int64_t timestamp = 0;
};

// Reads a topic from its start (every partition) with a consumer of its own group.
class TopicReader {
 public:
  TopicReader(const std::string& bootstrap, const std::string& topic) {
    kafka::Conf c;
    c.set("bootstrap.servers", bootstrap)
        .set("group.id", "e2e-reader-" + std::to_string(std::random_device{}()))
        .set("auto.offset.reset", "earliest");
    consumer_ = std::make_unique<kafka::Consumer>(std::move(c));
    consumer_->subscribe({topic});
  }
  ~TopicReader() {
    batch_.clear();  // messages go before their consumer
    consumer_->close();
  }
  // Polls until `done(*this)` holds (checked after each batch that brought messages) or
  // `timeout` passes; returns whether `done` held.
  template <class Pred>
  bool read_until(Pred done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool fresh = true;
    for (;;) {
      if (fresh && done(*this)) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      batch_.clear();
      consumer_->poll_batch(batch_, 1000, std::chrono::milliseconds(100));
      fresh = false;
      for (const auto& m : batch_) {
        if (m->err) continue;
        TopicMessage msg;
        if (m->key) msg.key.assign(static_cast<const char*>(m->key), m->key_len);
        if (m->payload) msg.value.emplace(static_cast<const char*>(m->payload), m->len);
        msg.partition = m->partition;
        msg.timestamp = rd_kafka_message_timestamp(m.get(), nullptr);
        latest_[msg.key] = msg.value;
        messages_.push_back(std::move(msg));
        fresh = true;
      }
    }
  }
  const std::vector<TopicMessage>& messages() const { return messages_; }
  // The upsert view: the latest value per key (nullopt: a tombstone).
  const std::map<std::string, std::optional<std::string>>& latest() const { return latest_; }

 private:
  std::unique_ptr<kafka::Consumer> consumer_;
  std::vector<kafka::MessagePtr> batch_;
  std::vector<TopicMessage> messages_;
  std::map<std::string, std::optional<std::string>> latest_;
};

// How many records `topic` holds (sum over partitions of high - low watermark).
inline int64_t topic_records(const std::string& bootstrap, const std::string& topic,
                             int partitions) {
  kafka::Conf c;
  c.set("bootstrap.servers", bootstrap);
  kafka::Consumer consumer(std::move(c));
  int64_t total = 0;
  for (int p = 0; p < partitions; ++p) {
    auto wm = consumer.watermarks(topic, Partition(p), std::chrono::seconds(5));
    EXPECT_TRUE(wm.ok()) << topic << " " << p;
    if (wm.ok()) total += wm->second.value() - wm->first.value();
  }
  return total;
}

// A number written by the JSON encoder (64-bit integers may be strings, as proto3 JSON allows).
inline double json_number(const nlohmann::json& j) {
  return j.is_string() ? std::stod(j.get<std::string>()) : j.get<double>();
}

}  // namespace sluice::test
