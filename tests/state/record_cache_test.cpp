// The record cache coalesces updates per key between commits, and the caching layers send
// exactly one write per key below, and to the changelog, per flush.
#include "state/record_cache.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>

#include "metrics/registry.h"
#include "state/cache_probe.h"
#include "state/caching_key_value_store.h"
#include "state/caching_window_store.h"
#include "state/change_logging_key_value_store.h"
#include "state/change_logging_window_store.h"
#include "state/in_memory_key_value_store.h"
#include "state/in_memory_window_store.h"
#include "state/store_test_support.h"
#include "state/window_key.h"

namespace sluice::state {
namespace {

TEST(RecordCache, UpdatingAnExistingKeyReusesItsStorage) {
  RecordCache cache(1 << 20);
  cache.put("k", std::string(64, 'a'));
  const char* storage = cache.find("k")->value.data();
  const size_t bytes = cache.bytes();
  for (int i = 0; i < 100; ++i) cache.put(std::string_view("k"), std::string(64, 'b'));
  EXPECT_EQ(cache.find("k")->value.data(), storage);  // assigned in place, no new buffer
  EXPECT_EQ(cache.bytes(), bytes);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.dirty_count(), 1u);
}

TEST(RecordCache, ListsDirtyEntriesSortedAndOnce) {
  RecordCache cache(1 << 20);
  cache.put("c", "1");
  cache.put("a", "2");
  cache.put("c", "3");
  cache.put("b", std::nullopt);
  const auto& dirty = cache.dirty_sorted();
  ASSERT_EQ(dirty.size(), 3u);
  EXPECT_EQ(dirty[0]->first, "a");
  EXPECT_EQ(dirty[1]->first, "b");
  EXPECT_TRUE(dirty[1]->second.tombstone);
  EXPECT_EQ(dirty[2]->second.value, "3");
  cache.mark_clean();
  EXPECT_EQ(cache.dirty_count(), 0u);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.find("a")->dirty);
}

TEST(RecordCache, FillsCleanEntriesOnlyWithinBudget) {
  RecordCache cache(RecordCache::kEntryOverhead + 10);
  cache.fill("k", "12345");
  ASSERT_NE(cache.find("k"), nullptr);
  EXPECT_FALSE(cache.find("k")->dirty);
  cache.fill("j", "12345");  // would exceed the budget: skipped
  EXPECT_EQ(cache.find("j"), nullptr);
  cache.put("j", "123456789");
  EXPECT_TRUE(cache.over_budget());
  cache.erase("j");
  EXPECT_EQ(cache.dirty_count(), 0u);
  EXPECT_FALSE(cache.over_budget());
}

TEST(CachingKeyValueStore, CoalescesTenThousandUpdatesOfTenKeysIntoTenWrites) {
  test::RecordingChangelog changelog;
  auto counting =
      std::make_unique<test::CountingKeyValueStore>(std::make_unique<InMemoryKeyValueStore>("kv"));
  auto* below = counting.get();
  CachingKeyValueStore store(
      std::make_unique<ChangeLoggingKeyValueStore>(std::move(counting), changelog), 10 << 20);
  ASSERT_TRUE(store.flush().ok());  // commit 1
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_TRUE(store.put("key" + std::to_string(i % 10), "v" + std::to_string(i)).ok());
  }
  EXPECT_EQ(below->writes, 0u);
  ASSERT_TRUE(store.flush().ok());  // commit 2
  EXPECT_EQ(below->writes, 10u);
  EXPECT_EQ(below->batches, 1u);
  ASSERT_EQ(changelog.records.size(), 10u);
  for (int k = 0; k < 10; ++k) {
    const std::string key = "key" + std::to_string(k);
    const std::string last = "v" + std::to_string(9'990 + k);
    std::string out;
    ASSERT_TRUE(below->get(key, out).ok());
    EXPECT_EQ(out, last);
    EXPECT_EQ(changelog.records[k].key, key);  // sorted by key
    EXPECT_EQ(changelog.records[k].value, last);
  }
  ASSERT_TRUE(store.flush().ok());  // nothing dirty: nothing written
  EXPECT_EQ(below->writes, 10u);
  EXPECT_EQ(changelog.records.size(), 10u);
}

TEST(CachingKeyValueStore, EvictsByFlushingWhenOverBudget) {
  test::RecordingChangelog changelog;
  auto counting =
      std::make_unique<test::CountingKeyValueStore>(std::make_unique<InMemoryKeyValueStore>("kv"));
  auto* below = counting.get();
  CachingKeyValueStore store(std::move(counting), 2048);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(store.put("key" + std::to_string(i), "v").ok());
  EXPECT_GT(below->batches, 0u);
  EXPECT_LE(store.cache().bytes(), 2048u);  // over budget: flushed and emptied
  ASSERT_TRUE(store.flush().ok());
  EXPECT_EQ(below->approximate_num_entries(), 100u);
}

