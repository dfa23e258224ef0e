// Brute force of topologies/minute_aggregation.yaml: user tags (out of order, ~5% late by one to
// two minutes), and every (grouping set, group values, minute) cell of the CUBE computed straight
// from them, dropping a tag when its minute closed (end + grace <= stream time) before it came.
// One Model is one stream-time domain: one task, so one input partition.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "topology/timestamp_extractor.h"

namespace sluice::models::minute {

constexpr int64_t kT0 = 1'650'000'000'000;  // a multiple of one minute
constexpr int64_t kSize = 60'000, kGrace = 20'000;

struct Tag {
  int64_t ts;
  std::string cookie, action;
  std::optional<std::string> origin;
  std::string brand, category;
  std::optional<int64_t> price;
};

// `n` tags from `first_ms` on, ~100 ms apart with +-3 s of jitter.
inline std::vector<Tag> generate(int n, uint64_t seed, int64_t first_ms = kT0) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int64_t k) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(k)); };
  std::vector<Tag> out;
  for (int i = 0; i < n; ++i) {
    Tag t;
    t.ts = first_ms + i * 100 + pick(6001) - 3000;
    if (pick(100) < 5) t.ts -= 60'000 + pick(60'000);  // late: usually past the grace
    t.cookie = "c" + std::to_string(pick(40));
    t.action = pick(3) == 0 ? "BUY" : "VIEW";
    if (pick(10) != 0) t.origin = "o" + std::to_string(pick(3));
    t.brand = "b" + std::to_string(pick(3));
    t.category = "k" + std::to_string(pick(2));
    if (pick(10) != 0) t.price = pick(1000);
    out.push_back(std::move(t));
  }
  return out;
}

inline std::string to_json(const Tag& t) {
  nlohmann::json info = {{"product_id", "p"}, {"brand_id", t.brand}, {"category_id", t.category}};
  if (t.price) info["price"] = *t.price;
  nlohmann::json j = {{"time", format_iso8601(Timestamp(t.ts))},
                      {"cookie", t.cookie},
                      {"country", "PL"},
                      {"device", "PC"},
                      {"action", t.action},
                      {"product_info", info}};
  if (t.origin) j["origin"] = *t.origin;
  return j.dump();
}

struct Cell {
  int64_t count = 0, priced = 0;
  double sum = 0;
  bool operator==(const Cell&) const = default;
};

struct Model {
  int64_t stream_time = std::numeric_limits<int64_t>::min();
  int64_t late = 0;
  // (readable key "VIEW|o1|*|*", window start): the output key is readable + "@" + start.
  std::map<std::pair<std::string, int64_t>, Cell> cells;
  std::map<std::pair<std::string, int64_t>, int> set_of;  // the grouping set of each cell

  void add(const Tag& t) {
    stream_time = std::max(stream_time, t.ts);
    const int64_t start = t.ts - ((t.ts % kSize) + kSize) % kSize;
    if (start + kSize + kGrace <= stream_time) {
      ++late;
      return;
    }
    const std::string values[] = {t.action, t.origin.value_or(""), t.brand, t.category};
    for (int set = 0; set < 8; ++set) {
      std::string key;
      for (int f = 0; f < 4; ++f) {
        const bool in = f == 0 || ((set >> (f - 1)) & 1);
        key += (f ? "|" : "") + (in ? values[f] : std::string("*"));
      }
      Cell& c = cells[{key, start}];
      set_of[{key, start}] = set;
      ++c.count;
      if (t.price) ++c.priced, c.sum += static_cast<double>(*t.price);
    }
  }
  // Whether the cell's minute has closed at the current stream time (its final result is out).
  bool closed(int64_t start) const { return start + kSize + kGrace <= stream_time; }
};

}  // namespace sluice::models::minute
