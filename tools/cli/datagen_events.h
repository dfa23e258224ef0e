// Synthetic web events (seed 003; proto/events.proto, sluice.events.WebEvent) as JSON lines, as
// topologies/event_counter.yaml reads them:
//
// {"uuid":"c7a84fa3-bd42-4c6c-acbd-50506325ac10","url":"https://www.example.net/p/17",
// "type":"VIEW","ip":"83.12.201.7"}
//
// The line has no time (the seed's shape): the event time is the Kafka record timestamp, which
// advances at `rate` events per second (last_time_ms). `urls` URLs on a handful of sites, a few
// far more visited than most; `clients` client IPs, likewise skewed; VIEW (1 - click_fraction)
// and CLICK. The output depends only on the options (seed included).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "datagen_common.h"

namespace sluice::cli {

// Default start 2022-03-22T12:00:00.000Z.
struct EventsOptions : CommonOptions<1647950400000> {
  size_t urls = 200;
  size_t clients = 5000;
  double click_fraction = 0.15;
};

class EventsGenerator : public KeyedEventClock {
 public:
  using Options = EventsOptions;

  explicit EventsGenerator(const EventsOptions& options)
      : KeyedEventClock(options.start_ms, options.rate),
        o_(clamped(options)),
        rng_(options.seed ^ 0xe7e7'0003'0000'0001ULL),
        url_pick_(o_.urls, 1.0, 2),
        client_pick_(o_.clients, 0.8, 20) {
    static constexpr const char* kSites[] = {"https://www.example.net", "https://www.facebook.com",
                                             "https://www.example.com", "https://shop.example.org",
                                             "https://news.example.io"};
    Rng dict(options.seed ^ 0xe7e7'd1c7'0000'0002ULL);
    for (size_t i = 0; i < o_.urls; ++i) {
      // The first URLs are the sites' home pages; the rest pages under them.
      std::string url = kSites[i % 5];
      if (i >= 5) url += "/p/" + std::to_string(i / 5);
      urls_.push_back(std::move(url));
    }
    for (size_t i = 0; i < o_.clients; ++i) {
      const uint64_t a = 1 + dict.below(223);  // unicast, not 0.x
      ips_.push_back(std::to_string(a) + "." + std::to_string(dict.below(256)) + "." +
                     std::to_string(dict.below(256)) + "." + std::to_string(1 + dict.below(254)));
    }
  }

  // Appends the next event, one JSON object followed by '\n', to `out`.
  void append_next(std::string& out) {
    ts_ = tick();
    key_.clear();
    append_uuid4(rng_, key_);
    out.append("{\"uuid\":\"");
    out.append(key_);
    out.append("\",\"url\":\"");
    out.append(urls_[url_pick_(rng_)]);
    out.append(rng_.chance(o_.click_fraction) ? "\",\"type\":\"CLICK" : "\",\"type\":\"VIEW");
    out.append("\",\"ip\":\"");
    out.append(ips_[client_pick_(rng_)]);
    out.append("\"}\n");
  }

  // last_key(): the event's uuid. last_time_ms(): its event time (only in the record timestamp).

 private:
  static EventsOptions clamped(EventsOptions o) {
    if (o.urls == 0) o.urls = 1;
    if (o.clients == 0) o.clients = 1;
    return o;
  }

  EventsOptions o_;
  Rng rng_;
  ZipfSampler url_pick_, client_pick_;
  std::vector<std::string> urls_, ips_;
};

}  // namespace sluice::cli
