// Retention drops whole segments: for both bottom stores, and through a full stack.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

#include "state/caching_window_store.h"
#include "state/change_logging_window_store.h"
#include "state/in_memory_window_store.h"
#include "state/metered_window_store.h"
#include "state/rocksdb_window_store.h"
#include "state/segment_clock.h"
#include "state/store_options.h"
#include "state/store_test_support.h"

namespace sluice::state {
namespace {

using test::Windows;

constexpr DurationMs kRetention = 1000;
constexpr DurationMs kInterval = 100;

size_t column_families(const std::string& dir) {
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  return names.size();
}

// Each test runs on both bottoms; `bottom` is the bottom store, `store` the stack over it.
class WindowRetention : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override { open(); }

  void open() {
    std::unique_ptr<WindowStore> b;
    if (GetParam() == StoreBackend::kRocksDB) {
      auto r = std::make_unique<RocksDBWindowStore>("win", path(), kRetention, kInterval);
      rocks_ = r.get();
      b = std::move(r);
    } else {
      auto m = std::make_unique<InMemoryWindowStore>("win", kRetention, kInterval);
      memory_ = m.get();
      b = std::move(m);
    }
    store_ = std::make_unique<MeteredWindowStore>(
        std::make_unique<CachingWindowStore>(
            std::make_unique<ChangeLoggingWindowStore>(std::move(b), changelog_), 1 << 20),
        StoreProbe(nullptr, "win", "0_0"));
  }
  std::string path() const { return dir_.path() + "/win"; }
  SegmentStats stats() const { return rocks_ ? rocks_->segment_stats() : memory_->segment_stats(); }
  std::vector<int64_t> starts(const Windows& ws) {
    std::vector<int64_t> out;
    for (const auto& w : ws) out.push_back(std::get<1>(w));
    return out;
  }

