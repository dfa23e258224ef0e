// `sluice run --metrics-listen`: the process serves its metrics over HTTP while it runs, as
// Prometheus scrapes them. The counts read through the endpoint must match what was produced:
// every tag processed once at the source and once more after the repartition, every malformed
// record counted as a dead letter, and the runtime's figures (tasks, commits, records sent).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "child_process.h"
#include "runtime_support.h"
#include "support/http_get.h"

namespace sluice::test {
namespace {

// The sum over every series of `family` in a Prometheus text exposition.
double family_sum(const std::string& exposition, const std::string& family) {
  std::istringstream in(exposition);
  double sum = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(family, 0) != 0) continue;
    const char next = line.size() > family.size() ? line[family.size()] : '\0';
    if (next != '{' && next != ' ') continue;  // another family sharing the prefix
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

TEST(MetricsEndpoint, SluiceRunServesCountsThatMatchItsInput) {
  TempDir dir;
  const std::string config = (dir.path / "app.yaml").string();
  {
    std::ofstream out(config);
    out << "application.id: metrics-endpoint\n"
        << "commit.interval.ms: 200\n"
        << "state.dir: " << (dir.path / "state").string() << "\n";
  }
  ChildProcess run(
      {sluice_binary(), "run", "--config", config, "--embedded", "--builtin",
       "country_window_count", "--metrics-listen", "127.0.0.1:0", "--status-interval-ms", "0"},
      /*merge_stderr=*/true);
  std::string bootstrap;
  int port = 0;
  while (bootstrap.empty() || port == 0) {
    auto line = run.read_line(30s);
    ASSERT_TRUE(line) << "sluice run printed no bootstrap or metrics line";
    if (line->rfind("bootstrap: ", 0) == 0) bootstrap = line->substr(11);
    const std::string marker = "metrics at http://127.0.0.1:";
    if (auto at = line->find(marker); at != std::string::npos) {
      port = std::stoi(line->substr(at + marker.size()));
    }
  }
  const std::vector<Tag> tags = generate_tags(300, 11);
  produce_tags(bootstrap, tags);
  {
    kafka::Conf c;
    c.set("bootstrap.servers", bootstrap);
    kafka::Producer p(std::move(c));
    for (int i = 0; i < 7; ++i)
      ASSERT_TRUE(p.send("tags", std::nullopt, "k", "{not json", Timestamp(tags[0].ts)).ok());
    ASSERT_TRUE(p.flush(30s).ok());
  }
  // Each tag passes the source task and, after the repartition by country, the window task.
  const double expected_processed = 2.0 * static_cast<double>(tags.size()) + 7;
  std::string body;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    body = http_get(port, "/metrics");
    if (family_sum(body, "sluice_records_processed_total") >= expected_processed &&
        family_sum(body, "sluice_dead_letter_records_total") >= 7) {
      break;
    }
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(family_sum(body, "sluice_records_processed_total"), expected_processed) << body;
  EXPECT_EQ(family_sum(body, "sluice_dead_letter_records_total"), 7) << body;
  EXPECT_GT(family_sum(body, "sluice_store_flushes_total"), 0) << body;
  // The runtime's own figures: 4 input and 4 repartition partitions make 8 tasks; every tag
  // crossed the repartition topic and every malformed record went to the dead letters, so at
  // least that many records were sent (window updates come on top).
  EXPECT_EQ(family_sum(body, "sluice_active_tasks"), 8) << body;
  EXPECT_GT(family_sum(body, "sluice_commits_total"), 0) << body;
  EXPECT_GE(family_sum(body, "sluice_records_sent_total"), static_cast<double>(tags.size()) + 7)
      << body;
  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(30s), 0);
}

TEST(MetricsEndpoint, ATakenPortFailsTheRunBeforeItStarts) {
  TempDir dir;
  const std::string config = (dir.path / "app.yaml").string();
  {
    std::ofstream out(config);
    out << "application.id: metrics-taken\nstate.dir: " << (dir.path / "state").string() << "\n";
  }
  // Hold a port: a listening socket bound to a free one.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string taken = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  ChildProcess run({sluice_binary(), "run", "--config", config, "--embedded", "--builtin",
                    "country_window_count", "--metrics-listen", taken},
                   /*merge_stderr=*/true);
  bool named = false;
  while (auto line = run.read_line(30s)) {
    named |= line->find("error: metrics endpoint: cannot listen on " + taken) != std::string::npos;
  }
  EXPECT_TRUE(named) << "the error does not name " << taken;
  EXPECT_EQ(run.wait(30s), 1);
  close(fd);
}

}  // namespace
}  // namespace sluice::test
