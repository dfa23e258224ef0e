// Every window stack (RocksDB | in-memory) x (caching on/off) x (logging on/off) against a
// brute-force model over thousands of seeded random operations with out-of-order times and
// retention, plus the changelog replayed into fresh bottom stores.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "state/in_memory_window_store.h"
#include "state/rocksdb_window_store.h"
#include "state/store_options.h"
#include "state/store_test_support.h"

namespace sluice::state {
namespace {

using test::Windows;
using Param = std::tuple<StoreBackend, bool /*caching*/, bool /*logging*/>;

constexpr DurationMs kRetention = 1000;
constexpr DurationMs kInterval = 250;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The brute-force model: every window in one map; expiry computed from the definition.
struct WindowModel {
  std::map<std::pair<std::string, int64_t>, std::string> data;
  std::optional<int64_t> stream_time;

  static int64_t segment(int64_t start) { return floor_div(start, kInterval); }
  bool expired(int64_t start) const {
    return stream_time && (segment(start) + 1) * kInterval <= *stream_time - kRetention;
  }
  void advance(int64_t t) {
    if (stream_time && t <= *stream_time) return;
    stream_time = t;
    std::erase_if(data, [&](const auto& e) { return expired(e.first.second); });
  }
  Windows fetch(const std::string& key, int64_t from, int64_t to) const {
    Windows out;
    for (const auto& [k, v] : data) {
      if (k.first == key && k.second >= from && k.second < to) out.emplace_back(key, k.second, v);
    }
    return out;  // map order: ascending start for one key
  }
  // Ordered by segment, then key (length first, then bytes), then start.
  Windows fetch_all(int64_t from, int64_t to) const {
    Windows out;
    for (const auto& [k, v] : data) {
      if (k.second >= from && k.second < to) out.emplace_back(k.first, k.second, v);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      const auto& [ka, sa, va] = a;
      const auto& [kb, sb, vb] = b;
      return std::make_tuple(segment(sa), ka.size(), ka, sa) <
             std::make_tuple(segment(sb), kb.size(), kb, sb);
    });
    return out;
  }
};

class WindowStacks : public ::testing::TestWithParam<Param> {
 protected:
  StoreBackend backend() const { return std::get<0>(GetParam()); }
  bool caching() const { return std::get<1>(GetParam()); }
  bool logging() const { return std::get<2>(GetParam()); }

  std::unique_ptr<WindowStore> open() {
    StoreOptions options;
    options.name = "win";
    options.kind = StoreKind::kWindow;
    options.backend = backend();
    options.caching = caching();
    options.logging = logging();
    options.cache_max_bytes = 4096;
    options.retention_ms = kRetention;
    options.segment_interval_ms = kInterval;
    StoreContext context;
    context.state_dir = dir_.path();
    context.changelog = &changelog_;
    return build_window_store(options, context);
  }

  Windows replay_changelog(StoreBackend backend, int64_t stream_time) {
    test::TempDir dir;
    std::unique_ptr<WindowStore> fresh;
    if (backend == StoreBackend::kRocksDB) {
      fresh =
          std::make_unique<RocksDBWindowStore>("win", dir.path() + "/win", kRetention, kInterval);
    } else {
      fresh = std::make_unique<InMemoryWindowStore>("win", kRetention, kInterval);
    }
    auto records = changelog_.restore_records();
    EXPECT_TRUE(fresh->restore(records).ok());
    EXPECT_TRUE(fresh->advance_time(Timestamp(stream_time)).ok());
    return test::collect(*fresh->fetch_all(Timestamp::min(), Timestamp::max()));
  }

