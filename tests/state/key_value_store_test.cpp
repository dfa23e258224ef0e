// Every key-value stack (RocksDB | in-memory) x (caching on/off) x (logging on/off) against a
// std::map model over thousands of seeded random operations, across flushes, reopening, and
// replaying the changelog into a fresh bottom store.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "state/in_memory_key_value_store.h"
#include "state/rocksdb_key_value_store.h"
#include "state/store_options.h"
#include "state/store_test_support.h"

namespace sluice::state {
namespace {

using test::KvPairs;
using Model = std::map<std::string, std::string>;
using Param = std::tuple<StoreBackend, bool /*caching*/, bool /*logging*/>;

KvPairs model_range(const Model& m, const std::string& from, const std::string& to) {
  KvPairs out;
  for (auto it = m.lower_bound(from); it != m.end() && (to.empty() || it->first < to); ++it) {
    out.emplace_back(it->first, it->second);
  }
  return out;
}

KvPairs model_all(const Model& m) { return KvPairs(m.begin(), m.end()); }

class KeyValueStacks : public ::testing::TestWithParam<Param> {
 protected:
  StoreBackend backend() const { return std::get<0>(GetParam()); }
  bool caching() const { return std::get<1>(GetParam()); }
  bool logging() const { return std::get<2>(GetParam()); }

  std::unique_ptr<KeyValueStore> open() {
    StoreOptions options;
    options.name = "kv";
    options.backend = backend();
    options.caching = caching();
    options.logging = logging();
    options.cache_max_bytes = 4096;  // small: the random walk also exercises eviction
    StoreContext context;
    context.state_dir = dir_.path();
    context.changelog = &changelog_;
    context.task_id = "0_0";
    return build_key_value_store(options, context);
  }

  // Restores the changelog into a fresh bottom store of `backend` and returns its contents.
  KvPairs replay_changelog(StoreBackend backend) {
    test::TempDir dir;
    std::unique_ptr<KeyValueStore> fresh;
    if (backend == StoreBackend::kRocksDB) {
      fresh = std::make_unique<RocksDBKeyValueStore>("kv", dir.path() + "/kv");
    } else {
      fresh = std::make_unique<InMemoryKeyValueStore>("kv");
    }
    auto records = changelog_.restore_records();
    EXPECT_TRUE(fresh->restore(records).ok());
    return test::collect(*fresh->all());
  }

  test::TempDir dir_;
  test::RecordingChangelog changelog_;
};

TEST_P(KeyValueStacks, MatchModelOverRandomOperations) {
  std::mt19937_64 rng(20240611);
  Model model;
  auto store = open();
  const bool rocks = backend() == StoreBackend::kRocksDB;
  for (int op = 0; op < 5000; ++op) {
    const int dice = static_cast<int>(rng() % 100);
    const std::string key = test::random_key(rng);
    if (dice < 35) {
      const std::string value = test::random_value(rng);
      ASSERT_TRUE(store->put(key, value).ok());
      model[key] = value;
    } else if (dice < 47) {
      ASSERT_TRUE(store->remove(key).ok());
      model.erase(key);
    } else if (dice < 67) {
      std::string out;
      Status st = store->get(key, out);
      auto it = model.find(key);
      if (it == model.end()) {
        ASSERT_EQ(st.code(), Status::Code::kNotFound) << "op " << op;
      } else {
        ASSERT_TRUE(st.ok()) << st.to_string();
        ASSERT_EQ(out, it->second) << "op " << op;
      }
    } else if (dice < 77) {
      std::string to = rng() % 5 == 0 ? std::string() : test::random_key(rng);
      ASSERT_EQ(test::collect(*store->range(key, to)), model_range(model, key, to)) << "op " << op;
    } else if (dice < 80) {
      ASSERT_EQ(test::collect(*store->all()), model_all(model)) << "op " << op;
    } else if (dice < 88) {
      std::vector<KeyValueWrite> batch;
      for (size_t i = 0, n = 1 + rng() % 8; i < n; ++i) {
        KeyValueWrite w{test::random_key(rng), std::nullopt};
        if (rng() % 4 != 0) w.value = test::random_value(rng);
        if (w.value) {
          model[w.key] = *w.value;
        } else {
          model.erase(w.key);
        }
        batch.push_back(std::move(w));
      }
      ASSERT_TRUE(store->write_batch(batch).ok());
    } else if (dice < 96) {
      ASSERT_TRUE(store->flush().ok());
    } else if (!rocks) {
      ASSERT_EQ(store->approximate_num_entries(), model.size());
    }
    if (rocks && op % 500 == 499) {
      ASSERT_TRUE(store->flush().ok());
      store->close();
      store = open();  // the same directory
    }
  }
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(test::collect(*store->all()), model_all(model));
  if (rocks) {
    store.reset();  // closes
    store = open();
    EXPECT_EQ(test::collect(*store->all()), model_all(model)) << "after reopening";
  }
  if (logging()) {
    EXPECT_EQ(replay_changelog(StoreBackend::kInMemory), model_all(model));
    EXPECT_EQ(replay_changelog(StoreBackend::kRocksDB), model_all(model));
  } else {
    EXPECT_TRUE(changelog_.records.empty());
  }
}

TEST_P(KeyValueStacks, RestoreBypassesCacheAndChangelog) {
  auto store = open();
  ASSERT_TRUE(store->put("a", "old").ok());
  ASSERT_TRUE(store->flush().ok());
  const size_t logged = changelog_.records.size();
  const std::vector<RestoreRecord> records{
      {"a", "new"}, {"b", "2"}, {"c", "3"}, {"c", std::nullopt}};
  ASSERT_TRUE(store->restore(records).ok());
  EXPECT_EQ(changelog_.records.size(), logged);
  std::string out;
  ASSERT_TRUE(store->get("a", out).ok());
  EXPECT_EQ(out, "new");  // no stale cached value
  EXPECT_EQ(test::collect(*store->all()), (KvPairs{{"a", "new"}, {"b", "2"}}));
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(changelog_.records.size(), logged);
}

TEST_P(KeyValueStacks, RangeSeesUnflushedWritesAndDeletes) {
  auto store = open();
  ASSERT_TRUE(store->put("a", "1").ok());
  ASSERT_TRUE(store->put("b", "2").ok());
  ASSERT_TRUE(store->flush().ok());
  ASSERT_TRUE(store->remove("a").ok());
  ASSERT_TRUE(store->put("c", "3").ok());
  EXPECT_EQ(test::collect(*store->range("", "")), (KvPairs{{"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(test::collect(*store->range("b", "c")), (KvPairs{{"b", "2"}}));
  EXPECT_EQ(test::collect(*store->range("c", "b")), KvPairs{});
}

std::string param_name(const ::testing::TestParamInfo<Param>& info) {
  const auto& [backend, caching, logging] = info.param;
  return std::string(backend == StoreBackend::kRocksDB ? "RocksDB" : "InMemory") +
         (caching ? "_Cached" : "_Uncached") + (logging ? "_Logged" : "_Unlogged");
}

INSTANTIATE_TEST_SUITE_P(AllStacks, KeyValueStacks,
                         ::testing::Combine(::testing::Values(StoreBackend::kRocksDB,
                                                              StoreBackend::kInMemory),
                                            ::testing::Bool(), ::testing::Bool()),
                         param_name);

}  // namespace
}  // namespace sluice::state
