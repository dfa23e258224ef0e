// The input of `sluice bench e2e`: each dataset generated once (seeded) into memory, keyed and
// timestamped as `sluice datagen --bootstrap` sends it, and produced to each row's fresh
// embedded broker before the row is timed. Every row reads these same records.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datagen_kafka.h"
#include "kafka/mock_cluster.h"

namespace sluice::cli {

struct BenchInputSpec {
  std::string dataset;  // the generator: allezon, orders, products, ads
  std::string topic;    // e.g. "user_tags"
  uint64_t records = 0;
};

// One dataset, generated: the exact records every row reads.
struct BenchDataset {
  BenchInputSpec spec;
  std::vector<KeyedLine> records;    // values without the generators' trailing '\n'
  std::vector<int32_t> partition;    // of each record: a hash of its key modulo the partitions
  uint64_t bytes = 0;                // key + value bytes
  uint64_t max_partition_bytes = 0;  // the fullest partition's key + value bytes
  uint64_t order_items = 0;  // orders only: items in all orders (records of the repartition topic)
};

// The datasets the rows read: allezon -> user_tags and ads -> ad_events (`records` each), orders
// -> orders (a quarter: each order has 1-5 items, which cross a repartition topic, and the
// mock must hold them), products -> mysql.pizzashop.products (a twentieth, at least 100: the
// catalog has 100 products, the rest are CDC updates and deletes).
std::vector<BenchInputSpec> bench_input_specs(uint64_t records);

// Generates `spec` with `seed`, partitioned by key over `partitions`.
BenchDataset generate_bench_dataset(const BenchInputSpec& spec, int partitions, uint64_t seed);

// Creates the dataset's topic on `cluster` and produces every record to its partition; then
// checks the broker still holds every record (the mock drops a partition's oldest data beyond
// 5 MiB). Throws std::runtime_error (or kafka::KafkaError) when producing fails or records were
// dropped.
void produce_bench_dataset(kafka::MockCluster& cluster, const BenchDataset& dataset,
                           int partitions);

}  // namespace sluice::cli
