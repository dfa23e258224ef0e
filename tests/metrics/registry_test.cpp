#include "metrics/registry.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>

#include <atomic>

namespace sluice::metrics {
namespace {

TEST(Registry, CallbackSeriesAreReadEachTimeTheRegistryIsCollected) {
  Registry registry;
  std::atomic<int64_t> tasks{3};
  uint64_t commits = 10;
  registry.gauge_fn("sluice_active_tasks", "Tasks", {{"application", "a"}},
                    [&] { return static_cast<double>(tasks.load()); });
  registry.counter_fn("sluice_commits_total", "Commits", {{"application", "a"}},
                      [&] { return static_cast<double>(commits); });
  registry.counter("sluice_records_processed_total", "Processed", {{"task", "0_0"}}).Increment(2);
  EXPECT_EQ(registry.value("sluice_active_tasks", {{"application", "a"}}), 3);
  tasks = 5;
  commits = 12;
  EXPECT_EQ(registry.value("sluice_active_tasks", {{"application", "a"}}), 5);
  EXPECT_EQ(registry.sum("sluice_commits_total"), 12);
  const std::string text = registry.serialize();
  EXPECT_NE(text.find("# TYPE sluice_active_tasks gauge"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_active_tasks{application=\"a\"} 5"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE sluice_commits_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_records_processed_total{task=\"0_0\"} 2"), std::string::npos) << text;
  EXPECT_EQ(registry.collectables().size(), 2u);
}

}  // namespace
}  // namespace sluice::metrics
