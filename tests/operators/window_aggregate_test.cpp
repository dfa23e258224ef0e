// window_aggregate through the TopologyTestDriver on thousands of generated, out-of-order user
// tags (late ones included), each result compared with a brute-force model written here from
// the documented semantics; plus the hot path on a fake context (no allocation per record).
#include "operators/window_aggregate_support.h"

namespace sluice::test_alloc {
void start();  // defined in expression_test.cpp
size_t stop();
}  // namespace sluice::test_alloc

namespace sluice::ops {
namespace {

using namespace wagg_test;  // NOLINT: the shared test vocabulary

// --- on update ---------------------------------------------------------------------------------

struct Shape {
  bool hopping;
  bool rocksdb;
};

class WindowAggregateOnUpdate : public ::testing::TestWithParam<Shape> {};

TEST_P(WindowAggregateOnUpdate, ForwardsEveryCellUpdateAndStoresCellsAsTheBruteForce) {
  const Shape shape = GetParam();
  const int64_t size = 60'000, advance = shape.hopping ? 20'000 : 60'000, grace = 5'000;
  StreamsBuilder b;
  KStream agg = b.stream(tags_source())
                    .window_aggregate(cube_options(size, advance, grace, EmitMode::kOnUpdate));
  agg.to({.topic = "out", .format = serde::Format::kProtobuf});
  Topology topology = b.build();
  TempDir dir;
  testing::TestDriverOptions options;
  if (shape.rocksdb) options.state_dir = dir.path.string();
  Model model{size, advance, grace};
  {
    TopologyTestDriver driver(topology, options);
    for (const Ev& e : events(3000, shape.hopping ? 11 : 12, 3)) {
      ASSERT_TRUE(driver.pipe("tags", "", to_json(e), Timestamp(e.ts)).ok());
      model.add(e);
    }
    Output o(agg.schema());
    const auto out = driver.read_output("out");
    ASSERT_EQ(out.size(), model.updates.size());
    for (size_t i = 0; i < out.size(); ++i) {
      const serde::Row row = o.decode(out[i]);
      const auto& [id, cell] = model.updates[i];
      ASSERT_NO_FATAL_FAILURE(expect_cell(o, row, out[i].key, id, cell, size));
    }
    EXPECT_GT(model.late, 30);
    EXPECT_EQ(dropped(driver, "agg", "late"), static_cast<double>(model.late));
    EXPECT_TRUE(driver.read_dead_letters().empty());

    ASSERT_TRUE(driver.commit().ok());
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
}

INSTANTIATE_TEST_SUITE_P(Shapes, WindowAggregateOnUpdate,
                         ::testing::Values(Shape{false, false}, Shape{true, false},
                                           Shape{false, true}, Shape{true, true}),
                         [](const auto& info) {
                           return std::string(info.param.hopping ? "Hopping" : "Tumbling") +
                                  (info.param.rocksdb ? "RocksDB" : "InMemory");
                         });

// --- final results -----------------------------------------------------------------------------

// --- default grouping, validation --------------------------------------------------------------

TEST(WindowAggregate, GroupsByTheRecordKeyByDefault) {
  StreamsBuilder b;
  KStream agg = b.stream(tags_source())
                    .window_aggregate({.size_ms = 10'000,
                                       .aggregations = {{.output = "n", .fn = AggFn::kCount}},
                                       .backend = state::StoreBackend::kInMemory});
  agg.to({.topic = "out", .format = serde::Format::kProtobuf});
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  std::map<std::pair<std::string, int64_t>, int64_t> counts;
  for (const Ev& e : events(1000, 51, 0, 0)) {
    ASSERT_TRUE(driver.pipe("tags", "", to_json(e), Timestamp(e.ts)).ok());
    ++counts[{e.cookie, (e.ts / 10'000) * 10'000}];
  }
  Output o(agg.schema());
  std::map<std::pair<std::string, int64_t>, int64_t> last;
  for (const auto& r : driver.read_output("out")) {
    const serde::Row row = o.decode(r);
    const int64_t start = row.get_int(o.slot("window_start"));
    EXPECT_EQ(r.key, std::string(row.get_string(o.slot("key"))) + "@" + std::to_string(start));
    last[{std::string(row.get_string(o.slot("key"))), start}] = row.get_int(o.slot("n"));
  }
  EXPECT_EQ(last, counts);
}

TEST(WindowAggregate, RejectsBadOptionsAtBuildTimeNamingTheStep) {
  auto build = [](auto mutate) {
    StreamsBuilder b;
    auto o = cube_options(60'000, 60'000, 5'000, EmitMode::kFinal);
    o.name = "bad-step";
    mutate(o);
    b.stream(tags_source()).window_aggregate(o);
  };
  auto expect_error = [&](auto mutate, const char* what) {
    try {
      build(mutate);
      ADD_FAILURE() << "no error for " << what;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("bad-step"), std::string::npos) << e.what();
    }
  };
  expect_error([](auto& o) { o.retention_ms = 64'999; }, "retention < size + grace");
  expect_error([](auto& o) { o.advance_ms = 70'000; }, "advance > size");
  expect_error([](auto& o) { o.size_ms = 0; }, "size 0");
  expect_error([](auto& o) { o.aggregations.clear(); }, "no aggregation");
  expect_error([](auto& o) { o.aggregations[2].field = "cookie"; }, "sum of a string");
  expect_error([](auto& o) { o.aggregations[2].field.clear(); }, "sum without a field");
  expect_error([](auto& o) { o.aggregations[1].where = *parse_expression("product_info.price"); },
               "non-boolean where");
  expect_error([](auto& o) { o.group_by[1] = "orign"; }, "unknown field");
  expect_error([](auto& o) { o.grouping_sets.push_back({"country"}); }, "set field not grouped");
  expect_error([](auto& o) { o.aggregations[0].output = "window_start"; }, "name clash");
  build([](auto& o) { o.retention_ms = 65'000; });  // exactly size + grace is enough
}

// --- the hot path on a fake context --------------------------------------------------------------

class EmptyIterator final : public state::WindowIterator {
 public:
  bool valid() const override { return false; }
  void next() override {}
  std::string_view key() const override { return {}; }
  Timestamp window_start() const override { return {}; }
  std::string_view value() const override { return {}; }
  Status status() const override { return Status::Ok(); }
};

class MapWindowStore final : public state::WindowStore {
 public:
  struct Less {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return std::string_view(a.first) != std::string_view(b.first)
                 ? std::string_view(a.first) < std::string_view(b.first)
                 : a.second < b.second;
    }
  };
  std::map<std::pair<std::string, int64_t>, std::string, Less> cells;

  const std::string& name() const override { return name_; }
  bool persistent() const override { return false; }
  Status flush() override { return Status::Ok(); }
  void close() override {}
  Status get(std::string_view key, Timestamp start, std::string& out) override {
    auto it = cells.find(std::pair<std::string_view, int64_t>(key, start.ms()));
    if (it == cells.end()) return Status::NotFound();
    out.assign(it->second);
    return Status::Ok();
  }
  Status put(std::string_view key, Timestamp start, std::string_view value) override {
    auto it = cells.find(std::pair<std::string_view, int64_t>(key, start.ms()));
    if (it == cells.end()) {
      cells.emplace(std::pair<std::string, int64_t>(key, start.ms()), value);
    } else {
      it->second.assign(value);
    }
    return Status::Ok();
  }
  Status remove(std::string_view, Timestamp) override { return Status::Ok(); }
  Status write_batch(std::vector<state::WindowWrite>& writes) override {
    for (const auto& w : writes) {
      if (w.value) SLUICE_RETURN_IF_ERROR(put(w.key, w.window_start, *w.value));
    }
    return Status::Ok();
  }
  std::unique_ptr<state::WindowIterator> fetch(std::string_view, Timestamp, Timestamp) override {
    return std::make_unique<EmptyIterator>();
  }
  std::unique_ptr<state::WindowIterator> fetch_all(Timestamp, Timestamp) override {
    return std::make_unique<EmptyIterator>();
  }
  Status advance_time(Timestamp) override { return Status::Ok(); }
  DurationMs retention_ms() const override { return 0; }
  bool expired(Timestamp) const override { return false; }

 private:
  std::string name_ = "agg-store";
};

class FakeContext final : public ProcessorContext {
 public:
  explicit FakeContext(state::StateStore* store) : store_(store) {}
  const TaskId& task_id() const override { return task_; }
  const std::string& node_name() const override { return name_; }
  Status forward(Record&) override {
    ++forwarded;
    return Status::Ok();
  }
  Status forward_to(size_t, Record& r) override { return forward(r); }
  size_t num_children() const override { return 1; }
  state::StateStore* state_store(std::string_view) override { return store_; }
  Timestamp stream_time() const override { return now; }
  Timestamp wall_clock_time() const override { return Timestamp(0); }
  void schedule(DurationMs, PunctuationType, Punctuator) override {}
  void record_dropped(std::string_view) override { ++drops; }
  metrics::Registry& metrics() override { return registry_; }

  Timestamp now;
  size_t forwarded = 0, drops = 0;

 private:
  TaskId task_;
  std::string name_ = "agg";
  state::StateStore* store_;
  metrics::Registry registry_;
};

TEST(WindowAggregateProcessor, DoesNotAllocatePerRecordInSteadyState) {
  for (EmitMode emit : {EmitMode::kOnUpdate, EmitMode::kFinal}) {
    StreamsBuilder b;
    b.stream(tags_source()).window_aggregate(cube_options(60'000, 20'000, 0, emit));
    Topology topology = b.build();
    auto serde = serde::make_value_serde(topology.node("tags")->source->schema);
    std::vector<Record> records(500);
    const auto evs = events(500, 61, 0, 0);
    for (size_t i = 0; i < records.size(); ++i) {
      ASSERT_TRUE(serde->deserialize(to_json(evs[i]), records[i].value).ok());
      records[i].key = evs[i].cookie;
      records[i].timestamp = Timestamp(kT0 + static_cast<int64_t>(i % 7) * 1000);
    }
    MapWindowStore store;
    FakeContext context(&store);
    context.now = Timestamp(kT0 + 6000);
    auto processor = topology.node("agg")->supplier();
    ASSERT_TRUE(processor->init(context).ok());
    for (auto& r : records) ASSERT_TRUE(processor->process(r).ok());  // creates every cell
    ASSERT_TRUE(processor->flush().ok());  // write-back: the cells reach the store at flush
    const size_t cells = store.cells.size();
    EXPECT_GT(cells, 500u);
    test_alloc::start();
    bool ok = true;
    for (auto& r : records) ok &= processor->process(r).ok();
    EXPECT_EQ(test_alloc::stop(), 0u);
    EXPECT_TRUE(ok);
    ASSERT_TRUE(processor->flush().ok());
    EXPECT_EQ(store.cells.size(), cells);
    EXPECT_EQ(context.drops, 0u);
    EXPECT_EQ(context.forwarded, emit == EmitMode::kOnUpdate ? size_t{2 * 500 * 8 * 3} : 0u);
  }
}

}  // namespace
}  // namespace sluice::ops
