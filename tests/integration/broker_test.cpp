// `sluice broker` as a separate process: kcat produces through it, librdkafka consumes.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>

#include "child_process.h"
#include "kafka/consumer.h"

namespace sluice::test {
namespace {

using namespace std::chrono_literals;

std::string start_broker(ChildProcess& broker) {
  auto line = broker.read_line(20s);
  if (!line || line->rfind("bootstrap: ", 0) != 0) return {};
  return line->substr(11);
}

TEST(BrokerCommand, KcatProducesAndLibrdkafkaConsumesEveryRecord) {
  if (std::system("command -v kcat >/dev/null 2>&1") != 0) GTEST_SKIP() << "kcat not installed";
  ChildProcess broker({sluice_binary(), "broker", "--brokers", "2", "--topic", "words:3"});
  const std::string bootstrap = start_broker(broker);
  ASSERT_FALSE(bootstrap.empty()) << "no bootstrap line";

  std::mt19937 rng(11);
  std::map<std::string, std::string> sent;  // value -> key (values are unique)
  const std::string cmd = "kcat -q -b " + bootstrap + " -t words -P -K :";
  FILE* kcat = popen(cmd.c_str(), "w");
  ASSERT_NE(kcat, nullptr);
  for (int i = 0; i < 3000; ++i) {
    std::string key = "key" + std::to_string(rng() % 97);
    std::string value = "value-" + std::to_string(i) + "-" + std::to_string(rng());
    std::fprintf(kcat, "%s:%s\n", key.c_str(), value.c_str());
    sent[value] = key;
  }
  ASSERT_EQ(pclose(kcat), 0);

  kafka::Conf conf;
  conf.set("bootstrap.servers", bootstrap)
      .set("group.id", "check")
      .set("auto.offset.reset", "earliest");
  kafka::Consumer consumer(std::move(conf));
  consumer.subscribe({"words"});
  std::map<std::string, std::string> got;
  size_t duplicates = 0;
  std::vector<kafka::MessagePtr> batch;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (got.size() < sent.size() && std::chrono::steady_clock::now() < deadline) {
    batch.clear();
    consumer.poll_batch(batch, 1000, 100ms);
    for (const auto& m : batch) {
      if (m->err) continue;
      std::string value(static_cast<const char*>(m->payload), m->len);
      std::string key(static_cast<const char*>(m->key), m->key_len);
      if (!got.emplace(value, key).second) ++duplicates;
    }
  }
  consumer.close();
  EXPECT_EQ(got, sent);
  EXPECT_EQ(duplicates, 0u);

  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait(10s), 0);
}

TEST(BrokerCommand, RejectsMalformedTopicSpec) {
  ChildProcess broker({sluice_binary(), "broker", "--topic", "bad:x"});
  EXPECT_EQ(broker.wait(10s), 2);
}

}  // namespace
}  // namespace sluice::test
