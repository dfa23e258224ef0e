// Shared by the window_aggregate tests: generated out-of-order user tags, the brute-force model
// of the documented semantics, and readers of the operator's output.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "allezon.pb.h"
#include "metrics/registry.h"
#include "operators/stream_builder.h"
#include "serde/value_serde.h"
#include "testing/topology_test_driver.h"

namespace sluice::ops::wagg_test {

using nlohmann::json;
using testing::TopologyTestDriver;
constexpr int64_t kT0 = 1'650'000'000'000;  // a multiple of every window size used here
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

struct Ev {
  int64_t ts = 0;
  std::string cookie, action;
  std::optional<std::string> origin;
  std::string brand, category;
  std::optional<int64_t> price;
};

inline std::vector<Ev> events(int n, uint64_t seed, int late_percent, int64_t jitter = 3000) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int64_t k) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(k)); };
  std::vector<Ev> out;
  for (int i = 0; i < n; ++i) {
    Ev e;
    e.ts = kT0 + i * 100 + pick(2 * jitter + 1) - jitter;
    if (pick(100) < late_percent) e.ts -= 60'000 + pick(60'000);
    e.cookie = "c" + std::to_string(pick(50));
    e.action = pick(3) == 0 ? "BUY" : "VIEW";
    if (pick(20) != 0) e.origin = "o" + std::to_string(pick(4));
    e.brand = "b" + std::to_string(pick(3));
    e.category = "k" + std::to_string(pick(3));
    if (pick(10) != 0) e.price = pick(1000) - 100;
    out.push_back(std::move(e));
  }
  return out;
}

inline std::string to_json(const Ev& e) {
  json info = {{"product_id", "p"}, {"brand_id", e.brand}, {"category_id", e.category}};
  if (e.price) info["price"] = *e.price;
  json j = {{"cookie", e.cookie},
            {"country", "PL"},
            {"device", "PC"},
            {"action", e.action},
            {"product_info", info}};
  if (e.origin) j["origin"] = *e.origin;
  return j.dump();
}

// --- the brute-force model -------------------------------------------------------------------

// Grouping set `set` of cube({action}, {origin, brand, category}) holds optional field j when
// bit j of `set` is set.
inline bool in_set(int set, int field) { return field == 0 || ((set >> (field - 1)) & 1); }

inline std::string readable(const Ev& e, int set) {
  const std::string values[] = {e.action, e.origin.value_or(""), e.brand, e.category};
  std::string out;
  for (int f = 0; f < 4; ++f) out += (f ? "|" : "") + (in_set(set, f) ? values[f] : "*");
  return out;
}

struct Cell {
  int64_t records = 0, count = 0, buys = 0, n = 0, last_ts = kMin;
  double sum = 0, min = std::numeric_limits<double>::infinity(),
         max = -std::numeric_limits<double>::infinity(), last = 0;
};
using CellId = std::tuple<int, std::string, int64_t>;  // set, readable key, window start

struct Model {
  int64_t size, advance, grace;
  int sets = 8;
  int64_t stream_time = kMin;
  int64_t late = 0;
  std::map<CellId, Cell> cells;
  std::vector<std::pair<CellId, Cell>> updates;  // every cell update, in order
  std::set<CellId> emitted;

  void add(const Ev& e) {
    stream_time = std::max(stream_time, e.ts);
    bool dropped = false;
    for (int64_t s = (e.ts - size) / advance * advance - advance; s <= e.ts; s += advance) {
      if (!(s <= e.ts && e.ts < s + size)) continue;
      if (s + size + grace <= stream_time) {
        dropped = true;
        continue;
      }
      for (int set = 0; set < sets; ++set) {
        CellId id{set, readable(e, set), s};
        Cell& c = cells[id];
        ++c.records;
        ++c.count;
        if (e.action == "BUY") ++c.buys;
        if (e.price) {
          const auto p = static_cast<double>(*e.price);
          ++c.n;
          c.sum += p;
          c.min = std::min(c.min, p);
          c.max = std::max(c.max, p);
          if (e.ts >= c.last_ts) c.last = p, c.last_ts = e.ts;
        }
        updates.emplace_back(id, c);
      }
    }
    if (dropped) ++late;
  }
  // Cells whose window closed at `time` and were not reported yet.
  std::set<CellId> newly_closed(int64_t time) {
    std::set<CellId> out;
    for (const auto& [id, c] : cells) {
      if (std::get<2>(id) + size + grace <= time && !emitted.count(id)) out.insert(id);
    }
    emitted.insert(out.begin(), out.end());
    return out;
  }
};

