// RocksDBWindowStore's bulk path (a big sorted one-segment batch written as an ingested SST
// file) against a brute-force model: ingested batches overwrite older memtable and file
// values, read back by get / fetch / fetch_all exactly like WriteBatches, survive a reopen, and
// go with their segment when retention drops it; batches that are not eligible (out of order,
// tombstones, two segments, expired windows) take the WriteBatch path with the same result.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "state/rocksdb_window_store.h"
#include "state/store_test_support.h"
#include "state/window_key.h"

namespace sluice::state {
namespace {

using test::Windows;

constexpr DurationMs kRetention = 10'000;
constexpr DurationMs kInterval = 1'000;
constexpr size_t kBulk = RocksDBWindowStore::kBulkMinEntries;

// The model: (key, start) -> value; expiry and order from the definitions.
struct Model {
  std::map<std::pair<std::string, int64_t>, std::string> data;
  int64_t stream_time = INT64_MIN;

  bool expired(int64_t start) const {
    return stream_time != INT64_MIN &&
           (start / kInterval + 1) * kInterval <= stream_time - kRetention;
  }
  Windows all() const {
    Windows out;
    for (const auto& [k, v] : data) out.emplace_back(k.first, k.second, v);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      const auto& [ka, sa, va] = a;
      const auto& [kb, sb, vb] = b;
      return std::make_tuple(sa / kInterval, ka.size(), ka, sa) <
             std::make_tuple(sb / kInterval, kb.size(), kb, sb);
    });
    return out;
  }
};

// Distinct keys of varied lengths sharing prefixes, as group keys do.
std::vector<std::string> distinct_keys(std::mt19937_64& rng, size_t n) {
  std::vector<std::string> keys;
  std::map<std::string, bool> seen;
  while (keys.size() < n) {
    std::string k = (rng() % 2 ? "origin_" : "b_") + std::to_string(rng() % (n * 4));
    if (rng() % 3 == 0) k.push_back(static_cast<char>(rng() % 256));
    if (seen.emplace(k, true).second) keys.push_back(std::move(k));
  }
  return keys;
}

// Sorts in the store's order for one window start: key length, then bytes.
void store_order(std::vector<std::string>& keys) {
  std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
}

class RocksDBWindowBulk : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }
  void reopen() {
    store_.reset();
    store_ =
        std::make_unique<RocksDBWindowStore>("win", dir_.path() + "/win", kRetention, kInterval);
    if (model_.stream_time != INT64_MIN) {
      ASSERT_TRUE(store_->advance_time(Timestamp(model_.stream_time)).ok());
    }
  }
  // Writes views over (key, start, value) triples and applies them to the model.
  void write(const std::vector<std::tuple<std::string, int64_t, std::optional<std::string>>>& ws) {
    std::vector<WindowWriteView> views;
    for (const auto& [k, s, v] : ws) {
      views.push_back({k, Timestamp(s), v ? std::string_view(*v) : std::string_view(), !v});
      if (model_.expired(s)) continue;
      if (v) {
        model_.data[{k, s}] = *v;
      } else {
        model_.data.erase({k, s});
      }
    }
    ASSERT_TRUE(store_->write_views(views).ok());
  }
  void expect_matches_model(std::mt19937_64& rng) {
    ASSERT_EQ(test::collect(*store_->fetch_all(Timestamp::min(), Timestamp::max())), model_.all());
    for (int i = 0; i < 200 && !model_.data.empty(); ++i) {
      auto it = model_.data.begin();
      std::advance(it, static_cast<long>(rng() % model_.data.size()));
      std::string out;
      ASSERT_TRUE(store_->get(it->first.first, Timestamp(it->first.second), out).ok());
      ASSERT_EQ(out, it->second);
      Windows expected;
      for (const auto& [k, v] : model_.data) {
        if (k.first == it->first.first) expected.emplace_back(k.first, k.second, v);
      }
      ASSERT_EQ(test::collect(*store_->fetch(it->first.first, Timestamp::min(), Timestamp::max())),
                expected);
    }
  }

  test::TempDir dir_;
  Model model_;
  std::unique_ptr<RocksDBWindowStore> store_;
};

