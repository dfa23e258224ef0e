// Every store stack keeps the input position it is given at commit: persistent stacks write it
// with the flush and read it back when reopened, whatever layers sit on top.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "state/store_options.h"
#include "state/store_test_support.h"

namespace sluice::state {
namespace {

StoreOptions options(StoreKind kind, StoreBackend backend) {
  StoreOptions o;
  o.name = "positioned";
  o.kind = kind;
  o.backend = backend;
  o.retention_ms = 3'600'000;
  return o;
}

std::unique_ptr<StateStore> build(const StoreOptions& o, const StoreContext& context) {
  if (o.kind == StoreKind::kWindow) return build_window_store(o, context);
  return build_key_value_store(o, context);
}

// Writes some state, so the position travels with a real batch.
void write_some(StateStore& store, int n) {
  for (int i = 0; i < n; ++i) {
    const std::string key = "k" + std::to_string(i);
    if (store.kind() == StoreKind::kWindow) {
      ASSERT_TRUE(static_cast<WindowStore&>(store).put(key, Timestamp(60'000), "v").ok());
    } else {
      ASSERT_TRUE(static_cast<KeyValueStore&>(store).put(key, "v").ok());
    }
  }
}

class StorePosition : public ::testing::TestWithParam<StoreKind> {};

TEST_P(StorePosition, RocksDBStackKeepsTheLastFlushedPositionAcrossReopen) {
  test::TempDir dir;
  test::RecordingChangelog changelog;
  StoreContext context{dir.path() + "/app/0_0", &changelog, nullptr, "0_0"};
  const StoreOptions o = options(GetParam(), StoreBackend::kRocksDB);
  std::mt19937_64 rng(7);
  std::string last;
  {
    auto store = build(o, context);
    EXPECT_FALSE(store->position().has_value()) << "a new store has no position";
    for (int commit = 0; commit < 20; ++commit) {
      write_some(*store, static_cast<int>(rng() % 5));  // some commits carry no state
      last = "position-" + std::to_string(rng());
      store->set_position(last);
      ASSERT_TRUE(store->flush().ok());
      EXPECT_EQ(store->position(), last);
    }
    // Set but never flushed: not what the state reflects, so not stored.
    store->set_position("unflushed");
    store->close();
  }
  auto reopened = build(o, context);
  EXPECT_EQ(reopened->position(), last);
  size_t logged_positions = 0;
  for (const auto& r : changelog.records) logged_positions += r.key.find("position") == 0;
  EXPECT_EQ(logged_positions, 0u) << "positions are not state: the changelog never sees them";
}

TEST_P(StorePosition, InMemoryStackKeepsItWhileItLives) {
  test::RecordingChangelog changelog;
  StoreContext context{"", &changelog, nullptr, "0_0"};
  auto store = build(options(GetParam(), StoreBackend::kInMemory), context);
  EXPECT_FALSE(store->position().has_value());
  write_some(*store, 3);
  store->set_position("p1");
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(store->position(), "p1");
}

INSTANTIATE_TEST_SUITE_P(Kinds, StorePosition,
                         ::testing::Values(StoreKind::kKeyValue, StoreKind::kWindow));

}  // namespace
}  // namespace sluice::state