  test::TempDir dir_;
  test::RecordingChangelog changelog_;
};

TEST_P(WindowStacks, MatchModelOverRandomOperations) {
  std::mt19937_64 rng(42);
  WindowModel model;
  auto store = open();
  int64_t now = -3000;  // negative times too: segment ids below zero
  const bool rocks = backend() == StoreBackend::kRocksDB;
  auto random_start = [&] { return now + static_cast<int64_t>(rng() % 1900) - 1500; };
  for (int op = 0; op < 4000; ++op) {
    const int dice = static_cast<int>(rng() % 100);
    const std::string key = test::random_key(rng, 2);
    const int64_t start = random_start();
    if (dice < 30) {
      const std::string value = test::random_value(rng);
      Status st = store->put(key, Timestamp(start), value);
      if (model.expired(start)) {
        ASSERT_EQ(st.code(), Status::Code::kNotFound) << "op " << op;
      } else {
        ASSERT_TRUE(st.ok()) << st.to_string();
        model.data[{key, start}] = value;
      }
    } else if (dice < 38) {
      // Mostly delete windows that exist.
      auto target = std::pair{key, start};
      if (!model.data.empty() && rng() % 2 == 0) {
        auto it = model.data.begin();
        std::advance(it, static_cast<long>(rng() % model.data.size()));
        target = it->first;
      }
      Status st = store->remove(target.first, Timestamp(target.second));
      ASSERT_EQ(st.ok(), !model.expired(target.second)) << st.to_string();
      model.data.erase(target);
    } else if (dice < 55) {
      auto target = std::pair{key, start};
      if (!model.data.empty() && rng() % 2 == 0) {
        auto it = model.data.begin();
        std::advance(it, static_cast<long>(rng() % model.data.size()));
        target = it->first;
      }
      std::string out;
      Status st = store->get(target.first, Timestamp(target.second), out);
      auto it = model.data.find(target);
      if (it == model.data.end()) {
        ASSERT_EQ(st.code(), Status::Code::kNotFound) << "op " << op;
      } else {
        ASSERT_TRUE(st.ok()) << st.to_string();
        ASSERT_EQ(out, it->second);
      }
    } else if (dice < 70) {
      const int64_t to = start + static_cast<int64_t>(rng() % 1600) - 100;
      ASSERT_EQ(test::collect(*store->fetch(key, Timestamp(start), Timestamp(to))),
                model.fetch(key, start, to))
          << "op " << op;
    } else if (dice < 74) {
      const int64_t to = start + static_cast<int64_t>(rng() % 1600);
      ASSERT_EQ(test::collect(*store->fetch_all(Timestamp(start), Timestamp(to))),
                model.fetch_all(start, to))
          << "op " << op;
    } else if (dice < 86) {
      now += static_cast<int64_t>(rng() % 300) - 80;  // stream time never goes back
      ASSERT_TRUE(store->advance_time(Timestamp(now)).ok());
      model.advance(now);
    } else if (dice < 92) {
      std::vector<WindowWrite> batch;
      for (size_t i = 0, n = 1 + rng() % 6; i < n; ++i) {
        WindowWrite w{test::random_key(rng, 2), Timestamp(random_start()), std::nullopt};
        if (rng() % 4 != 0) w.value = test::random_value(rng);
        if (!model.expired(w.window_start.ms())) {
          auto k = std::pair{w.key, w.window_start.ms()};
          if (w.value) {
            model.data[k] = *w.value;
          } else {
            model.data.erase(k);
          }
        }
        batch.push_back(std::move(w));
      }
      ASSERT_TRUE(store->write_batch(batch).ok());
    } else {
      ASSERT_TRUE(store->flush().ok());
    }
    if (rocks && op % 500 == 499) {
      store->close();
      store.reset();
      store = open();  // reopen: segments rediscovered; stream time comes from the caller
      if (model.stream_time) {
        ASSERT_TRUE(store->advance_time(Timestamp(*model.stream_time)).ok());
      }
    }
  }
  ASSERT_TRUE(store->flush().ok());
  const Windows everything = model.fetch_all(INT64_MIN, INT64_MAX);
  EXPECT_EQ(test::collect(*store->fetch_all(Timestamp::min(), Timestamp::max())), everything);
  EXPECT_GT(everything.size(), 50u);
  if (logging()) {
    const int64_t stream_time = model.stream_time.value_or(INT64_MIN);
    EXPECT_EQ(replay_changelog(StoreBackend::kInMemory, stream_time), everything);
    EXPECT_EQ(replay_changelog(StoreBackend::kRocksDB, stream_time), everything);
  } else {
    EXPECT_TRUE(changelog_.records.empty());
  }
}

TEST_P(WindowStacks, PrefixKeysDoNotLeakIntoEachOthersFetches) {
  auto store = open();
  for (const char* k : {"a", "ab", "b", "aa", "a\xff"}) {
    for (int64_t t : {-10, 0, 100, 300}) ASSERT_TRUE(store->put(k, Timestamp(t), k).ok());
  }
  const Windows a = test::collect(*store->fetch("a", Timestamp(-100), Timestamp(400)));
  ASSERT_EQ(a.size(), 4u);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(std::get<0>(a[i]), "a");
  EXPECT_EQ(std::get<1>(a[0]), -10);
  EXPECT_EQ(std::get<1>(a[3]), 300);
  const Windows ab = test::collect(*store->fetch("ab", Timestamp(0), Timestamp(300)));
  ASSERT_EQ(ab, (Windows{{"ab", 0, "ab"}, {"ab", 100, "ab"}}));
  EXPECT_TRUE(test::collect(*store->fetch("", Timestamp::min(), Timestamp::max())).empty());
}

TEST_P(WindowStacks, ViewBatchesReadAndLogAsWriteBatchesDo) {
  // Big one-window batches in store order (which the RocksDB bottom ingests as files), over
  // older cached and stored values, and batches that are not (shuffled, with tombstones).
  std::mt19937_64 rng(17);
  WindowModel model;
  auto store = open();
  for (int round = 0; round < 4; ++round) {
    const int64_t start = round * 100;  // segments 0, 0, 0, 1: two rounds in one segment
    std::vector<std::string> keys;
    for (int i = 0; i < 9000; ++i) keys.push_back("g" + std::to_string(i * 7 % 10007));
    for (int i = 0; i < 200; ++i) {  // older values: cached (when caching) or stored
      const std::string& k = keys[rng() % keys.size()];
      ASSERT_TRUE(store->put(k, Timestamp(start), "old").ok());
      model.data[{k, start}] = "old";
    }
    if (round == 2) {
      std::shuffle(keys.begin(), keys.end(), rng);
    } else {
      std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() < b.size() : a < b;
      });
    }
    std::vector<std::string> values;
    std::vector<WindowWriteView> views;
    for (size_t i = 0; i < keys.size(); ++i) values.push_back(test::random_value(rng));
    for (size_t i = 0; i < keys.size(); ++i) {
      const bool tombstone = round == 3 && i % 5 == 0;
      views.push_back({keys[i], Timestamp(start), values[i], tombstone});
      if (tombstone) {
        model.data.erase({keys[i], start});
      } else {
        model.data[{keys[i], start}] = values[i];
      }
    }
    ASSERT_TRUE(store->write_views(views).ok());
    for (size_t i = 0; i < keys.size(); i += 97) {
      std::string out;
      const Status st = store->get(keys[i], Timestamp(start), out);
      auto it = model.data.find({keys[i], start});
      ASSERT_EQ(st.ok(), it != model.data.end()) << keys[i];
      if (st.ok()) {
        ASSERT_EQ(out, it->second);
      }
    }
    ASSERT_TRUE(store->flush().ok());
    ASSERT_EQ(test::collect(*store->fetch_all(Timestamp::min(), Timestamp::max())),
              model.fetch_all(INT64_MIN, INT64_MAX))
        << "round " << round;
  }
  const Windows everything = model.fetch_all(INT64_MIN, INT64_MAX);
  if (backend() == StoreBackend::kRocksDB) {
    store->close();
    store = open();
    EXPECT_EQ(test::collect(*store->fetch_all(Timestamp::min(), Timestamp::max())), everything);
  }
  if (logging()) {
    EXPECT_EQ(replay_changelog(StoreBackend::kInMemory, INT64_MIN), everything);
    EXPECT_EQ(replay_changelog(StoreBackend::kRocksDB, INT64_MIN), everything);
  }
}

std::string param_name(const ::testing::TestParamInfo<Param>& info) {
  const auto& [backend, caching, logging] = info.param;
  return std::string(backend == StoreBackend::kRocksDB ? "RocksDB" : "InMemory") +
         (caching ? "_Cached" : "_Uncached") + (logging ? "_Logged" : "_Unlogged");
}

INSTANTIATE_TEST_SUITE_P(AllStacks, WindowStacks,
                         ::testing::Combine(::testing::Values(StoreBackend::kRocksDB,
                                                              StoreBackend::kInMemory),
                                            ::testing::Bool(), ::testing::Bool()),
                         param_name);

}  // namespace
}  // namespace sluice::state
