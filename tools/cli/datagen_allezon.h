// Synthetic Allezon user tags (proto/allezon.proto, sluice.allezon.UserTag) as JSON lines.
//
// Shape: {"time":"2022-03-22T12:15:00.000Z","cookie":"...","country":"PL","device":"PC",
// "action":"VIEW","origin":"...","product_info":{"product_id":"...","brand_id":"...",
// "category_id":"...","price":123}}
//
// Realism knobs (defaults): 50,000 cookies with a Zipf-like long tail, 300 origins, 500 brands,
// 40 categories, 30,000 products (each with a fixed brand, category and price), ~30 countries;
// VIEW 90% / BUY 10%; event time advances at `rate` events per second and `late_fraction` of
// the events carry a time up to `max_late_ms` earlier than their position. Skews are mild
// enough that most events of a minute hit a (action, origin, brand, category) cell no earlier
// event of that minute hit. The output depends only on the options (seed included).
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "datagen_common.h"

namespace sluice::cli {

// The fields of CommonOptions spelled out rather than inherited: cmd_demo.cpp builds these with
// designated initializers, which cannot name a base's members.
struct AllezonOptions {
  uint64_t count = 1000;
  uint64_t seed = 1;
  int64_t start_ms = 1647950400000;  // 2022-03-22T12:00:00.000Z
  double rate = 1000;                // events per second of event time
  double late_fraction = 0.04;       // share of events whose time lags their position
  int64_t min_late_ms = 100;
  int64_t max_late_ms = 20'000;
  double buy_fraction = 0.10;
  size_t cookies = 50'000;
  size_t origins = 300;
  size_t brands = 500;
  size_t categories = 40;
  size_t products = 30'000;
};

class AllezonGenerator : public EventClock {
 public:
  using Options = AllezonOptions;

  explicit AllezonGenerator(const AllezonOptions& options)
      : EventClock(options.start_ms, options.rate),
        o_(options),
        rng_(options.seed),
        cookie_pick_(options.cookies, 1.0, 100),
        origin_pick_(options.origins, 0.7),
        product_pick_(options.products, 0.6),
        country_pick_(sizeof(kCountries) / sizeof(kCountries[0]), 1.1) {
    // The dictionaries come from their own stream so that changing, say, the late fraction
    // does not rename every cookie.
    Rng dict(options.seed ^ 0x5eed'a11e'2022'0322ULL);
    cookies_.reserve(o_.cookies);
    for (size_t i = 0; i < o_.cookies; ++i) cookies_.push_back(random_token(dict, 20));
    origins_.reserve(o_.origins);
    for (size_t i = 0; i < o_.origins; ++i) origins_.push_back(numbered("origin_", i, 3));
    // Products: brand and category drawn once per product (popular brands own more products),
    // price log-uniform in [5, 20000).
    ZipfSampler brand_pick(o_.brands, 0.8);
    ZipfSampler category_pick(o_.categories, 0.6);
    // Distinct ids, not ordered by popularity.
    std::vector<uint32_t> slot(o_.products);
    for (size_t i = 0; i < slot.size(); ++i) slot[i] = static_cast<uint32_t>(i);
    for (size_t i = slot.size(); i > 1; --i) std::swap(slot[i - 1], slot[dict.below(i)]);
    products_.reserve(o_.products);
    for (size_t i = 0; i < o_.products; ++i) {
      std::string p = "{\"product_id\":\"";
      p += std::to_string(100000 + uint64_t{slot[i]} * 30 + dict.below(30));
      p += "\",\"brand_id\":\"";
      p += numbered("brand_", brand_pick(dict), 3);
      p += "\",\"category_id\":\"";
      p += numbered("category_", category_pick(dict), 2);
      p += "\",\"price\":";
      p += std::to_string(static_cast<int64_t>(5.0 * std::exp(dict.uniform() * std::log(4000.0))));
      p += "}}\n";
      products_.push_back(std::move(p));
    }
  }

  // Appends the next event, one JSON object followed by '\n', to `out`.
  void append_next(std::string& out) {
    int64_t ts = tick();
    if (o_.late_fraction > 0 && rng_.chance(o_.late_fraction)) {
      // Skewed towards small lags: most late events are a little late, a few up to the max.
      const double u = rng_.uniform();
      ts -= o_.min_late_ms +
            static_cast<int64_t>(u * u * static_cast<double>(o_.max_late_ms - o_.min_late_ms));
      ts = std::max(ts, o_.start_ms);  // nothing precedes --start
    }
    out.append("{\"time\":\"");
    time_.append(ts, out);
    out.append("\",\"cookie\":\"");
    out.append(cookies_[cookie_pick_(rng_)]);
    out.append("\",\"country\":\"");
    out.append(kCountries[country_pick_(rng_)]);
    const uint64_t d = rng_.below(100);
    out.append(d < 45   ? "\",\"device\":\"PC"
               : d < 90 ? "\",\"device\":\"MOBILE"
                        : "\",\"device\":\"TV");
    out.append(rng_.chance(o_.buy_fraction) ? "\",\"action\":\"BUY" : "\",\"action\":\"VIEW");
    out.append("\",\"origin\":\"");
    out.append(origins_[origin_pick_(rng_)]);
    out.append("\",\"product_info\":");
    out.append(products_[product_pick_(rng_)]);
  }

 private:
  static constexpr const char* kCountries[] = {
      "PL", "DE", "US", "GB", "FR", "IT", "ES", "NL", "CZ", "SK", "UA", "SE", "NO", "DK", "FI",
      "AT", "CH", "BE", "PT", "IE", "LT", "LV", "EE", "HU", "RO", "BG", "GR", "CA", "JP", "BR"};

  static std::string numbered(const char* prefix, size_t i, int width) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), i);
    (void)ec;
    std::string s = prefix;
    for (int pad = width - static_cast<int>(end - digits); pad > 0; --pad) s.push_back('0');
    s.append(digits, end);
    return s;
  }
  static std::string random_token(Rng& rng, size_t len) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string s(len, ' ');
    for (auto& c : s) c = kAlphabet[rng.below(sizeof(kAlphabet) - 1)];
    return s;
  }

  AllezonOptions o_;
  Rng rng_;
  ZipfSampler cookie_pick_, origin_pick_, product_pick_, country_pick_;
  IsoTimeFormatter time_;
  std::vector<std::string> cookies_, origins_, products_;
};

// Writes options.count events to `out`; false when a write failed (errno says why).
inline bool write_allezon(const AllezonOptions& options, std::FILE* out) {
  AllezonGenerator gen(options);
  return write_all(gen, options.count, out);
}

}  // namespace sluice::cli
