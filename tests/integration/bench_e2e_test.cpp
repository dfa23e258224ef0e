// `sluice bench e2e` with tiny sizes: it exits 0 and its table has every row (raw rows per
// input, each topology under both guarantees), each with the record count of its input and
// positive, finite figures; the record caches stayed within cache.max.bytes.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.h"

namespace sluice::test {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line.substr(1));
  std::string cell;
  while (std::getline(in, cell, '|')) {
    const auto b = cell.find_first_not_of(' ');
    const auto e = cell.find_last_not_of(' ');
    out.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
  }
  return out;
}

TEST(BenchE2e, TinyRunPrintsEveryRowWithItsInputCountAndPositiveRates) {
  constexpr int kRecords = 3000;
  ChildProcess bench({sluice_binary(), "bench", "e2e", "--records", std::to_string(kRecords),
                      "--partitions", "2", "--timeout", "120"});
  std::vector<std::string> lines;
  std::optional<int> rc;
  const auto deadline = std::chrono::steady_clock::now() + 500s;
  while (!rc && std::chrono::steady_clock::now() < deadline) {
    if (auto line = bench.read_line(10s)) {
      lines.push_back(*line);
    } else {
      rc = bench.wait(0ms);
    }
  }
  while (auto line = bench.read_line(100ms)) lines.push_back(*line);
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  ASSERT_EQ(rc, std::optional<int>(0)) << all;

  // Input counts as the bench defines them: orders a quarter of --records, products a
  // twentieth (at least 100).
  const std::map<std::string, uint64_t> input_records = {
      {"user_tags", kRecords}, {"orders+products", kRecords / 4 + 150}, {"ad_events", kRecords}};
  const std::map<std::string, std::string> topology_input = {
      {"windowed_count", "user_tags"},
      {"minute_aggregation", "user_tags"},
      {"profile_capping", "user_tags"},
      {"product_enrichment", "orders+products"},
      {"kpi_changes", "ad_events"}};
  std::set<std::string> expected;
  for (const auto& [input, n] : input_records) {
    expected.insert("consume-only|-|" + input);
    for (const char* g : {"at_least_once", "exactly_once_v2"})
      expected.insert(std::string("passthrough|") + g + "|" + input);
  }
  for (const auto& [name, input] : topology_input) {
    for (const char* g : {"at_least_once", "exactly_once_v2"})
      expected.insert(name + "|" + g + "|" + input);
  }

  std::set<std::string> seen;
  for (const auto& line : lines) {
    if (line.rfind("| ", 0) != 0 || line.rfind("| row ", 0) == 0) continue;
    const auto c = cells(line);
    ASSERT_GE(c.size(), 14u) << line;
    SCOPED_TRACE(line);
    const std::string id = c[0] + "|" + c[1] + "|" + c[2];
    EXPECT_TRUE(seen.insert(id).second) << "row twice";
    EXPECT_EQ(std::stoull(c[3]), input_records.at(c[2]));
    const double total_s = std::stod(c[6]), rate = std::stod(c[7]), rss = std::stod(c[12]);
    EXPECT_GT(total_s, 0);
    EXPECT_TRUE(std::isfinite(rate) && rate > 0);
    EXPECT_NEAR(rate, static_cast<double>(input_records.at(c[2])) / total_s, rate * 0.01 + 1);
    EXPECT_GT(rss, 0);
    EXPECT_GE(std::stod(c[8]), rate);  // from the first record: a shorter time
    if (c[0] != "consume-only") {
      EXPECT_GT(std::stod(c[9]), 0);  // vs consume-only
    }
    if (c[1] == "exactly_once_v2") {
      EXPECT_GT(std::stod(c[11]), 0);  // EOS / ALOS
    }
    if (c[0] == "profile_capping" || c[0] == "product_enrichment") {
      // "peak / budget" in MiB: the capped lists and the products table go through a cache.
      const auto slash = c[13].find('/');
      ASSERT_NE(slash, std::string::npos);
      const double peak = std::stod(c[13].substr(0, slash));
      const double budget = std::stod(c[13].substr(slash + 1));
      EXPECT_GT(peak, 0);
      EXPECT_LE(peak, budget);
    }
  }
  EXPECT_EQ(seen, expected) << all;
  EXPECT_NE(all.find("process peak RSS (getrusage ru_maxrss): "), std::string::npos);
}

}  // namespace
}  // namespace sluice::test
