// Shared by the topology tests: loading a file from topologies/ with chosen parameters, reading
// JSON sink output as flat field maps, and decoding a window aggregate's store cells, so every
// test can compare outputs and stores with its own brute-force model.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "operators/aggregate_state.h"
#include "operators/group_key.h"
#include "testing/topology_test_driver.h"
#include "yaml/topology_file.h"

namespace sluice::yaml::test {

using nlohmann::json;

inline std::string topology_path(const std::string& name) {
  return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "topologies" /
          name)
      .string();
}

// Loads topologies/<name> with `params` as the only environment.
inline TopologyFile load(const std::string& name, std::map<std::string, std::string> params) {
  auto env = [params](std::string_view var) -> std::optional<std::string> {
    auto it = params.find(std::string(var));
    if (it == params.end()) return std::nullopt;
    return it->second;
  };
  return load_topology_file(topology_path(name), env);
}

// A JSON object flattened to dotted paths ("product_info.price"); nulls are left out.
inline void flatten(const json& j, const std::string& prefix, std::map<std::string, json>& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object()) {
      flatten(*it, path, out);
    } else if (!it->is_null()) {
      out[path] = *it;
    }
  }
}

inline std::map<std::string, json> fields(const testing::TestRecord& r) {
  std::map<std::string, json> out;
  EXPECT_TRUE(r.value.has_value());
  if (r.value) flatten(json::parse(*r.value), "", out);
  return out;
}

// A number as written by the JSON encoder (64-bit ints may be strings, as proto3 JSON allows).
inline double number(const std::map<std::string, json>& f, const std::string& path) {
  auto it = f.find(path);
  if (it == f.end()) {
    ADD_FAILURE() << "field " << path << " is absent";
    return 0;
  }
  if (it->second.is_string()) return std::stod(it->second.get<std::string>());
  return it->second.get<double>();
}
inline std::string text(const std::map<std::string, json>& f, const std::string& path) {
  auto it = f.find(path);
  if (it == f.end()) {
    ADD_FAILURE() << "field " << path << " is absent";
    return "";
  }
  return it->second.is_string() ? it->second.get<std::string>() : it->second.dump();
}

// One cell of a window store, decoded: readable group key, window start, and each
// aggregation's output (nullopt when absent; counts as doubles).
struct StoredCell {
  int64_t records = 0;
  std::vector<std::optional<double>> outputs;
};
using StoredCells = std::map<std::pair<std::string, int64_t>, StoredCell>;

inline StoredCells read_window_store(testing::TopologyTestDriver& driver, const std::string& store,
                                     const serde::Schema& input,
                                     const std::vector<std::string>& group_by,
                                     const std::vector<std::vector<uint32_t>>& sets,
                                     const std::vector<ops::AggFn>& fns) {
  std::vector<ops::GroupField> fields;
  for (const auto& p : group_by) {
    const uint32_t slot = *input.find(p);
    fields.push_back({p, false, slot, input.field(slot).type});
  }
  ops::GroupKeyCodec codec(fields, sets);
  ops::AggregateLayout layout(fns);
  StoredCells out;
  auto* ws = driver.window_store(store);
  EXPECT_NE(ws, nullptr) << store;
  if (!ws) return out;
  auto it = ws->fetch_all(Timestamp::min(), Timestamp::max());
  for (; it->valid(); it->next()) {
    ops::DecodedGroupKey key;
    EXPECT_TRUE(codec.decode(it->key(), key).ok());
    std::string readable;
    codec.readable(key, readable);
    StoredCell cell;
    cell.records = ops::AggregateLayout::records(it->value());
    for (size_t i = 0; i < fns.size(); ++i) {
      double v = 0;
      int64_t n = 0;
      if (!layout.output(it->value(), i, v, n)) {
        cell.outputs.emplace_back();
      } else {
        cell.outputs.emplace_back(fns[i] == ops::AggFn::kCount ? static_cast<double>(n) : v);
      }
    }
    out[{readable, it->window_start().ms()}] = std::move(cell);
  }
  EXPECT_TRUE(it->status().ok());
  return out;
}

}  // namespace sluice::yaml::test
