#include "bench_e2e_input.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string_view>

#include "datagen_ads.h"
#include "datagen_allezon.h"
#include "datagen_orders.h"
#include "datagen_products.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"

namespace sluice::cli {

namespace {

using namespace std::chrono_literals;

// FNV-1a: a stable key -> partition map we can account bytes with (librdkafka's partitioner
// would place records where we could not see them).
uint32_t key_hash(std::string_view key) {
  uint32_t h = 2166136261u;
  for (const char c : key) {
    h ^= static_cast<uint8_t>(c);
    h *= 16777619u;
  }
  return h;
}

size_t count_items(std::string_view order_line) {
  size_t n = 0;
  for (size_t at = order_line.find("{\"productId\""); at != std::string_view::npos;
       at = order_line.find("{\"productId\"", at + 1)) {
    ++n;
  }
  return n;
}

// `next(record)` fills the next generated record (line, key, time).
using NextRecord = std::function<void(KeyedLine&)>;

template <typename Generator>
NextRecord keyed(typename Generator::Options options) {
  auto gen = std::make_shared<Generator>(options);
  return [gen](KeyedLine& r) {
    gen->append_next(r.line);
    r.key = gen->last_key();
    r.time_ms = gen->last_time_ms();
  };
}

NextRecord generator_for(const BenchInputSpec& spec, uint64_t seed) {
  if (spec.dataset == "allezon") {
    AllezonOptions o;
    o.count = spec.records;
    o.seed = seed;
    auto gen = std::make_shared<AllezonGenerator>(o);
    // Allezon lines carry their key (cookie) and time, as `sluice datagen --bootstrap` reads them.
    return [gen](KeyedLine& r) {
      gen->append_next(r.line);
      const std::string_view text(r.line);
      r.key = json_string_field(text, "cookie");
      r.time_ms = parse_iso8601(json_string_field(text, "time")).value_or(Timestamp(0)).ms();
    };
  }
  if (spec.dataset == "orders") {
    OrdersOptions o;
    o.count = spec.records;
    o.seed = seed;
    return keyed<OrdersGenerator>(o);
  }
  if (spec.dataset == "products") {
    ProductsOptions o;
    o.count = spec.records;
    o.seed = seed;
    return keyed<ProductsGenerator>(o);
  }
  if (spec.dataset == "ads") {
    AdsOptions o;
    o.count = spec.records;
    o.seed = seed;
    return keyed<AdsGenerator>(o);
  }
  throw std::invalid_argument("bench e2e: unknown dataset " + spec.dataset);
}

}  // namespace

std::vector<BenchInputSpec> bench_input_specs(uint64_t records) {
  return {{"allezon", "user_tags", records},
          {"orders", "orders", std::max<uint64_t>(1, records / 4)},
          {"products", "mysql.pizzashop.products", std::max<uint64_t>(100, records / 20)},
          {"ads", "ad_events", records}};
}

BenchDataset generate_bench_dataset(const BenchInputSpec& spec, int partitions, uint64_t seed) {
  BenchDataset d;
  d.spec = spec;
  d.records.resize(spec.records);
  d.partition.resize(spec.records);
  std::vector<uint64_t> partition_bytes(static_cast<size_t>(partitions), 0);
  const NextRecord next = generator_for(spec, seed);
  for (uint64_t i = 0; i < spec.records; ++i) {
    KeyedLine& r = d.records[i];
    next(r);
    if (!r.line.empty() && r.line.back() == '\n') r.line.pop_back();
    const auto p = static_cast<int32_t>(key_hash(r.key) % static_cast<uint32_t>(partitions));
    d.partition[i] = p;
    const uint64_t bytes = r.key.size() + r.line.size();
    d.bytes += bytes;
    partition_bytes[static_cast<size_t>(p)] += bytes;
    if (spec.dataset == "orders") d.order_items += count_items(r.line);
  }
  d.max_partition_bytes = *std::max_element(partition_bytes.begin(), partition_bytes.end());
  return d;
}

void produce_bench_dataset(kafka::MockCluster& cluster, const BenchDataset& d, int partitions) {
  const std::string& topic = d.spec.topic;
  cluster.create_topic(topic, partitions);
  {
    kafka::Conf conf;
    conf.set("bootstrap.servers", cluster.bootstrap());
    kafka::Producer producer(std::move(conf));
    for (size_t i = 0; i < d.records.size(); ++i) {
      const KeyedLine& r = d.records[i];
      Status st =
          producer.send(topic, Partition(d.partition[i]), r.key, r.line, Timestamp(r.time_ms));
      if (!st.ok()) throw std::runtime_error("bench e2e: producing input: " + st.to_string());
    }
    Status st = producer.flush(120s);
    if (!st.ok()) throw std::runtime_error("bench e2e: producing input: " + st.to_string());
  }
  // The mock keeps at most 5 MiB (or 100,000 message sets) per partition and drops the oldest
  // beyond: a low watermark above 0 means a row would wait forever for records that are gone.
  kafka::Conf conf;
  conf.set("bootstrap.servers", cluster.bootstrap());
  kafka::Consumer probe(std::move(conf));
  uint64_t held = 0;
  for (int p = 0; p < partitions; ++p) {
    auto wm = probe.watermarks(topic, Partition(p), 10s);
    if (!wm.ok()) throw std::runtime_error("bench e2e: watermarks: " + wm.status().to_string());
    if (wm->first.value() != 0) {
      throw std::runtime_error(fmt::format(
          "bench e2e: the embedded broker dropped the oldest records of {} partition {} (it "
          "keeps ~5 MiB per partition; fullest partition: {:.1f} MiB): lower --records or raise "
          "--partitions",
          topic, p, static_cast<double>(d.max_partition_bytes) / (1 << 20)));
    }
    held += static_cast<uint64_t>(wm->second.value());
  }
  if (held != d.records.size()) {
    throw std::runtime_error(fmt::format("bench e2e: {} holds {} records, {} were produced", topic,
                                         held, d.records.size()));
  }
}

}  // namespace sluice::cli
