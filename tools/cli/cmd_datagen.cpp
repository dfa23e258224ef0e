// `sluice datagen <dataset> --count N [--seed S] [--start ISO8601] [--rate EVENTS_PER_SEC]`:
// writes synthetic events as JSON lines to stdout (or, with --bootstrap and --topic, to a Kafka
// topic, each event keyed as its dataset says); the same options give the same bytes.
// Datasets are listed in kDatasets below; each is a header-only generator (datagen_<name>.h)
// so its statistics can be unit-tested.
#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "command.h"
#include "datagen_ads.h"
#include "datagen_allezon.h"
#include "datagen_events.h"
#include "datagen_kafka.h"
#include "datagen_orders.h"
#include "datagen_products.h"
#include "topology/timestamp_extractor.h"

namespace sluice::cli {

namespace {

// Options every dataset understands.
struct DatagenOptions {
  std::string dataset;
  uint64_t count = 0;
  uint64_t seed = 1;
  int64_t start_ms = 0;
  double rate = 1000;
  // With bootstrap: events go to `topic` on Kafka (paced to `rate` per wall-clock second
  // unless max_speed) instead of stdout.
  std::string bootstrap;
  std::string topic;
  bool max_speed = false;
};

// The generator-specific options of a dataset, from the common ones.
template <typename Options>
Options common_options(const DatagenOptions& o) {
  Options a;
  a.count = o.count;
  a.seed = o.seed;
  a.start_ms = o.start_ms;
  a.rate = o.rate;
  return a;
}

KafkaDatagenOptions kafka_options(const DatagenOptions& o) {
  return {.bootstrap = o.bootstrap, .topic = o.topic, .rate = o.rate, .max_speed = o.max_speed};
}

template <typename Generator>
bool write(const DatagenOptions& o, std::FILE* out) {
  Generator gen(common_options<typename Generator::Options>(o));
  return write_all(gen, o.count, out);
}

// For datasets whose generators name each event's key and time (last_key, last_time_ms).
template <typename Generator>
bool produce(const DatagenOptions& o) {
  Generator gen(common_options<typename Generator::Options>(o));
  return produce_records(kafka_options(o), o.count, [&gen](KeyedLine& r) {
    gen.append_next(r.line);
    r.key = gen.last_key();
    r.time_ms = gen.last_time_ms();
  });
}

// Allezon lines carry their key (cookie) and time, which produce_lines reads back.
bool produce_allezon(const DatagenOptions& o) {
  AllezonGenerator gen(common_options<AllezonOptions>(o));
  return produce_lines(kafka_options(o), o.count,
                       [&gen](std::string& line) { gen.append_next(line); });
}

struct Dataset {
  const char* name;
  const char* description;
  bool (*write)(const DatagenOptions&, std::FILE*);  // false when writing failed (errno set)
  // Sends to o.topic; false (message on stderr) when producing failed; throws
  // kafka::KafkaError for a bad configuration.
  bool (*produce)(const DatagenOptions&);
};

constexpr Dataset kDatasets[] = {
    {"allezon", "Allezon user tags (sluice.allezon.UserTag), keyed by cookie",
     write<AllezonGenerator>, produce_allezon},
    {"orders", "pizza-shop orders (sluice.shop.Order), keyed by order id", write<OrdersGenerator>,
     produce<OrdersGenerator>},
    {"products", "pizza-shop products as Debezium CDC (sluice.shop.Product), keyed by product id",
     write<ProductsGenerator>, produce<ProductsGenerator>},
    {"ads", "ad impressions, clicks and conversions (sluice.ads.AdEvent), keyed by campaign",
     write<AdsGenerator>, produce<AdsGenerator>},
    {"events",
     "web events (sluice.events.WebEvent), keyed by uuid; event time only in the Kafka "
     "timestamp",
     write<EventsGenerator>, produce<EventsGenerator>},
};

constexpr const char* kDefaultStart = "2022-03-22T12:00:00.000Z";

int run_datagen(DatagenOptions o, const std::string& start) {
  const Dataset* dataset = nullptr;
  for (const Dataset& d : kDatasets) {
    if (o.dataset == d.name) dataset = &d;
  }
  if (dataset == nullptr) {
    std::string known;
    for (const Dataset& d : kDatasets) known += fmt::format(" {}", d.name);
    fmt::print(stderr, "sluice: error: unknown dataset '{}' (known:{})\n", o.dataset, known);
    return kExitUsage;
  }
  if (!(o.rate > 0)) {
    fmt::print(stderr, "sluice: error: --rate must be positive, got {}\n", o.rate);
    return kExitUsage;
  }
  const auto ts = parse_iso8601(start);
  if (!ts) {
    fmt::print(stderr, "sluice: error: --start is not an ISO-8601 date-time: '{}'\n", start);
    return kExitUsage;
  }
  o.start_ms = ts->ms();
  if (!o.bootstrap.empty() || !o.topic.empty()) {
    if (o.bootstrap.empty() || o.topic.empty()) {
      fmt::print(stderr, "sluice: error: --bootstrap and --topic go together\n");
      return kExitUsage;
    }
    try {
      return dataset->produce(o) ? kExitOk : kExitFailure;
    } catch (const kafka::KafkaError& e) {
      fmt::print(stderr, "sluice: error: {}\n", e.what());
      return kExitFailure;
    }
  }
  if (!dataset->write(o, stdout)) {
    fmt::print(stderr, "sluice: error: cannot write to stdout: {}\n", std::strerror(errno));
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

Command add_datagen_command(CLI::App& root) {
  std::string datasets = "Dataset:";
  for (const Dataset& d : kDatasets) datasets += fmt::format(" {} = {};", d.name, d.description);
  datasets.pop_back();
  CLI::App* app = root.add_subcommand("datagen", "Write synthetic events as JSON lines to stdout");
  auto o = std::make_shared<DatagenOptions>();
  auto start = std::make_shared<std::string>(kDefaultStart);
  app->add_option("dataset", o->dataset, datasets)->required();
  app->add_option("--count", o->count, "Number of events")->required()->check(non_negative());
  app->add_option("--seed", o->seed, "Random seed; the same seed gives the same output")
      ->capture_default_str()
      ->check(non_negative());
  app->add_option("--start", *start, "Event time of the first event (ISO-8601)")
      ->capture_default_str();
  app->add_option("--rate", o->rate, "Events per second of event time (> 0)")
      ->capture_default_str();
  app->add_option("--bootstrap", o->bootstrap,
                  "Send to Kafka at these brokers (with --topic) instead of stdout");
  app->add_option("--topic", o->topic, "Kafka topic (with --bootstrap)");
  app->add_flag("--max-speed", o->max_speed,
                "With --bootstrap: send as fast as possible instead of --rate per second");

  return {app, [o, start] { return run_datagen(*o, *start); }};
}

}  // namespace sluice::cli