// --- reading the operator's output -----------------------------------------------------------

struct Output {
  serde::SchemaPtr schema;
  std::unique_ptr<serde::ValueSerde> serde;
  explicit Output(serde::SchemaPtr s)
      : schema(s), serde(serde::make_value_serde(s, {.format = serde::Format::kProtobuf})) {}
  serde::Row decode(const testing::TestRecord& r) {
    serde::Row row;
    EXPECT_TRUE(r.value && serde->deserialize(*r.value, row).ok());
    return row;
  }
  uint32_t slot(const char* path) const { return *schema->find(path); }
  CellId id(const serde::Row& row, const std::string& key) const {
    return {static_cast<int>(row.get_int(slot("grouping_set"))), key.substr(0, key.find('@')),
            row.get_int(slot("window_start"))};
  }
};

const char* const kGroupFields[] = {"action", "origin", "product_info.brand_id",
                                    "product_info.category_id"};

inline void expect_cell(const Output& o, const serde::Row& row, const std::string& key,
                        const CellId& id, const Cell& c, int64_t size) {
  const auto& [set, text, start] = id;
  SCOPED_TRACE(key + " " + row.debug_string());
  EXPECT_EQ(key, text + "@" + std::to_string(start));
  EXPECT_EQ(row.get_int(o.slot("window_start")), start);
  EXPECT_EQ(row.get_int(o.slot("window_end")), start + size);
  EXPECT_EQ(row.get_int(o.slot("grouping_set")), set);
  std::vector<std::string> parts;
  for (size_t p = 0, q; p <= text.size(); p = q + 1) {
    q = std::min(text.find('|', p), text.size());
    parts.push_back(text.substr(p, q - p));
  }
  for (int f = 0; f < 4; ++f) {
    const uint32_t s = o.slot(kGroupFields[f]);
    const bool present = in_set(set, f) && !parts[f].empty();
    ASSERT_EQ(row.has(s), present) << kGroupFields[f];
    if (present) {
      EXPECT_EQ(row.get_string(s), parts[f]);
    }
  }
  EXPECT_EQ(row.get_int(o.slot("n")), c.count);
  EXPECT_EQ(row.get_int(o.slot("buys")), c.buys);
  for (const char* f : {"sum", "min", "max", "avg", "last"}) ASSERT_EQ(row.has(o.slot(f)), c.n > 0);
  if (c.n == 0) return;
  EXPECT_EQ(row.get_double(o.slot("sum")), c.sum);
  EXPECT_EQ(row.get_double(o.slot("min")), c.min);
  EXPECT_EQ(row.get_double(o.slot("max")), c.max);
  EXPECT_DOUBLE_EQ(row.get_double(o.slot("avg")), c.sum / static_cast<double>(c.n));
  EXPECT_EQ(row.get_double(o.slot("last")), c.last);
}

inline WindowAggregateOptions cube_options(DurationMs size, DurationMs advance, DurationMs grace,
                                           EmitMode emit) {
  WindowAggregateOptions o;
  o.name = "agg";
  o.size_ms = size;
  o.advance_ms = advance;
  o.grace_ms = grace;
  o.emit = emit;
  o.group_by = {kGroupFields[0], kGroupFields[1], kGroupFields[2], kGroupFields[3]};
  o.grouping_sets = cube({kGroupFields[0]}, {kGroupFields[1], kGroupFields[2], kGroupFields[3]});
  o.aggregations = {
      {.output = "n", .fn = AggFn::kCount},
      {.output = "buys", .fn = AggFn::kCount, .where = *parse_expression("action == 'BUY'")},
      {.output = "sum", .fn = AggFn::kSum, .field = "product_info.price"},
      {.output = "min", .fn = AggFn::kMin, .field = "product_info.price"},
      {.output = "max", .fn = AggFn::kMax, .field = "product_info.price"},
      {.output = "avg", .fn = AggFn::kAvg, .field = "product_info.price"},
      {.output = "last", .fn = AggFn::kLast, .field = "product_info.price"}};
  return o;
}

