// capped_list through the TopologyTestDriver on generated, heavily out-of-order user tags with
// many equal timestamps; the stored lists and the query API compared with a brute-force model.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "allezon.pb.h"
#include "operators/capped_list_store.h"
#include "operators/stream_builder.h"
#include "serde/value_serde.h"
#include "testing/topology_test_driver.h"

namespace sluice::ops {
namespace {

using nlohmann::json;
using testing::TopologyTestDriver;
constexpr int64_t kT0 = 1'650'000'000'000;

struct Tag {
  int id;  // unique, carried in product_info.product_id
  int64_t ts;
  std::string cookie, action;
};

std::vector<Tag> random_tags(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Tag> out;
  for (int i = 0; i < n; ++i) {
    // Whole seconds over 5 minutes: arrival order is random and equal times are common.
    out.push_back({i, kT0 + static_cast<int64_t>(rng() % 300) * 1000,
                   "c" + std::to_string(rng() % 12), rng() % 3 == 0 ? "BUY" : "VIEW"});
  }
  return out;
}

std::string to_json(const Tag& t) {
  return json{{"cookie", t.cookie},
              {"country", "PL"},
              {"action", t.action},
              {"product_info", {{"product_id", "p" + std::to_string(t.id)}, {"price", t.id}}}}
      .dump();
}

// The brute force: every record of each (cookie, sub-key), in arrival order.
struct Model {
  size_t cap;
  std::map<std::pair<std::string, std::string>, std::vector<const Tag*>> lists;

  // Newest N of one list: latest time first, the later arrival first among equal times.
  std::vector<const Tag*> newest(const std::vector<const Tag*>& all) const {
    std::vector<std::pair<const Tag*, size_t>> v;
    for (size_t i = 0; i < all.size(); ++i) v.push_back({all[i], i});
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first->ts, a.second) > std::tie(b.first->ts, b.second);
    });
    std::vector<const Tag*> out;
    for (size_t i = 0; i < v.size() && i < cap; ++i) out.push_back(v[i].first);
    return out;
  }

  // (time, sub-key, id) the query should return.
  std::vector<std::tuple<int64_t, std::string, int>> query(const std::string& key,
                                                           std::vector<std::string> subs,
                                                           int64_t from, int64_t to,
                                                           size_t limit) const {
    if (subs.empty()) {
      for (const auto& [k, list] : lists) {
        if (k.first == key) subs.push_back(k.second);  // map order: byte order of sub-keys
      }
    }
    std::vector<std::tuple<int64_t, std::string, int>> out;
    std::vector<std::string> seen;
    for (const auto& sub : subs) {
      if (std::count(seen.begin(), seen.end(), sub)) continue;
      seen.push_back(sub);
      auto it = lists.find({key, sub});
      if (it == lists.end()) continue;
      for (const Tag* t : newest(it->second)) {
        if (t->ts >= from && t->ts < to) out.emplace_back(t->ts, sub, t->id);
      }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
    if (out.size() > limit) out.resize(limit);
    return out;
  }
};

struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("sluice-capped-" + std::to_string(std::random_device{}()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
};

SourceOptions tags_source() {
  return {.topics = {"tags"},
          .schema = serde::Schema::from_descriptor(allezon::UserTag::descriptor()),
          .key_field = "cookie"};
}

class CappedList : public ::testing::TestWithParam<bool> {};

TEST_P(CappedList, KeepsTheNewestNPerKeyAndSubKeyAndAnswersQueriesAsTheBruteForce) {
  const bool rocksdb = GetParam();
  constexpr size_t kCap = 10;
  StreamsBuilder b;
  KStream in = b.stream(tags_source());
  KStream listed =
      in.capped_list({.name = "recent", .sub_key_field = "action", .max_per_key = kCap});
  listed.to({.topic = "out", .format = serde::Format::kProtobuf});
  Topology topology = b.build();
  TempDir dir;
  testing::TestDriverOptions options;
  if (rocksdb) options.state_dir = dir.path.string();
  TopologyTestDriver driver(topology, options);
  auto serde = serde::make_value_serde(in.schema(), {.format = serde::Format::kProtobuf});
  const uint32_t id_slot = *in.schema()->find("product_info.product_id");

  Model model{kCap, {}};
  std::mt19937_64 rng(5);
  auto check_queries = [&](int n) {
    auto* store = driver.key_value_store("recent-store");
    ASSERT_NE(store, nullptr);
    const std::vector<std::vector<std::string>> subs = {
        {}, {"BUY"}, {"VIEW"}, {"VIEW", "BUY"}, {"BUY", "VIEW", "BUY"}, {"NONE"}};
    for (int q = 0; q < n; ++q) {
      const std::string key = "c" + std::to_string(rng() % 13);  // c12 never occurs
      const auto& sub = subs[rng() % subs.size()];
      int64_t from = kT0 + static_cast<int64_t>(rng() % 320) * 1000 - 10'000;
      int64_t to = from + static_cast<int64_t>(rng() % 200) * 1000;
      if (q % 4 == 0) from = kT0 - 1, to = kT0 + 400'000;  // everything
      const size_t limit = rng() % 4 == 0 ? 1000 : 1 + rng() % 25;
      auto got = query(*store, key, sub, Timestamp(from), Timestamp(to), limit);
      ASSERT_TRUE(got.ok()) << got.status().to_string();
      std::vector<std::tuple<int64_t, std::string, int>> actual;
      for (const CappedEntry& e : *got) {
        serde::Row row;
        ASSERT_TRUE(serde->deserialize(e.bytes, row).ok());
        actual.emplace_back(e.timestamp.ms(), e.sub_key,
                            std::stoi(std::string(row.get_string(id_slot).substr(1))));
      }
      ASSERT_EQ(actual, model.query(key, sub, from, to, limit)) << key << " q" << q;
    }
  };

  const auto tags = random_tags(3000, rocksdb ? 1 : 2);
  for (size_t i = 0; i < tags.size(); ++i) {
    const Tag& t = tags[i];
    ASSERT_TRUE(driver.pipe("tags", "kafka-key", to_json(t), Timestamp(t.ts)).ok());
    model.lists[{t.cookie, t.action}].push_back(&t);
    if (i % 500 == 499) {
      ASSERT_NO_FATAL_FAILURE(check_queries(50));  // cached, not committed
    }
  }
  ASSERT_TRUE(driver.commit().ok());
  ASSERT_NO_FATAL_FAILURE(check_queries(300));

  // Every input is forwarded unchanged, in order.
  const auto out = driver.read_output("out");
  ASSERT_EQ(out.size(), tags.size());
  for (size_t i = 0; i < out.size(); ++i) {
    serde::Row row;
    ASSERT_TRUE(serde->deserialize(*out[i].value, row).ok());
    EXPECT_EQ(out[i].key, tags[i].cookie);
    EXPECT_EQ(out[i].timestamp.ms(), tags[i].ts);
    EXPECT_EQ(row.get_string(id_slot), "p" + std::to_string(tags[i].id));
  }

  // Each stored list: the lazy compaction keeps at most 2N, and reading trims to the newest N.
  auto it = driver.key_value_store("recent-store")->all();
  size_t lists = 0;
  for (; it->valid(); it->next(), ++lists) {
    const std::string_view k = it->key();
    const size_t zero = k.find('\0');
    ASSERT_NE(zero, std::string_view::npos);
    const auto& all =
        model.lists.at({std::string(k.substr(0, zero)), std::string(k.substr(zero + 1))});
    auto entries = capped::entries(it->value());
    ASSERT_TRUE(entries.ok());
    const auto expected = model.newest(all);
    ASSERT_EQ(entries->size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      serde::Row row;
      ASSERT_TRUE(serde->deserialize((*entries)[i].bytes, row).ok());
      EXPECT_EQ((*entries)[i].timestamp.ms(), expected[i]->ts);
      EXPECT_EQ(row.get_string(id_slot), "p" + std::to_string(expected[i]->id));
    }
  }
  EXPECT_EQ(lists, model.lists.size());
}

INSTANTIATE_TEST_SUITE_P(Backends, CappedList, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "RocksDB" : "InMemory"; });

TEST(CappedList, WithoutASubKeyKeepsOneListPerKey) {
  StreamsBuilder b;
  b.stream(tags_source()).capped_list({.name = "recent", .max_per_key = 3});
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  Model model{3, {}};
  const auto tags = random_tags(500, 3);
  for (const Tag& t : tags) {
    ASSERT_TRUE(driver.pipe("tags", "", to_json(t), Timestamp(t.ts)).ok());
    model.lists[{t.cookie, ""}].push_back(&t);
  }
  auto* store = driver.key_value_store("recent-store");
  for (int c = 0; c < 12; ++c) {
    const std::string key = "c" + std::to_string(c);
    auto got = query(*store, key, {}, Timestamp::min(), Timestamp::max(), 100);
    ASSERT_TRUE(got.ok());
    const auto expected = model.query(key, {}, std::numeric_limits<int64_t>::min(),
                                      std::numeric_limits<int64_t>::max(), 100);
    ASSERT_EQ(got->size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ((*got)[i].timestamp.ms(), std::get<0>(expected[i]));
      EXPECT_EQ((*got)[i].sub_key, "");
    }
  }
}

TEST(CappedList, RejectsBadOptionsAtBuildTime) {
  StreamsBuilder b;
  KStream s = b.stream(tags_source());
  EXPECT_THROW(s.capped_list({.name = "x", .max_per_key = 0}), std::invalid_argument);
  EXPECT_THROW(s.capped_list({.name = "y", .sub_key_field = "actoin"}), std::invalid_argument);
}

}  // namespace
}  // namespace sluice::ops
