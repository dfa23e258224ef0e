// The factory stacks the layers the options ask for; the metered layer counts through StoreProbe.
#include "state/store_options.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "metrics/registry.h"
#include "state/store_test_support.h"

namespace sluice::state {
namespace {

StoreOptions kv_options(StoreBackend backend = StoreBackend::kInMemory) {
  StoreOptions o;
  o.name = "counts";
  o.backend = backend;
  return o;
}

TEST(StoreOptions, RefusesInconsistentOptions) {
  test::RecordingChangelog changelog;
  StoreContext context;
  EXPECT_THROW(build_key_value_store(kv_options(), context), std::invalid_argument);  // logging
  context.changelog = &changelog;
  EXPECT_THROW(build_key_value_store(kv_options(StoreBackend::kRocksDB), context),
               std::invalid_argument);  // no state_dir
  StoreOptions unnamed = kv_options();
  unnamed.name.clear();
  EXPECT_THROW(build_key_value_store(unnamed, context), std::invalid_argument);
  EXPECT_THROW(build_window_store(kv_options(), context), std::invalid_argument);  // wrong kind
  StoreOptions window = kv_options();
  window.kind = StoreKind::kWindow;
  window.retention_ms = -1;
  EXPECT_THROW(build_window_store(window, context), std::invalid_argument);
}

TEST(StoreOptions, ThrowsWhenRocksDBCannotOpen) {
  test::TempDir dir;
  StoreContext context;
  context.state_dir = dir.path() + "/file";
  {
    std::FILE* f = std::fopen(context.state_dir.c_str(), "w");  // a file where a dir must go
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  StoreOptions o = kv_options(StoreBackend::kRocksDB);
  o.logging = false;
  EXPECT_THROW(build_key_value_store(o, context), std::runtime_error);
}

TEST(StoreOptions, BuildsPersistentStoresUnderStateDirSlashName) {
  test::TempDir dir;
  test::RecordingChangelog changelog;
  StoreContext context{dir.path() + "/app/0_0", &changelog, nullptr, "0_0"};
  auto kv = build_key_value_store(kv_options(StoreBackend::kRocksDB), context);
  EXPECT_TRUE(kv->persistent());
  EXPECT_EQ(kv->name(), "counts");
  EXPECT_EQ(kv->kind(), StoreKind::kKeyValue);
  StoreOptions w = kv_options(StoreBackend::kRocksDB);
  w.name = "windows";
  w.kind = StoreKind::kWindow;
  auto ws = build_window_store(w, context);
  EXPECT_EQ(ws->kind(), StoreKind::kWindow);
  EXPECT_EQ(ws->retention_ms(), 24 * 3600 * 1000);
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/app/0_0/counts"));
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/app/0_0/windows"));
}

TEST(StoreOptions, KeyValueChangelogCarriesTheRecordTime) {
  test::RecordingChangelog changelog;
  Timestamp now(1234);
  StoreContext context{"", &changelog, nullptr, "0_0", &now};
  StoreOptions o = kv_options();
  o.caching = false;
  auto kv = build_key_value_store(o, context);
  ASSERT_TRUE(kv->put("k", "v").ok());
  ASSERT_EQ(changelog.records.size(), 1u);
  EXPECT_EQ(changelog.records[0].store, "counts");
  EXPECT_EQ(changelog.records[0].timestamp, Timestamp(1234));
}

TEST(MeteredStore, CountsPutsGetsDeletesAndFlushesPerStoreAndTask) {
  metrics::Registry registry;
  test::RecordingChangelog changelog;
  StoreContext context{"", &changelog, &registry, "1_2"};
  auto kv = build_key_value_store(kv_options(), context);
  ASSERT_TRUE(kv->put("a", "1").ok());
  ASSERT_TRUE(kv->put("a", "2").ok());
  std::string out;
  ASSERT_TRUE(kv->get("a", out).ok());
  ASSERT_TRUE(kv->remove("a").ok());
  std::vector<KeyValueWrite> batch{{"b", "1"}, {"c", std::nullopt}};
  ASSERT_TRUE(kv->write_batch(batch).ok());
  ASSERT_TRUE(kv->flush().ok());
  const metrics::Labels labels{{"store", "counts"}, {"task", "1_2"}};
  EXPECT_EQ(registry.value("sluice_store_puts_total", labels), 3);
  EXPECT_EQ(registry.value("sluice_store_gets_total", labels), 1);
  EXPECT_EQ(registry.value("sluice_store_deletes_total", labels), 2);
  EXPECT_EQ(registry.value("sluice_store_flushes_total", labels), 1);

  StoreOptions w = kv_options();
  w.name = "win";
  w.kind = StoreKind::kWindow;
  auto ws = build_window_store(w, context);
  ASSERT_TRUE(ws->put("k", Timestamp(0), "v").ok());
  EXPECT_EQ(ws->get("k", Timestamp(1), out).code(), Status::Code::kNotFound);
  const metrics::Labels wl{{"store", "win"}, {"task", "1_2"}};
  EXPECT_EQ(registry.value("sluice_store_puts_total", wl), 1);
  EXPECT_EQ(registry.value("sluice_store_gets_total", wl), 1);
}

TEST(MeteredStore, WorksWithoutARegistry) {
  test::RecordingChangelog changelog;
  StoreContext context{"", &changelog, nullptr, "0_0"};
  auto kv = build_key_value_store(kv_options(), context);
  ASSERT_TRUE(kv->put("a", "1").ok());
  ASSERT_TRUE(kv->flush().ok());
  EXPECT_EQ(changelog.records.size(), 1u);
}

}  // namespace
}  // namespace sluice::state