TEST(CachingWindowStore, CoalescesTenThousandUpdatesOfTenWindowsIntoTenWrites) {
  test::RecordingChangelog changelog;
  auto counting = std::make_unique<test::CountingWindowStore>(
      std::make_unique<InMemoryWindowStore>("w", 60'000, 0));
  auto* below = counting.get();
  CachingWindowStore store(
      std::make_unique<ChangeLoggingWindowStore>(std::move(counting), changelog), 10 << 20);
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_TRUE(store.put("key", Timestamp((i % 10) * 1000), "v" + std::to_string(i)).ok());
  }
  EXPECT_EQ(below->writes, 0u);
  ASSERT_TRUE(store.flush().ok());
  EXPECT_EQ(below->writes, 10u);
  EXPECT_EQ(below->batches, 1u);
  ASSERT_EQ(changelog.records.size(), 10u);
  for (int k = 0; k < 10; ++k) {
    const std::string last = "v" + std::to_string(9'990 + k);
    std::string out;
    ASSERT_TRUE(below->get("key", Timestamp(k * 1000), out).ok());
    EXPECT_EQ(out, last);
    EXPECT_EQ(changelog.records[k].key, encode_window_key("key", Timestamp(k * 1000)));
    EXPECT_EQ(changelog.records[k].value, last);
    EXPECT_EQ(changelog.records[k].timestamp, Timestamp(k * 1000));
  }
}

TEST(CachingWindowStore, DropsCachedWritesWhoseSegmentExpiredBeforeTheFlush) {
  test::RecordingChangelog changelog;
  auto counting = std::make_unique<test::CountingWindowStore>(
      std::make_unique<InMemoryWindowStore>("w", 1000, 100));
  auto* below = counting.get();
  CachingWindowStore store(
      std::make_unique<ChangeLoggingWindowStore>(std::move(counting), changelog), 10 << 20);
  ASSERT_TRUE(store.put("k", Timestamp(50), "old").ok());
  ASSERT_TRUE(store.put("k", Timestamp(5000), "new").ok());
  ASSERT_TRUE(store.advance_time(Timestamp(2000)).ok());
  std::string out;
  EXPECT_EQ(store.get("k", Timestamp(50), out).code(), Status::Code::kNotFound);
  EXPECT_EQ(store.put("k", Timestamp(50), "late").code(), Status::Code::kNotFound);
  ASSERT_TRUE(store.flush().ok());
  EXPECT_EQ(below->writes, 1u);
  ASSERT_EQ(changelog.records.size(), 1u);
  EXPECT_EQ(changelog.records[0].value, "new");
  EXPECT_EQ(store.cache().size(), 1u);
}

// The size a cache settles at after each write never exceeds cache.max.bytes, and the peak the
// probe publishes is the one an independent model of the accounting (key + value + per-entry
// overhead, whole-cache eviction when over) computes.
TEST(CachingKeyValueStore, PeakSettledSizeStaysWithinBudgetAndIsPublishedAtFlush) {
  constexpr size_t kBudget = 4096;
  metrics::Registry registry;
  CachingKeyValueStore store(std::make_unique<InMemoryKeyValueStore>("s"), kBudget,
                             CacheProbe(&registry, "s", "0_1"));
  std::mt19937_64 rng(7);
  std::map<std::string, std::string> model;
  size_t model_peak = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string key = "k" + std::to_string(rng() % 200);
    const std::string value(rng() % 100, 'v');
    ASSERT_TRUE(store.put(key, value).ok());
    model[key] = value;
    size_t bytes = 0;
    for (const auto& [k, v] : model) bytes += k.size() + v.size() + RecordCache::kEntryOverhead;
    if (bytes > kBudget) {
      model.clear();
      bytes = 0;
    }
    model_peak = std::max(model_peak, bytes);
    ASSERT_LE(store.cache().bytes(), kBudget) << i;
  }
  EXPECT_EQ(store.cache().peak_bytes(), model_peak);
  EXPECT_GT(model_peak, kBudget / 2);  // the cache did fill up
  const metrics::Labels labels{{"store", "s"}, {"task", "0_1"}};
  EXPECT_EQ(registry.value("sluice_record_cache_peak_bytes", labels), 0);  // not before a flush
  ASSERT_TRUE(store.flush().ok());
  EXPECT_EQ(registry.value("sluice_record_cache_peak_bytes", labels),
            static_cast<double>(model_peak));
  EXPECT_EQ(registry.value("sluice_record_cache_max_bytes", labels), static_cast<double>(kBudget));
}

}  // namespace
}  // namespace sluice::state
