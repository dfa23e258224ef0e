// `sluice broker` as a separate process: kcat produces through it, librdkafka consumes.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdio>
#include <map>
#include <random>
#include <set>

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

// A port nobody listens on right now (the kernel's pick for an ephemeral bind).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(BrokerCommand, FixedPortBootstrapsClientsThroughTheForwarder) {
  if (std::system("command -v kcat >/dev/null 2>&1") != 0) GTEST_SKIP() << "kcat not installed";
  const int port = free_port();
  ChildProcess broker(
      {sluice_binary(), "broker", "--port", std::to_string(port), "--topic", "fixed:2"});
  const std::string bootstrap = start_broker(broker);
  ASSERT_EQ(bootstrap, "127.0.0.1:" + std::to_string(port));
  std::set<std::string> sent;
  FILE* kcat = popen(("kcat -q -b " + bootstrap + " -t fixed -P").c_str(), "w");
  ASSERT_NE(kcat, nullptr);
  for (int i = 0; i < 500; ++i) {
    sent.insert("line-" + std::to_string(i));
    std::fprintf(kcat, "line-%d\n", i);
  }
  ASSERT_EQ(pclose(kcat), 0);
  kafka::Conf conf;
  conf.set("bootstrap.servers", bootstrap)
      .set("group.id", "fixed")
      .set("auto.offset.reset", "earliest");
  kafka::Consumer consumer(std::move(conf));
  consumer.subscribe({"fixed"});
  std::set<std::string> got;
  std::vector<kafka::MessagePtr> batch;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (got.size() < sent.size() && std::chrono::steady_clock::now() < deadline) {
    batch.clear();
    consumer.poll_batch(batch, 500, 100ms);
    for (const auto& m : batch) {
      if (!m->err) got.emplace(static_cast<const char*>(m->payload), m->len);
    }
  }
  consumer.close();
  EXPECT_EQ(got, sent);
  broker.signal(SIGTERM);
  EXPECT_EQ(broker.wait(10s), 0);
}

TEST(BrokerCommand, RejectsMalformedTopicSpec) {
  ChildProcess broker({sluice_binary(), "broker", "--topic", "bad:x"});
  EXPECT_EQ(broker.wait(10s), 2);
}

}  // namespace
}  // namespace sluice::test
