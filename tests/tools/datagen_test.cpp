// `sluice datagen allezon`: determinism, shape, cardinalities, event-time behaviour.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "../../tools/cli/datagen_allezon.h"
#include "topology/timestamp_extractor.h"

namespace sluice::cli {
namespace {

std::string generate(const AllezonOptions& options) {
  AllezonGenerator gen(options);
  std::string out;
  for (uint64_t i = 0; i < options.count; ++i) gen.append_next(out);
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  return lines;
}

AllezonOptions with(uint64_t count, uint64_t seed) {
  AllezonOptions o;
  o.count = count;
  o.seed = seed;
  return o;
}

// One decoded event: what the statistics tests look at.
struct Event {
  int64_t ts;
  std::string cookie, action, origin, brand, category, product;
};

// 200k events, seed 42, decoded once for every statistics test.
const std::vector<Event>& sample() {
  static const std::vector<Event> events = [] {
    std::vector<Event> out;
    for (const std::string& line : split_lines(generate(with(200'000, 42)))) {
      const auto j = nlohmann::json::parse(line);
      const auto& p = j.at("product_info");
      out.push_back({parse_iso8601(j.at("time").get<std::string>())->ms(),
                     j.at("cookie").get<std::string>(), j.at("action").get<std::string>(),
                     j.at("origin").get<std::string>(), p.at("brand_id").get<std::string>(),
                     p.at("category_id").get<std::string>(),
                     p.at("product_id").get<std::string>()});
    }
    return out;
  }();
  return events;
}

template <typename F>
size_t distinct(F field) {
  std::unordered_set<std::string> seen;
  for (const Event& e : sample()) seen.insert(field(e));
  return seen.size();
}

TEST(DatagenAllezonTest, SameSeedGivesSameBytes) {
  EXPECT_EQ(generate(with(20'000, 7)), generate(with(20'000, 7)));
}

TEST(DatagenAllezonTest, DifferentSeedsDiffer) {
  const auto a = split_lines(generate(with(1'000, 1)));
  const auto b = split_lines(generate(with(1'000, 2)));
  ASSERT_EQ(a.size(), b.size());
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  EXPECT_LT(same, a.size() / 100);
}

TEST(DatagenAllezonTest, WritesCountLinesToFile) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE(write_allezon(with(12'345, 3), f));
  std::rewind(f);
  std::string text;
  char buf[1 << 14];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), f)) > 0;) text.append(buf, n);
  std::fclose(f);
  EXPECT_EQ(text, generate(with(12'345, 3)));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 12'345);
}

TEST(DatagenAllezonTest, EveryLineHasTheUserTagShape) {
  const std::set<std::string> devices = {"PC", "MOBILE", "TV"}, actions = {"VIEW", "BUY"};
  for (const std::string& line : split_lines(generate(with(20'000, 11)))) {
    SCOPED_TRACE(line);
    const auto j = nlohmann::json::parse(line);
    ASSERT_TRUE(j.is_object());
    EXPECT_EQ(j.size(), 7u);
    const auto time = j.at("time").get<std::string>();
    EXPECT_EQ(time.size(), 24u);
    ASSERT_TRUE(parse_iso8601(time).has_value());
    EXPECT_EQ(format_iso8601(*parse_iso8601(time)), time);
    EXPECT_FALSE(j.at("cookie").get<std::string>().empty());
    EXPECT_EQ(j.at("country").get<std::string>().size(), 2u);
    EXPECT_TRUE(devices.count(j.at("device").get<std::string>()));
    EXPECT_TRUE(actions.count(j.at("action").get<std::string>()));
    EXPECT_FALSE(j.at("origin").get<std::string>().empty());
    const auto& p = j.at("product_info");
    ASSERT_TRUE(p.is_object());
    EXPECT_EQ(p.size(), 4u);
    EXPECT_FALSE(p.at("product_id").get<std::string>().empty());
    EXPECT_FALSE(p.at("brand_id").get<std::string>().empty());
    EXPECT_FALSE(p.at("category_id").get<std::string>().empty());
    ASSERT_TRUE(p.at("price").is_number_integer());
    EXPECT_GT(p.at("price").get<int64_t>(), 0);
  }
}

TEST(DatagenAllezonTest, CardinalitiesAreRealistic) {
  EXPECT_GT(distinct([](const Event& e) { return e.cookie; }), 10'000u);
  const size_t origins = distinct([](const Event& e) { return e.origin; });
  EXPECT_GE(origins, 100u);
  EXPECT_LE(origins, 1000u);
  const size_t brands = distinct([](const Event& e) { return e.brand; });
  EXPECT_GE(brands, 100u);
  EXPECT_LE(brands, 1000u);
  const size_t categories = distinct([](const Event& e) { return e.category; });
  EXPECT_GE(categories, 10u);
  EXPECT_LE(categories, 100u);
  EXPECT_GT(distinct([](const Event& e) { return e.product; }), 10'000u);
}

TEST(DatagenAllezonTest, CookiesHaveALongTail) {
  std::unordered_map<std::string, size_t> per_cookie;
  for (const Event& e : sample()) ++per_cookie[e.cookie];
  size_t top = 0, once = 0;
  for (const auto& [cookie, n] : per_cookie) {
    top = std::max(top, n);
    once += n == 1;
  }
  EXPECT_GT(top, 100u);    // a few heavy users
  EXPECT_GT(once, 1000u);  // and many seen once
}

TEST(DatagenAllezonTest, MostlyViews) {
  size_t views = 0;
  for (const Event& e : sample()) views += e.action == "VIEW";
  const double share = static_cast<double>(views) / static_cast<double>(sample().size());
  EXPECT_GT(share, 0.85);
  EXPECT_LT(share, 0.95);
}

TEST(DatagenAllezonTest, EventTimeAdvancesAtTheRate) {
  const auto& ev = sample();
  int64_t max_ts = ev.front().ts;
  for (const Event& e : ev) max_ts = std::max(max_ts, e.ts);
  const auto start = parse_iso8601("2022-03-22T12:00:00.000Z")->ms();
  EXPECT_EQ(ev.front().ts, start);
  // 200k events at 1000/s span ~200 s.
  EXPECT_NEAR(static_cast<double>(max_ts - start), 200'000.0, 1'000.0);
}

TEST(DatagenAllezonTest, StartAndRateAreHonoured) {
  AllezonOptions o = with(10'000, 5);
  o.start_ms = parse_iso8601("2023-01-01T00:00:00Z")->ms();
  o.rate = 5000;
  int64_t min_ts = INT64_MAX, max_ts = INT64_MIN;
  for (const std::string& line : split_lines(generate(o))) {
    const int64_t ts =
        parse_iso8601(nlohmann::json::parse(line).at("time").get<std::string>())->ms();
    min_ts = std::min(min_ts, ts);
    max_ts = std::max(max_ts, ts);
  }
  EXPECT_EQ(min_ts, o.start_ms);
  EXPECT_NEAR(static_cast<double>(max_ts - min_ts), 2'000.0, 5.0);
}

TEST(DatagenAllezonTest, AFewPercentAreLateByAtMostTwentySeconds) {
  int64_t max_seen = INT64_MIN, worst = 0;
  size_t late = 0;
  for (const Event& e : sample()) {
    if (e.ts < max_seen) {
      ++late;
      worst = std::max(worst, max_seen - e.ts);
    }
    max_seen = std::max(max_seen, e.ts);
  }
  const double share = static_cast<double>(late) / static_cast<double>(sample().size());
  EXPECT_GE(share, 0.01);
  EXPECT_LE(share, 0.10);
  EXPECT_LE(worst, 20'000);
  EXPECT_GT(worst, 10'000);  // the tail does reach well into the grace period
}

TEST(DatagenAllezonTest, MostEventsOpenANewMinuteCell) {
  std::unordered_set<std::string> cells;
  size_t fresh = 0;
  for (const Event& e : sample()) {
    const std::string key = std::to_string(e.ts / 60'000) + '|' + e.action + '|' + e.origin + '|' +
                            e.brand + '|' + e.category;
    fresh += cells.insert(key).second;
  }
  EXPECT_GT(static_cast<double>(fresh) / static_cast<double>(sample().size()), 0.5);
}

TEST(DatagenCommonTest, IsoTimeFormatterMatchesTheEngine) {
  IsoTimeFormatter f;
  Rng rng(99);
  for (int i = 0; i < 10'000; ++i) {
    // Mostly nearby times (the cache path), sometimes anywhere in 1970..2100.
    const int64_t ms = i % 10 == 0 ? static_cast<int64_t>(rng.below(4'102'444'800'000))
                                   : 1'647'950'400'000 + static_cast<int64_t>(rng.below(5'000));
    std::string s;
    f.append(ms, s);
    ASSERT_EQ(s, format_iso8601(Timestamp(ms))) << ms;
  }
}

TEST(DatagenCommonTest, ZipfSamplerIsSkewedAndInRange) {
  ZipfSampler z(100, 1.0);
  Rng rng(1);
  std::vector<size_t> hits(100);
  for (int i = 0; i < 200'000; ++i) {
    const size_t k = z(rng);
    ASSERT_LT(k, 100u);
    ++hits[k];
  }
  // P(0) = 1 / H(100) ~ 19.3%; P(k) ~ P(0) / (k + 1).
  EXPECT_NEAR(static_cast<double>(hits[0]) / 200'000, 0.193, 0.01);
  EXPECT_NEAR(static_cast<double>(hits[0]) / static_cast<double>(hits[9]), 10.0, 1.5);
  EXPECT_GT(hits[99], 0u);
}

TEST(DatagenCommonTest, RngIsDeterministicAndUniform) {
  Rng a(5), b(5);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a.next(), b.next());
  std::map<uint64_t, size_t> buckets;
  for (int i = 0; i < 100'000; ++i) ++buckets[a.below(10)];
  ASSERT_EQ(buckets.size(), 10u);
  for (const auto& [k, n] : buckets) EXPECT_NEAR(static_cast<double>(n), 10'000.0, 500.0);
}

}  // namespace
}  // namespace sluice::cli
