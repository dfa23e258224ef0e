// Brute force of topologies/profile_capping.yaml: user tags whose event times are a permutation
// of distinct times (arrival order unrelated to event time), and the newest N per cookie and
// action, from a list that keeps every tag. Independent of partitioning and arrival order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "topology/timestamp_extractor.h"

namespace sluice::models::profile {

constexpr int64_t kT0 = 1'647'951'300'000;

struct Tag {
  int64_t ts;
  int arrival;
  std::string cookie, action, id;  // id: product_info.product_id, unique per tag
};

// `n` tags over `cookies` cookies, a third of them BUY; times kT0 + 10 ms * a permutation of
// [0, n) (7919 is prime, so i * 7919 % n is one for n not a multiple of it).
inline std::vector<Tag> generate(int n, uint64_t seed, int cookies = 40) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int64_t k) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(k)); };
  std::vector<Tag> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(Tag{kT0 + (static_cast<int64_t>(i) * 7919 % n) * 10, i,
                      "cookie-" + std::to_string(pick(cookies)), pick(3) == 0 ? "BUY" : "VIEW",
                      "p" + std::to_string(i)});
  }
  return out;
}

inline std::string to_json(const Tag& t) {
  return nlohmann::json{
      {"time", format_iso8601(Timestamp(t.ts))},
      {"cookie", t.cookie},
      {"country", "PL"},
      {"device", "MOBILE"},
      {"action", t.action},
      {"origin", "o"},
      {"product_info",
       {{"product_id", t.id}, {"brand_id", "b"}, {"category_id", "c"}, {"price", t.arrival}}}}
      .dump();
}

// The newest `cap` of one cookie and action: by event time, the later arrival first on a tie.
inline std::vector<Tag> newest(std::vector<Tag> tags, size_t cap) {
  std::sort(tags.begin(), tags.end(), [](const Tag& a, const Tag& b) {
    return a.ts != b.ts ? a.ts > b.ts : a.arrival > b.arrival;
  });
  if (tags.size() > cap) tags.resize(cap);
  return tags;
}

// Every tag per (cookie, action).
inline std::map<std::pair<std::string, std::string>, std::vector<Tag>> by_cookie_and_action(
    const std::vector<Tag>& tags) {
  std::map<std::pair<std::string, std::string>, std::vector<Tag>> out;
  for (const Tag& t : tags) out[{t.cookie, t.action}].push_back(t);
  return out;
}

}  // namespace sluice::models::profile