TEST_F(RocksDBWindowBulk, SortedOneWindowBatchesAreIngestedAndReadLikeWriteBatches) {
  std::mt19937_64 rng(5);
  const std::vector<std::string> pool = distinct_keys(rng, kBulk * 2);
  uint64_t expected_files = 0;
  for (int round = 0; round < 4; ++round) {
    const int64_t start = 60'000 + round * 500;  // two windows per segment
    // Older values first: some through the memtable, some (rounds >= 1) already in files.
    for (int i = 0; i < 300; ++i) {
      const std::string& k = pool[rng() % pool.size()];
      ASSERT_TRUE(store_->put(k, Timestamp(start), "old" + std::to_string(i)).ok());
      model_.data[{k, start}] = "old" + std::to_string(i);
    }
    std::vector<std::string> keys(pool.begin(), pool.end());
    std::shuffle(keys.begin(), keys.end(), rng);
    keys.resize(kBulk + rng() % kBulk);
    store_order(keys);
    std::vector<std::tuple<std::string, int64_t, std::optional<std::string>>> ws;
    for (const auto& k : keys) ws.emplace_back(k, start, test::random_value(rng));
    write(ws);
    ++expected_files;
    EXPECT_EQ(store_->bulk_stats().files_ingested, expected_files);
    EXPECT_EQ(store_->bulk_stats().fallbacks, 0u) << store_->bulk_stats().last_fallback;
    expect_matches_model(rng);
    // Later puts into the same window are newer than the file.
    for (int i = 0; i < 50; ++i) {
      const std::string& k = keys[rng() % keys.size()];
      ASSERT_TRUE(store_->put(k, Timestamp(start), "newest").ok());
      model_.data[{k, start}] = "newest";
    }
    expect_matches_model(rng);
  }
  reopen();
  expect_matches_model(rng);
}

TEST_F(RocksDBWindowBulk, IneligibleBatchesTakeTheWriteBatchPathWithTheSameResult) {
  std::mt19937_64 rng(9);
  std::vector<std::string> keys = distinct_keys(rng, kBulk + 100);
  using Writes = std::vector<std::tuple<std::string, int64_t, std::optional<std::string>>>;
  store_order(keys);

  Writes unsorted;  // eligible by shape, but out of order: the file is refused, then WriteBatch
  for (const auto& k : keys) unsorted.emplace_back(k, 70'000, test::random_value(rng));
  std::swap(unsorted[10], unsorted[kBulk / 2]);
  write(unsorted);
  EXPECT_EQ(store_->bulk_stats().files_ingested, 0u);
  EXPECT_EQ(store_->bulk_stats().fallbacks, 1u);
  expect_matches_model(rng);

  Writes duplicate;  // the same key twice: the later one wins, as in a WriteBatch
  for (const auto& k : keys) duplicate.emplace_back(k, 71'000, "first");
  duplicate.insert(duplicate.begin() + 5, {keys[5], 71'000, std::string("second")});
  std::swap(duplicate[5], duplicate[6]);
  write(duplicate);
  EXPECT_EQ(store_->bulk_stats().fallbacks, 2u);
  expect_matches_model(rng);

  Writes deletes;  // tombstones: not a bulk batch
  for (size_t i = 0; i < keys.size(); ++i) {
    deletes.emplace_back(keys[i], 70'000,
                         i % 3 == 0 ? std::nullopt : std::optional<std::string>("again"));
  }
  write(deletes);
  Writes two_segments;  // two windows in two segments
  for (const auto& k : keys) two_segments.emplace_back(k, 72'000, "x");
  for (const auto& k : keys) two_segments.emplace_back(k, 73'000, "y");
  write(two_segments);
  EXPECT_EQ(store_->bulk_stats().files_ingested, 0u);
  EXPECT_EQ(store_->bulk_stats().fallbacks, 2u);  // the last two were never eligible
  expect_matches_model(rng);

  // Windows of expired segments are dropped, as puts into them are.
  ASSERT_TRUE(store_->advance_time(Timestamp(82'500)).ok());
  model_.stream_time = 82'500;
  std::erase_if(model_.data, [&](const auto& e) { return model_.expired(e.first.second); });
  Writes late;
  for (const auto& k : keys) late.emplace_back(k, 71'000, "late");
  write(late);
  EXPECT_EQ(store_->bulk_stats().files_ingested, 0u);
  expect_matches_model(rng);
  reopen();
  expect_matches_model(rng);
}

TEST_F(RocksDBWindowBulk, RetentionDropsIngestedSegmentsWhole) {
  std::mt19937_64 rng(3);
  std::vector<std::string> keys = distinct_keys(rng, kBulk);
  store_order(keys);
  for (int64_t start = 0; start < 5'000; start += 1'000) {
    std::vector<std::tuple<std::string, int64_t, std::optional<std::string>>> ws;
    for (const auto& k : keys) ws.emplace_back(k, start, std::to_string(start));
    write(ws);
  }
  EXPECT_EQ(store_->bulk_stats().files_ingested, 5u);
  EXPECT_EQ(store_->segment_stats().live_segments, 5u);
  // Stream time 13,000: segments ending at or before 3,000 (ids 0..2) expire.
  ASSERT_TRUE(store_->advance_time(Timestamp(13'000)).ok());
  model_.stream_time = 13'000;
  std::erase_if(model_.data, [&](const auto& e) { return model_.expired(e.first.second); });
  EXPECT_EQ(store_->segment_stats().live_segments, 2u);
  EXPECT_EQ(store_->segment_stats().segments_dropped, 3u);
  std::string out;
  EXPECT_EQ(store_->get(keys[0], Timestamp(0), out).code(), Status::Code::kNotFound);
  expect_matches_model(rng);
  reopen();
  EXPECT_EQ(store_->segment_stats().live_segments, 2u);
  expect_matches_model(rng);
}

}  // namespace
}  // namespace sluice::state
