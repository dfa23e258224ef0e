// Brute force of topologies/kpi_changes.yaml: ad events (out of order, ~3% late by one to two
// hours), per-campaign hourly totals, the six KPIs, and every change of each
// (campaign@window, KPI) as an emit_on_change without a rate limit publishes it. One Model is
// one stream-time domain: one task, so one input partition.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "topology/timestamp_extractor.h"

namespace sluice::models::kpi {

constexpr int64_t kT0 = 1'714'564'800'000;  // 2024-05-01T12:00:00Z, a whole hour
constexpr int64_t kHour = 3'600'000, kGrace = 300'000;
inline const char* const kKpis[] = {"impressions", "clicks", "conversions", "spend", "ctr", "cpa"};

struct AdEvent {
  int64_t ts;
  std::string campaign, type;
  double cost;
};

// `n` events ~2 s apart with +-200 s of jitter over `campaigns` campaigns "camp-<i>".
inline std::vector<AdEvent> generate(int n, uint64_t seed, int campaigns = 6) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int64_t k) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(k)); };
  std::vector<AdEvent> out;
  for (int i = 0; i < n; ++i) {
    AdEvent e;
    e.ts = kT0 + i * 2'000 + pick(400'001) - 200'000;
    if (pick(100) < 3) e.ts -= kHour + pick(kHour);  // late
    e.campaign = "camp-" + std::to_string(pick(campaigns));
    const int64_t r = pick(100);
    e.type = r < 80 ? "IMPRESSION" : r < 95 ? "CLICK" : "CONVERSION";
    e.cost = e.type == "IMPRESSION" ? 0.002 * static_cast<double>(1 + pick(5))
             : e.type == "CLICK"    ? 0.25 * static_cast<double>(1 + pick(4))
                                    : 0.0;
    out.push_back(e);
  }
  return out;
}

inline std::string to_json(const AdEvent& e) {
  return nlohmann::json{{"campaign", e.campaign},
                        {"creative", "cr-1"},
                        {"type", e.type},
                        {"cost", e.cost},
                        {"time", format_iso8601(Timestamp(e.ts))}}
      .dump();
}

struct Totals {
  int64_t impressions = 0, clicks = 0, conversions = 0, records = 0;
  double spend = 0;
  // The six KPIs, absent ones as nullopt (CTR without impressions, CPA without conversions).
  std::vector<std::optional<double>> kpis() const {
    const auto d = [](int64_t v) { return static_cast<double>(v); };
    return {d(impressions),
            d(clicks),
            d(conversions),
            spend,
            impressions ? std::optional(d(clicks) / d(impressions)) : std::nullopt,
            conversions ? std::optional(spend / d(conversions)) : std::nullopt};
  }
};

struct Change {
  std::string key, campaign, kpi;
  double value;
  std::optional<double> previous;
  int64_t window, time;
};

struct Model {
  int64_t stream_time = std::numeric_limits<int64_t>::min();
  int64_t late = 0;
  std::map<std::pair<std::string, int64_t>, Totals> totals;
  std::map<std::string, double> last;            // "campaign@start|kpi" (the output key) -> value
  std::map<std::string, std::set<double>> seen;  // every value each key went through

  // The changes of one event, as an unlimited emit_on_change would publish them.
  std::vector<Change> add(const AdEvent& e) {
    stream_time = std::max(stream_time, e.ts);
    const int64_t start = e.ts - ((e.ts % kHour) + kHour) % kHour;
    if (start + kHour + kGrace <= stream_time) {
      ++late;
      return {};
    }
    Totals& t = totals[{e.campaign, start}];
    ++t.records;
    t.impressions += e.type == "IMPRESSION";
    t.clicks += e.type == "CLICK";
    t.conversions += e.type == "CONVERSION";
    t.spend += e.cost;
    std::vector<Change> out;
    const auto values = t.kpis();
    for (int k = 0; k < 6; ++k) {
      if (!values[k]) continue;
      const std::string key = e.campaign + "@" + std::to_string(start) + "|" + kKpis[k];
      seen[key].insert(*values[k]);
      auto it = last.find(key);
      if (it != last.end() && it->second == *values[k]) continue;
      out.push_back({key, e.campaign, kKpis[k], *values[k],
                     it == last.end() ? std::nullopt : std::optional(it->second), start, e.ts});
      last[key] = *values[k];
    }
    return out;
  }
};

}  // namespace sluice::models::kpi
