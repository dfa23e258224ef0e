#include "bench_baseline.h"

#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "bench_clock.h"
#include "topology/timestamp_extractor.h"

namespace sluice::cli {

namespace {
struct Cell {
  int64_t count = 0;
  int64_t sum = 0;
};
constexpr int64_t kMinuteMs = 60'000;
}  // namespace

BaselineResult run_baseline(const std::vector<std::string_view>& lines) {
  BaselineResult r;
  const Stopwatch watch;
  std::unordered_map<std::string, Cell> cells;
  for (std::string_view line : lines) {
    std::string bucket, action, origin, brand, category;
    int64_t price = 0;
    try {
      const nlohmann::json j = nlohmann::json::parse(line.begin(), line.end());
      const auto ts = parse_iso8601(j.at("time").get_ref<const std::string&>());
      if (!ts) {
        ++r.skipped;
        continue;
      }
      const int64_t ms = ts->ms();
      bucket = std::to_string((ms >= 0 ? ms : ms - kMinuteMs + 1) / kMinuteMs * kMinuteMs);
      action = j.at("action").get<std::string>();
      origin = j.at("origin").get<std::string>();
      const nlohmann::json& product = j.at("product_info");
      brand = product.at("brand_id").get<std::string>();
      category = product.at("category_id").get<std::string>();
      price = product.at("price").get<int64_t>();
    } catch (const nlohmann::json::exception&) {
      ++r.skipped;
      continue;
    }
    for (int mask = 0; mask < 8; ++mask) {
      std::string key = bucket + '|' + action + '|' + ((mask & 1) ? origin : "*") + '|' +
                        ((mask & 2) ? brand : "*") + '|' + ((mask & 4) ? category : "*");
      Cell& c = cells[key];
      c.count += 1;
      c.sum += price;
    }
    ++r.events;
  }
  r.seconds = watch.wall_seconds();
  r.cpu_seconds = watch.cpu_seconds();
  r.cells = cells.size();
  for (const auto& [key, c] : cells) {
    r.total_count += c.count;
    r.total_sum += c.sum;
  }
  return r;
}

}  // namespace sluice::cli
