// Synthetic ad events (proto/ads.proto, sluice.ads.AdEvent) as JSON lines, as
// topologies/kpi_changes.yaml reads them:
//
// {"campaign":"campaign-07","creative":"campaign-07-cr2","type":"IMPRESSION","cost":0.0035,
// "time":"2024-05-01T12:00:00.000Z"}
//
// Causal: an impression of a campaign's creative is followed, with the campaign's click-through
// rate (around `ctr`, ~2%), by a click on it `click_delay` later; a click converts with the
// campaign's conversion rate (around `cvr`, ~5% of clicks) after `conversion_delay`. Pending
// clicks and conversions are emitted once their time is reached, in between fresh impressions,
// so a few appear slightly out of order. Billing: each campaign is either CPM (impressions cost
// cpm / 1000) or CPC (clicks cost the CPC); conversions cost nothing. Popular campaigns serve
// more impressions (Zipf-like). Event time advances at `rate` events per second. The output
// depends only on the options (seed included).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include "datagen_common.h"

namespace sluice::cli {

// Default start 2024-05-01T12:00:00.000Z.
struct AdsOptions : CommonOptions<1714564800000> {
  size_t campaigns = 20;
  double ctr = 0.02;  // mean click-through rate (clicks / impressions)
  double cvr = 0.05;  // mean conversion rate (conversions / clicks)
  int64_t max_click_delay_ms = 30'000;
  int64_t max_conversion_delay_ms = 1'800'000;
};

class AdsGenerator : public KeyedEventClock {
 public:
  using Options = AdsOptions;

  explicit AdsGenerator(const AdsOptions& options)
      : KeyedEventClock(options.start_ms, options.rate),
        o_(clamped(options)),
        rng_(options.seed ^ 0xad5e'0000'0000'0001ULL),
        campaign_pick_(o_.campaigns, 0.8, 1) {
    Rng dict(options.seed ^ 0xad5e'd1c7'0000'0002ULL);
    for (size_t i = 0; i < o_.campaigns; ++i) {
      Campaign c;
      c.name = "campaign-" + two_digits(i + 1);
      const size_t creatives = 2 + dict.below(5);
      for (size_t k = 1; k <= creatives; ++k)
        c.creatives.push_back(c.name + "-cr" + std::to_string(k));
      // Rates vary by campaign from half to one and a half times the mean.
      c.ctr = o_.ctr * (0.5 + dict.uniform());
      c.cvr = o_.cvr * (0.5 + dict.uniform());
      if (dict.chance(0.6)) {
        c.impression_micros = 1000 + static_cast<int64_t>(dict.below(8)) * 500;  // CPM 1..4.5
      } else {
        c.click_micros = 200'000 + static_cast<int64_t>(dict.below(37)) * 50'000;  // CPC .2..2
      }
      campaigns_.push_back(std::move(c));
    }
  }

  // Appends the next event, one JSON object followed by '\n', to `out`.
  void append_next(std::string& out) {
    const int64_t now = tick();
    Pending e;
    if (!pending_.empty() && pending_.top().due_ms <= now) {
      e = pending_.top();
      pending_.pop();
    } else {
      e.due_ms = now;
      e.campaign = static_cast<uint32_t>(campaign_pick_(rng_));
      e.creative = static_cast<uint32_t>(rng_.below(campaigns_[e.campaign].creatives.size()));
      e.type = kImpression;
    }
    const Campaign& c = campaigns_[e.campaign];
    // What this event leads to.
    if (e.type == kImpression && rng_.chance(c.ctr)) {
      pending_.push({e.due_ms + 1 + static_cast<int64_t>(rng_.below(o_.max_click_delay_ms)), seq_++,
                     e.campaign, e.creative, kClick});
    } else if (e.type == kClick && rng_.chance(c.cvr)) {
      // Most conversions come soon after the click, a few much later.
      const double u = rng_.uniform();
      pending_.push(
          {e.due_ms + 1000 +
               static_cast<int64_t>(u * u * static_cast<double>(o_.max_conversion_delay_ms)),
           seq_++, e.campaign, e.creative, kConversion});
    }
    ts_ = e.due_ms;
    key_ = c.name;
    out.append("{\"campaign\":\"");
    out.append(c.name);
    out.append("\",\"creative\":\"");
    out.append(c.creatives[e.creative]);
    out.append(e.type == kImpression ? "\",\"type\":\"IMPRESSION\",\"cost\":"
               : e.type == kClick    ? "\",\"type\":\"CLICK\",\"cost\":"
                                     : "\",\"type\":\"CONVERSION\",\"cost\":");
    append_micros(e.type == kImpression ? c.impression_micros
                  : e.type == kClick    ? c.click_micros
                                        : 0,
                  out);
    out.append(",\"time\":\"");
    time_.append(ts_, out);
    out.append("\"}\n");
  }

  // last_key(): the event's campaign. last_time_ms(): its time (a pending click's or
  // conversion's due time, which may precede the nominal time).

 private:
  static AdsOptions clamped(AdsOptions o) {
    if (o.campaigns == 0) o.campaigns = 1;
    return o;
  }

  enum Type : uint8_t { kImpression, kClick, kConversion };
  struct Campaign {
    std::string name;
    std::vector<std::string> creatives;
    double ctr = 0, cvr = 0;
    int64_t impression_micros = 0, click_micros = 0;  // cost in millionths
  };
  struct Pending {
    int64_t due_ms = 0;
    uint64_t seq = 0;  // ties broken by creation order, so the output is deterministic
    uint32_t campaign = 0, creative = 0;
    Type type = kImpression;
    bool operator>(const Pending& o) const {
      return due_ms != o.due_ms ? due_ms > o.due_ms : seq > o.seq;
    }
  };

  static std::string two_digits(size_t i) { return (i < 10 ? "0" : "") + std::to_string(i); }
  // A decimal with up to six fractional digits, trailing zeros dropped ("0.0035", "1.25", "0").
  static void append_micros(int64_t micros, std::string& out) {
    out.append(std::to_string(micros / 1'000'000));
    int64_t frac = micros % 1'000'000;
    if (frac == 0) return;
    char digits[7] = {};
    for (int i = 5; i >= 0; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
    int len = 6;
    while (digits[len - 1] == '0') --len;
    out.push_back('.');
    out.append(digits, static_cast<size_t>(len));
  }

  AdsOptions o_;
  Rng rng_;
  ZipfSampler campaign_pick_;
  std::vector<Campaign> campaigns_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> pending_;
  IsoTimeFormatter time_;
  uint64_t seq_ = 0;
};

}  // namespace sluice::cli