inline SourceOptions tags_source() {
  return {.topics = {"tags"},
          .schema = serde::Schema::from_descriptor(allezon::UserTag::descriptor()),
          .key_field = "cookie"};
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("sluice-wagg-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

inline double dropped(TopologyTestDriver& d, const std::string& node, const std::string& reason) {
  return d.metrics().value("sluice_dropped_records_total",
                           {{"task", "0_0"}, {"node", node}, {"reason", reason}});
}

// --- reading the store -----------------------------------------------------------------------

// The documented store formats, decoded here independently of group_key.cpp/aggregate_state.cpp.
inline std::string readable_from_store_key(std::string_view k, int& set) {
  auto varint = [&] {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<uint8_t>(k.front());
      k.remove_prefix(1);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  set = static_cast<int>(varint());
  std::string out;
  for (int f = 0; f < 4; ++f) {
    const auto tag = static_cast<uint8_t>(k.front());
    k.remove_prefix(1);
    out += f ? "|" : "";
    if (tag == 0) out += "*";
    if (tag == 2) {
      const auto len = varint();
      out += k.substr(0, len);
      k.remove_prefix(len);
    }
  }
  EXPECT_TRUE(k.empty());
  return out;
}

template <class T>
inline T at(std::string_view bytes, size_t off) {
  T v;
  std::memcpy(&v, bytes.data() + off, sizeof v);
  return v;
}

// Layout: header 9 bytes; n, buys: 8 each; sum/min/max/avg: (double, n); last: (double, ts, n).
inline void expect_stored_cell(std::string_view acc, const Cell& c) {
  ASSERT_EQ(acc.size(), 9u + 8 + 8 + 4 * 16 + 24);
  EXPECT_EQ(at<int64_t>(acc, 0), c.records);
  EXPECT_EQ(at<int64_t>(acc, 9), c.count);
  EXPECT_EQ(at<int64_t>(acc, 17), c.buys);
  EXPECT_EQ(at<double>(acc, 25), c.sum);
  EXPECT_EQ(at<double>(acc, 41), c.min);
  EXPECT_EQ(at<double>(acc, 57), c.max);
  EXPECT_EQ(at<int64_t>(acc, 81), c.n);
  EXPECT_EQ(at<double>(acc, 89), c.last);
  EXPECT_EQ(at<int64_t>(acc, 97), c.last_ts);
}

// Pipes `evs`, checking after each record that exactly the windows the model closes come out,
// each once, in window-end order, with the brute-force values. Returns how many came out.
inline size_t pipe_and_check_final(TopologyTestDriver& driver, Output& o, Model& model,
                                   const std::vector<Ev>& evs, const char* topic = "out") {
  size_t emitted = 0;
  for (const Ev& e : evs) {
    EXPECT_TRUE(driver.pipe("tags", "", to_json(e), Timestamp(e.ts)).ok());
    model.add(e);
    const auto expected = model.newly_closed(model.stream_time);
    const auto out = driver.read_output(topic);
    std::set<CellId> got;
    int64_t last_end = kMin;
    for (const auto& r : out) {
      const serde::Row row = o.decode(r);
      const CellId id = o.id(row, r.key);
      const int64_t end = std::get<2>(id) + model.size;
      EXPECT_GE(end, last_end) << "window-end order";
      last_end = end;
      EXPECT_EQ(r.timestamp.ms(), end - 1);
      EXPECT_LE(end + model.grace, driver.stream_time().ms()) << "emitted before it closed";
      EXPECT_TRUE(got.insert(id).second) << "emitted twice: " << r.key;
      auto cell = model.cells.find(id);
      if (cell == model.cells.end()) {
        ADD_FAILURE() << "unknown cell " << r.key;
        continue;
      }
      expect_cell(o, row, r.key, id, cell->second, model.size);
    }
    EXPECT_EQ(got, expected);
    emitted += out.size();
  }
  return emitted;
}

}  // namespace sluice::ops::wagg_test