  test::TempDir dir_;
  test::RecordingChangelog changelog_;
  RocksDBWindowStore* rocks_ = nullptr;
  InMemoryWindowStore* memory_ = nullptr;
  std::unique_ptr<WindowStore> store_;
};

TEST_P(WindowRetention, DropsExpiredSegmentsWhole) {
  // Windows every 50 ms over [0, 2000): segments 0..19, two windows each.
  for (int64_t t = 0; t < 2000; t += 50) ASSERT_TRUE(store_->put("k", Timestamp(t), "v").ok());
  ASSERT_TRUE(store_->put("other", Timestamp(120), "v").ok());
  ASSERT_TRUE(store_->flush().ok());
  EXPECT_EQ(stats().live_segments, 20u);
  if (rocks_) {
    EXPECT_EQ(column_families(path()), 21u);  // + default
  }

  // Cutoff 1550 - 1000 = 550: segments ending at or before 550 (ids 0..4) go.
  ASSERT_TRUE(store_->advance_time(Timestamp(1550)).ok());
  EXPECT_EQ(stats().live_segments, 15u);
  EXPECT_EQ(stats().segments_dropped, 5u);
  if (rocks_) {
    EXPECT_EQ(column_families(path()), 16u);
  }

  std::string out;
  EXPECT_EQ(store_->get("k", Timestamp(450), out).code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->get("other", Timestamp(120), out).code(), Status::Code::kNotFound);
  EXPECT_TRUE(store_->get("k", Timestamp(500), out).ok());
  EXPECT_EQ(store_->put("k", Timestamp(499), "late").code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->remove("k", Timestamp(0)).code(), Status::Code::kNotFound);
  EXPECT_TRUE(store_->put("k", Timestamp(500), "on time").ok());
  EXPECT_TRUE(store_->expired(Timestamp(499)));
  EXPECT_FALSE(store_->expired(Timestamp(500)));

  const Windows all = test::collect(*store_->fetch("k", Timestamp::min(), Timestamp::max()));
  ASSERT_EQ(all.size(), 30u);
  EXPECT_EQ(std::get<1>(all.front()), 500);
  EXPECT_EQ(std::get<2>(all.front()), "on time");
  EXPECT_EQ(stats().segments_visited, 15u);
  EXPECT_EQ(test::collect(*store_->fetch_all(Timestamp(0), Timestamp(2000))).size(), 30u);
  EXPECT_EQ(stats().segments_visited, 15u);
}

TEST_P(WindowRetention, RangeScanTouchesOnlyLiveSegmentsOverlappingIt) {
  for (int64_t t = 0; t < 2000; t += 50) ASSERT_TRUE(store_->put("k", Timestamp(t), "v").ok());
  ASSERT_TRUE(store_->advance_time(Timestamp(1550)).ok());  // live: 5..19

  EXPECT_EQ(starts(test::collect(*store_->fetch("k", Timestamp(700), Timestamp(900)))),
            (std::vector<int64_t>{700, 750, 800, 850}));
  EXPECT_EQ(stats().segments_visited, 2u);  // 7, 8
  EXPECT_EQ(starts(test::collect(*store_->fetch("k", Timestamp(0), Timestamp(600)))),
            (std::vector<int64_t>{500, 550}));
  EXPECT_EQ(stats().segments_visited, 1u);  // only 5: 0..4 are gone
  EXPECT_TRUE(test::collect(*store_->fetch("k", Timestamp(0), Timestamp(500))).empty());
  EXPECT_EQ(stats().segments_visited, 0u);
  EXPECT_EQ(test::collect(*store_->fetch_all(Timestamp(1901), Timestamp(5000))).size(), 1u);
  EXPECT_EQ(stats().segments_visited, 1u);  // 19
  EXPECT_TRUE(test::collect(*store_->fetch("k", Timestamp(900), Timestamp(900))).empty());
  EXPECT_EQ(stats().segments_visited, 0u);
}

TEST_P(WindowRetention, StreamTimeNeverMovesBack) {
  ASSERT_TRUE(store_->put("k", Timestamp(0), "v").ok());
  ASSERT_TRUE(store_->advance_time(Timestamp(5000)).ok());
  ASSERT_TRUE(store_->advance_time(Timestamp(0)).ok());
  EXPECT_EQ(store_->put("k", Timestamp(0), "v").code(), Status::Code::kNotFound);
  EXPECT_EQ(stats().live_segments, 0u);
}

// Only persistent stores can be reopened.
class PersistentWindowRetention : public WindowRetention {};

TEST_P(PersistentWindowRetention, ReopenedStoreRediscoversItsSegments) {
  for (int64_t t = -250; t < 1000; t += 50) ASSERT_TRUE(store_->put("k", Timestamp(t), "v").ok());
  store_->close();  // flushes the cache, then closes RocksDB
  store_.reset();
  rocks_ = nullptr;
  open();
  EXPECT_EQ(stats().live_segments, 13u);  // -3..9
  EXPECT_EQ(test::collect(*store_->fetch("k", Timestamp(-300), Timestamp(1000))).size(), 25u);
  ASSERT_TRUE(store_->advance_time(Timestamp(1300)).ok());  // cutoff 300: -3..2 go
  EXPECT_EQ(stats().live_segments, 7u);
  EXPECT_EQ(column_families(path()), 8u);
  store_.reset();
  EXPECT_THROW(RocksDBWindowStore("win", path(), kRetention, kInterval * 2), std::runtime_error);
}

INSTANTIATE_TEST_SUITE_P(Backends, PersistentWindowRetention,
                         ::testing::Values(StoreBackend::kRocksDB),
                         [](const auto&) { return std::string("RocksDB"); });

INSTANTIATE_TEST_SUITE_P(Backends, WindowRetention,
                         ::testing::Values(StoreBackend::kRocksDB, StoreBackend::kInMemory),
                         [](const auto& info) {
                           return info.param == StoreBackend::kRocksDB ? "RocksDB" : "InMemory";
                         });

TEST(SegmentClock, ExpiresSegmentsWhoseEndIsAtOrBeforeStreamTimeMinusRetention) {
  SegmentClock clock(1000, 100);
  EXPECT_FALSE(clock.expired(Timestamp::min()));  // no stream time yet
  EXPECT_EQ(clock.segment_of(Timestamp(-1)), -1);
  EXPECT_EQ(clock.segment_of(Timestamp(-100)), -1);
  EXPECT_EQ(clock.segment_of(Timestamp(-101)), -2);
  EXPECT_TRUE(clock.advance(Timestamp(1200)));  // cutoff 200: segments 0, 1 end at <= 200
  EXPECT_TRUE(clock.expired(Timestamp(199)));
  EXPECT_FALSE(clock.expired(Timestamp(200)));
  EXPECT_FALSE(clock.advance(Timestamp(1100)));
  EXPECT_EQ(clock.stream_time(), Timestamp(1200));
  EXPECT_FALSE(clock.advance(Timestamp(1250)));  // same segments
  SegmentClock early(1000, 100);
  early.advance(Timestamp::min());  // saturates, no overflow
  EXPECT_FALSE(early.expired(Timestamp::min()));
}

TEST(SegmentClock, DefaultIntervalIsHalfTheRetentionButAtLeastAMinute) {
  EXPECT_EQ(SegmentClock(24 * 3600 * 1000, 0).interval_ms(), 12 * 3600 * 1000);
  EXPECT_EQ(SegmentClock(10'000, 0).interval_ms(), 60'000);
  EXPECT_EQ(SegmentClock(10'000, 500).interval_ms(), 500);
  EXPECT_THROW(SegmentClock(-1, 0), std::invalid_argument);
}

}  // namespace
}  // namespace sluice::state
