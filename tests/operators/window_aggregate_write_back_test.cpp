// The window aggregate keeps its open cells in a write-back buffer of its own (see
// window_aggregate_processor.h): checked here against the brute-force model at every commit
// (store contents and changelog records), with budgets from "plenty" down to "spill after every
// record", and across restarts, where cells come back from the store.
#include "operators/window_aggregate_support.h"
#include "state/window_key.h"

namespace sluice::ops {
namespace {

using namespace wagg_test;  // NOLINT: the shared test vocabulary

struct Case {
  EmitMode emit;
  bool hopping;
  size_t max_open_bytes;
};

std::string name(const Case& c) {
  return std::string(c.emit == EmitMode::kFinal ? "Final" : "OnUpdate") +
         (c.hopping ? "Hopping" : "Tumbling") +
         (c.max_open_bytes == 0           ? "SpillEveryRecord"
          : c.max_open_bytes < (8u << 20) ? "SmallBudget"
                                          : "");
}

CellId cell_id(const testing::ChangelogRecord& r) {
  const auto w = state::decode_window_key(r.key);
  EXPECT_TRUE(w.has_value());
  int set = 0;
  std::string text = readable_from_store_key(w->key, set);
  return {set, std::move(text), w->window_start.ms()};
}

class WindowAggregateWriteBack : public ::testing::TestWithParam<Case> {};

TEST_P(WindowAggregateWriteBack, EachCommitLogsEachChangedOrClosedCellWithTheModelsValue) {
  const Case c = GetParam();
  const bool final = c.emit == EmitMode::kFinal;
  const int64_t size = 60'000, advance = c.hopping ? 20'000 : 60'000, grace = 5'000;
  StreamsBuilder b;
  auto options = cube_options(size, advance, grace, c.emit);
  options.max_open_bytes = c.max_open_bytes;
  KStream agg = b.stream(tags_source()).window_aggregate(options);
  agg.to({.topic = "out", .format = serde::Format::kProtobuf});
  Topology topology = b.build();
  TempDir dir;
  testing::TestDriverOptions driver_options;
  driver_options.state_dir = dir.path.string();
  TopologyTestDriver driver(topology, driver_options);
  Output o(agg.schema());
  Model model{size, advance, grace};
  const bool spills = c.max_open_bytes < (8u << 20);

  std::map<CellId, bool> expected;  // changed or closed since the last commit -> closed (kFinal)
  size_t logged = 0, commits = 0;
  const auto evs = events(3000, c.hopping ? 71 : 72, 3);
  for (size_t i = 0; i < evs.size(); ++i) {
    const size_t before = model.updates.size();
    ASSERT_TRUE(driver.pipe("tags", "", to_json(evs[i]), Timestamp(evs[i].ts)).ok());
    model.add(evs[i]);
    for (size_t u = before; u < model.updates.size(); ++u)
      expected.emplace(model.updates[u].first, false);
    const auto out = driver.read_output("out");
    if (final) {
      std::set<CellId> got;
      for (const auto& r : out) {
        const serde::Row row = o.decode(r);
        got.insert(o.id(row, r.key));
        expect_cell(o, row, r.key, o.id(row, r.key), model.cells.at(o.id(row, r.key)), size);
      }
      const auto closed = model.newly_closed(model.stream_time);
      ASSERT_EQ(got, closed) << "record " << i;
      for (const auto& id : closed) expected[id] = true;
    } else {
      ASSERT_EQ(out.size(), model.updates.size() - before);
      for (size_t k = 0; k < out.size(); ++k) {
        const serde::Row row = o.decode(out[k]);
        const auto& [id, cell] = model.updates[before + k];
        ASSERT_NO_FATAL_FAILURE(expect_cell(o, row, out[k].key, id, cell, size));
      }
    }
    if (i % 97 != 96 && i + 1 != evs.size()) continue;

    ASSERT_TRUE(driver.commit().ok());
    ++commits;
    const auto& log = driver.changelog("agg-store");
    std::map<CellId, std::string_view> latest;
    for (size_t k = logged; k < log.size(); ++k) {
      ASSERT_TRUE(log[k].value.has_value());
      const CellId id = cell_id(log[k]);
      // Without spills each changed cell is logged once per commit, as the record cache did.
      EXPECT_TRUE(latest.emplace(id, *log[k].value).second || spills)
          << "logged twice: " << std::get<1>(id) << "@" << std::get<2>(id);
      latest[id] = *log[k].value;
    }
    logged = log.size();
    ASSERT_EQ(latest.size(), expected.size()) << "commit " << commits;
    for (const auto& [id, closed] : expected) {
      auto it = latest.find(id);
      ASSERT_NE(it, latest.end()) << std::get<1>(id) << "@" << std::get<2>(id) << " not logged";
      ASSERT_NO_FATAL_FAILURE(expect_stored_cell(it->second, model.cells.at(id)));
      EXPECT_EQ(at<uint8_t>(it->second, 8), closed ? 1 : 0) << "emitted flag";
    }
    expected.clear();
  }
  EXPECT_GT(commits, 30u);
  EXPECT_EQ(dropped(driver, "agg", "late"), static_cast<double>(model.late));

  // Reads after a commit see every cell, with its latest value.
  auto it = driver.window_store("agg-store")->fetch_all(Timestamp::min(), Timestamp::max());
  size_t stored = 0;
  for (; it->valid(); it->next(), ++stored) {
    int set = 0;
    const std::string text = readable_from_store_key(it->key(), set);
    auto cell = model.cells.find({set, text, it->window_start().ms()});
    ASSERT_NE(cell, model.cells.end()) << text << "@" << it->window_start().ms();
    ASSERT_NO_FATAL_FAILURE(expect_stored_cell(it->value(), cell->second));
  }
  ASSERT_TRUE(it->status().ok());
  EXPECT_EQ(stored, model.cells.size());
}

// A restart in the middle: the second task reads the open cells back from the store (kOnUpdate
// continues their values; kFinal emits them when their window closes), whatever the budget.
TEST_P(WindowAggregateWriteBack, ARestartedTaskContinuesFromTheStoredCells) {
  const Case c = GetParam();
  const bool final = c.emit == EmitMode::kFinal;
  const int64_t size = 60'000, advance = c.hopping ? 20'000 : 60'000, grace = 5'000;
  StreamsBuilder b;
  auto options = cube_options(size, advance, grace, c.emit);
  options.max_open_bytes = c.max_open_bytes;
  KStream agg = b.stream(tags_source()).window_aggregate(options);
  agg.to({.topic = "out", .format = serde::Format::kProtobuf});
  Topology topology = b.build();
  TempDir dir;
  testing::TestDriverOptions driver_options;
  driver_options.state_dir = dir.path.string();
  Output o(agg.schema());
  Model model{size, advance, grace};
  auto evs = events(2000, c.hopping ? 81 : 82, 0, 2000);  // no late records: a restart
  Ev sentinel = evs.back();                               // forgets stream time
  sentinel.ts += 10 * size;
  evs.push_back(sentinel);
  size_t emitted = 0;
  for (int part = 0; part < 2; ++part) {
    TopologyTestDriver driver(topology, driver_options);
    for (size_t i = part * 1000; i < (part == 0 ? 1000 : evs.size()); ++i) {
      const size_t before = model.updates.size();
      ASSERT_TRUE(driver.pipe("tags", "", to_json(evs[i]), Timestamp(evs[i].ts)).ok());
      model.add(evs[i]);
      const auto out = driver.read_output("out");
      if (final) {
        std::set<CellId> got;
        for (const auto& r : out) {
          const serde::Row row = o.decode(r);
          const CellId id = o.id(row, r.key);
          EXPECT_TRUE(got.insert(id).second) << "emitted twice: " << r.key;
          expect_cell(o, row, r.key, id, model.cells.at(id), size);
        }
        ASSERT_EQ(got, model.newly_closed(model.stream_time)) << "record " << i;
        emitted += got.size();
      } else {
        ASSERT_EQ(out.size(), model.updates.size() - before);
        for (size_t k = 0; k < out.size(); ++k) {
          const serde::Row row = o.decode(out[k]);
          const auto& [id, cell] = model.updates[before + k];
          ASSERT_NO_FATAL_FAILURE(expect_cell(o, row, out[k].key, id, cell, size));
        }
      }
    }
    ASSERT_TRUE(driver.commit().ok());
  }
  if (final) {
    EXPECT_EQ(emitted, model.emitted.size());
    EXPECT_EQ(emitted, model.cells.size() - 8 * static_cast<size_t>(size / advance));
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, WindowAggregateWriteBack,
                         ::testing::Values(Case{EmitMode::kFinal, false, size_t{256} << 20},
                                           Case{EmitMode::kFinal, true, size_t{256} << 20},
                                           Case{EmitMode::kOnUpdate, true, size_t{256} << 20},
                                           Case{EmitMode::kFinal, true, 2'500'000},
                                           Case{EmitMode::kOnUpdate, true, 2'500'000},
                                           Case{EmitMode::kFinal, false, 0},
                                           Case{EmitMode::kOnUpdate, true, 0}),
                         [](const auto& info) { return name(info.param); });

}  // namespace
}  // namespace sluice::ops
