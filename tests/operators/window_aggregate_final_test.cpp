// window_aggregate with EmitMode::kFinal through the TopologyTestDriver: each window emitted once,
// exactly when stream time (or, with idle_close_ms, the wall clock) closes it, with brute-force
// values; late records dropped and counted; a restarted task neither loses nor repeats results.
#include "operators/window_aggregate_support.h"

namespace sluice::ops {
namespace {

using namespace wagg_test;  // NOLINT: the shared test vocabulary

TEST(WindowAggregateFinal, EmitsEachWindowOnceWithBruteForceValuesWhenStreamTimePassesItsEnd) {
  const int64_t size = 60'000, advance = 20'000, grace = 5'000;
  StreamsBuilder b;
  KStream agg = b.stream(tags_source())
                    .window_aggregate(cube_options(size, advance, grace, EmitMode::kFinal));
  agg.to({.topic = "out", .format = serde::Format::kProtobuf});
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  Output o(agg.schema());
  Model model{size, advance, grace};
  auto evs = events(3000, 21, 3);
  Ev sentinel = evs.front();  // far enough ahead to close every earlier window
  sentinel.ts = kT0 + 3000 * 100 + 10 * size;
  evs.push_back(sentinel);
  const size_t emitted = pipe_and_check_final(driver, o, model, evs);
  size_t open = 0;
  for (const auto& [id, c] : model.cells) open += std::get<2>(id) + size + grace > sentinel.ts;
  EXPECT_EQ(emitted, model.emitted.size());
  EXPECT_EQ(emitted + open, model.cells.size());
  EXPECT_GT(emitted, 1000u);
  EXPECT_GT(model.late, 30);
  EXPECT_EQ(dropped(driver, "agg", "late"), static_cast<double>(model.late));
}

TEST(WindowAggregateFinal, EmitsFinalResultsOnTheWallClockAfterInputStops) {
  const int64_t size = 60'000, grace = 2'000, idle = 5'000;
  StreamsBuilder b;
  auto options = cube_options(size, size, grace, EmitMode::kFinal);
  options.idle_close_ms = idle;
  KStream agg = b.stream(tags_source()).window_aggregate(options);
  agg.to({.topic = "out", .format = serde::Format::kProtobuf});
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  Output o(agg.schema());
  Model model{size, size, grace};
  const auto evs = events(2000, 31, 2);
  // Traffic flows: the wall clock moves 10 ms per 50 records, never idle for 5 s.
  for (size_t i = 0; i < evs.size(); i += 50) {
    std::vector<Ev> chunk(evs.begin() + static_cast<long>(i),
                          evs.begin() + static_cast<long>(std::min(i + 50, evs.size())));
    pipe_and_check_final(driver, o, model, chunk);
    ASSERT_TRUE(driver.advance_wall_clock(10).ok());
    EXPECT_TRUE(driver.read_output("out").empty());
  }
  const int64_t stream_time = model.stream_time;
  const int64_t quiet_since = driver.wall_clock().ms() - 10;
  size_t by_wall_clock = 0;
  while (model.emitted.size() < model.cells.size()) {
    ASSERT_TRUE(driver.advance_wall_clock(1000).ok());
    const int64_t idle_for = driver.wall_clock().ms() - quiet_since;
    ASSERT_LT(idle_for, 10 * size) << "windows never closed";
    const auto expected =
        model.newly_closed(idle_for >= idle ? stream_time + idle_for : stream_time);
    std::set<CellId> got;
    for (const auto& r : driver.read_output("out")) {
      const serde::Row row = o.decode(r);
      const CellId id = o.id(row, r.key);
      EXPECT_TRUE(got.insert(id).second);
      expect_cell(o, row, r.key, id, model.cells.at(id), size);
    }
    EXPECT_EQ(got, expected) << "after " << idle_for << " ms idle";
    by_wall_clock += got.size();
  }
  EXPECT_GT(by_wall_clock, 8u);
}

TEST(WindowAggregateFinal, ARestartedTaskEmitsWhatWasPendingAndNothingTwice) {
  const int64_t size = 60'000, grace = 5'000;
  StreamsBuilder b;
  KStream agg =
      b.stream(tags_source()).window_aggregate(cube_options(size, size, grace, EmitMode::kFinal));
  agg.to({.topic = "out", .format = serde::Format::kProtobuf});
  Topology topology = b.build();
  TempDir dir;
  testing::TestDriverOptions options;
  options.state_dir = dir.path.string();
  Output o(agg.schema());
  Model model{size, size, grace};
  auto evs = events(2000, 41, 0, 2000);  // no late records: a restart forgets stream time
  Ev sentinel = evs.back();
  sentinel.ts += 10 * size;
  evs.push_back(sentinel);
  const std::vector<Ev> first(evs.begin(), evs.begin() + 1000),
      second(evs.begin() + 1000, evs.end());
  size_t emitted = 0;
  {
    TopologyTestDriver driver(topology, options);
    emitted += pipe_and_check_final(driver, o, model, first);
    ASSERT_TRUE(driver.commit().ok());
  }
  TopologyTestDriver driver(topology, options);
  emitted += pipe_and_check_final(driver, o, model, second);
  EXPECT_EQ(emitted, model.emitted.size());
  EXPECT_GT(emitted, 100u);
}

}  // namespace
}  // namespace sluice::ops
