#include "bench_e2e.h"

#include <fmt/core.h>
#include <fmt/format.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "bench_e2e_input.h"
#include "bench_e2e_runs.h"
#include "command.h"
#include "kafka/mock_cluster.h"

namespace sluice::cli {

namespace {

using config::ProcessingGuarantee;

constexpr const char* kConsume = "consume-only";
constexpr const char* kPassthrough = "passthrough";

// A topology row: its file under the topologies directory, the input topics it reads (a group
// of the raw rows), and the parameters that point it at them.
struct TopologyDef {
  const char* name;
  const char* file;
  const char* input;  // the input group (raw rows' key)
  std::map<std::string, std::string> params;
  const char* output_var;  // the file's output topic variable ("" when it has no sink)
  // Every input record crosses a repartition topic once and is processed again behind it.
  bool input_repartitioned = false;
};

const std::vector<TopologyDef>& topology_defs() {
  static const std::vector<TopologyDef> defs = {
      {"windowed_count",
       "examples/windowed_count.yaml",
       "user_tags",
       {{"INPUT_TOPIC", "user_tags"}, {"INPUT_MESSAGE_TYPE", "sluice.allezon.UserTag"}},
       "OUTPUT_TOPIC"},
      {"minute_aggregation",
       "minute_aggregation.yaml",
       "user_tags",
       {{"USER_TAGS_TOPIC", "user_tags"}},
       "MINUTE_OUTPUT_TOPIC",
       true},
      {"profile_capping",
       "profile_capping.yaml",
       "user_tags",
       {{"USER_TAGS_TOPIC", "user_tags"}},
       ""},
      {"product_enrichment",
       "product_enrichment.yaml",
       "orders+products",
       {{"ORDERS_TOPIC", "orders"}, {"PRODUCTS_TOPIC", "mysql.pizzashop.products"}},
       "ENRICHED_TOPIC"},
      {"kpi_changes",
       "kpi_changes.yaml",
       "ad_events",
       {{"AD_EVENTS_TOPIC", "ad_events"}},
       "KPI_TOPIC"},
  };
  return defs;
}

// Input groups: what the raw rows read, and which topics (datasets) make them up.
const std::map<std::string, std::vector<std::string>>& input_groups() {
  static const std::map<std::string, std::vector<std::string>> groups = {
      {"user_tags", {"user_tags"}},
      {"orders+products", {"orders", "mysql.pizzashop.products"}},
      {"ad_events", {"ad_events"}},
  };
  return groups;
}

const char* guarantee_name(ProcessingGuarantee g) {
  return g == ProcessingGuarantee::kExactlyOnceV2 ? "exactly_once_v2" : "at_least_once";
}

struct Row {
  std::string name;
  std::string guarantee;  // "-" for consume-only
  std::string input;
  RunResult result;
};

double mib(uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

const Row* find_row(const std::vector<Row>& rows, const std::string& name,
                    const std::string& guarantee, const std::string& input) {
  for (const Row& r : rows) {
    if (r.name == name && r.guarantee == guarantee && r.input == input && r.result.error.empty())
      return &r;
  }
  return nullptr;
}

// "total / steady": the ratio of the whole-run rates, then of the rates from the first record.
std::string ratio(const Row* num, const Row* den) {
  if (!num || !den || den->result.rate() <= 0 || den->result.steady_rate() <= 0) return "";
  return fmt::format("{:.2f} / {:.2f}", num->result.rate() / den->result.rate(),
                     num->result.steady_rate() / den->result.steady_rate());
}

void print_table(const std::vector<Row>& rows) {
  fmt::print(
      "\n| row | guarantee | input | records | first record s | processed s | total s | "
      "events/s | events/s from first record | vs consume-only | vs passthrough | EOS / ALOS | "
      "peak RSS MiB (+ over the row's start) | record cache peak / budget KiB | CPU s |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Row& row : rows) {
    const RunResult& r = row.result;
    if (!r.error.empty()) {
      fmt::print("| {} | {} | {} | FAILED: {} |\n", row.name, row.guarantee, row.input, r.error);
      continue;
    }
    const Row* consume = find_row(rows, kConsume, "-", row.input);
    const Row* pass = find_row(rows, kPassthrough, row.guarantee, row.input);
    const Row* alos = find_row(rows, row.name, "at_least_once", row.input);
    const bool topology = row.name != kConsume && row.name != kPassthrough;
    const std::string cache = r.caches > 0
                                  ? fmt::format("{:.1f} / {:.0f}", r.cache_peak_bytes / 1024.0,
                                                r.cache_budget_bytes / 1024.0)
                                  : (topology ? "no cached store" : "");
    fmt::print(
        "| {} | {} | {} | {} | {:.3f} | {:.3f} | {:.3f} | {:.0f} | {:.0f} | {} | {} | {} | {:.0f} "
        "(+{:.0f}) | {} | {:.2f} |\n",
        row.name, row.guarantee, row.input, r.records, r.first_seconds, r.processed_seconds,
        r.total_seconds, r.rate(), r.steady_rate(),
        row.name == kConsume ? "" : ratio(&row, consume), topology ? ratio(&row, pass) : "",
        row.guarantee == "exactly_once_v2" ? ratio(&row, alos) : "", mib(r.peak_rss_bytes),
        mib(r.peak_rss_bytes - std::min(r.peak_rss_bytes, r.start_rss_bytes)), cache,
        r.cpu_seconds);
  }
}

// The targets, each with its measured figure (whole run / from the first record) and
// whether it is met on each.
void print_targets(const std::vector<Row>& rows) {
  auto verdict = [](double total, double steady, bool (*ok)(double)) {
    return fmt::format("{:.2f} / {:.2f} ({} / {})", total, steady, ok(total) ? "met" : "NOT met",
                       ok(steady) ? "met" : "NOT met");
  };
  auto share = [](const Row* a, const Row* b) {
    return std::pair(a->result.rate() / b->result.rate(),
                     a->result.steady_rate() / b->result.steady_rate());
  };
  fmt::print("\ntargets (whole run / from the first record):\n");
  for (const char* g : {"at_least_once", "exactly_once_v2"}) {
    for (const char* name : {"minute_aggregation", "profile_capping"}) {
      const Row* row = find_row(rows, name, g, "user_tags");
      const Row* consume = find_row(rows, kConsume, "-", "user_tags");
      if (!row || !consume) continue;
      const auto [t, st] = share(row, consume);
      fmt::print("  {} {} >= 0.50 of consume-only: {}\n", name, g,
                 verdict(t, st, [](double v) { return v >= 0.5; }));
    }
    const Row* pe = find_row(rows, "product_enrichment", g, "orders+products");
    const Row* pass = find_row(rows, kPassthrough, g, "orders+products");
    if (pe && pass) {
      const auto [t, st] = share(pe, pass);
      fmt::print("  product_enrichment {} >= 0.70 of passthrough ({}): {}\n", g, g,
                 verdict(t, st, [](double v) { return v >= 0.7; }));
    }
  }
  for (const auto& def : topology_defs()) {
    const Row* eos = find_row(rows, def.name, "exactly_once_v2", def.input);
    const Row* alos = find_row(rows, def.name, "at_least_once", def.input);
    if (!eos || !alos) continue;
    const auto [t, st] = share(eos, alos);
    fmt::print("  {} exactly-once cost (1 - EOS/ALOS) < 0.30: {}\n", def.name,
               verdict(1 - t, 1 - st, [](double v) { return v < 0.3; }));
  }
}

}  // namespace

const std::vector<std::string>& bench_e2e_row_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {kConsume, kPassthrough};
    for (const auto& d : topology_defs()) n.push_back(d.name);
    return n;
  }();
  return names;
}

CLI::App* add_bench_e2e_subcommand(CLI::App& bench, BenchE2eOptions& o) {
  CLI::App* e2e = bench.add_subcommand(
      "e2e",
      "End to end on the embedded broker (in-process librdkafka mock cluster), on the same "
      "generated input: consume-only and passthrough with plain librdkafka clients, then every "
      "topology on KafkaStreams, at-least-once and exactly-once; a table with events/s, ratios "
      "and peak RSS");
  e2e->add_option("--records", o.records,
                  "Records of the user tags and ad events inputs (orders: a quarter, products: a "
                  "twentieth); "
                  "each partition must stay well under the embedded broker's 5 MiB")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{100'000'000}));
  e2e->add_option("--partitions", o.partitions, "Partitions of every input and output topic")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  e2e->add_option("--guarantee", o.guarantee,
                  "processing.guarantee of the passthrough and topology rows")
      ->capture_default_str()
      ->check(CLI::IsMember({"at_least_once", "exactly_once_v2", "both"}));
  e2e->add_option("--only", o.only, "Rows to run (raw rows run on the selected topologies' inputs)")
      ->check(CLI::IsMember(bench_e2e_row_names()));
  e2e->add_option("--seed", o.seed, "Generators' seed")->capture_default_str();
  e2e->add_option("--commit-interval-ms", o.commit_interval_ms,
                  "commit.interval.ms for every row (default: 1000 at-least-once, 100 "
                  "exactly-once)")
      ->check(CLI::Range(int64_t{1}, int64_t{600'000}));
  e2e->add_option("--cache-max-bytes", o.cache_max_bytes, "cache.max.bytes (per store)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  e2e->add_option("--topologies", o.topologies_dir, "Directory of the topology files")
      ->capture_default_str();
  e2e->add_option("--state-dir", o.state_root,
                  "Where the runs' state directories go (default: system temp dir)");
  e2e->add_option("--timeout", o.timeout_s, "Seconds a row may take before it fails")
      ->capture_default_str()
      ->check(CLI::Range(1, 86'400));
  return e2e;
}

int run_bench_e2e(const BenchE2eOptions& o) {
  std::vector<ProcessingGuarantee> guarantees;
  if (o.guarantee != "exactly_once_v2") guarantees.push_back(ProcessingGuarantee::kAtLeastOnce);
  if (o.guarantee != "at_least_once") guarantees.push_back(ProcessingGuarantee::kExactlyOnceV2);
  auto selected = [&o](const std::string& name) {
    return o.only.empty() || std::find(o.only.begin(), o.only.end(), name) != o.only.end();
  };
  // The raw rows run on the inputs of the selected topologies (every input when none is).
  std::set<std::string> groups;
  for (const auto& d : topology_defs()) {
    if (selected(d.name)) groups.insert(d.input);
  }
  if (groups.empty()) {
    for (const auto& [g, topics] : input_groups()) groups.insert(g);
  }
  std::string root = o.state_root;
  if (root.empty()) {
    std::error_code ec;
    root = std::filesystem::temp_directory_path(ec).string();
    if (ec) root = "/tmp";
  }
  root += fmt::format("/sluice-bench-e2e-{:08x}", std::random_device{}());
  // Client settings beyond the runtime's own: none (librdkafka's defaults, linger.ms 5 included),
  // the same for the raw clients and the topologies.
  const std::map<std::string, std::string> kafka;
  auto interval = [&o](ProcessingGuarantee g) -> int64_t {
    if (o.commit_interval_ms > 0) return o.commit_interval_ms;
    return g == ProcessingGuarantee::kExactlyOnceV2 ? 100 : 1000;
  };

  std::vector<Row> rows;
  try {
    // Input: every dataset a selected group needs, generated once into memory.
    std::map<std::string, BenchDataset> datasets;
    for (const auto& spec : bench_input_specs(o.records)) {
      bool needed = false;
      for (const auto& g : groups) {
        const auto& members = input_groups().at(g);
        needed |= std::find(members.begin(), members.end(), spec.topic) != members.end();
      }
      if (!needed) continue;
      BenchDataset d = generate_bench_dataset(spec, o.partitions, o.seed);
      fmt::print(
          "input: {} (datagen {} --seed {}): {} records, {:.1f} MiB, fullest partition {:.2f} "
          "MiB{}\n",
          spec.topic, spec.dataset, o.seed, spec.records, mib(d.bytes), mib(d.max_partition_bytes),
          d.order_items ? fmt::format(", {} order items", d.order_items) : "");
      datasets.emplace(spec.topic, std::move(d));
    }
    auto group_records = [&datasets](const std::string& group) {
      uint64_t n = 0;
      for (const auto& t : input_groups().at(group)) n += datasets.at(t).records.size();
      return n;
    };
    // Each row gets a fresh embedded broker holding only its input (produced before the row is
    // timed), so no row pays for the topics of the rows before it.
    auto broker_with = [&](const std::string& group) {
      auto cluster = std::make_unique<kafka::MockCluster>(1);
      for (const auto& t : input_groups().at(group))
        produce_bench_dataset(*cluster, datasets.at(t), o.partitions);
      return cluster;
    };
    fmt::print(
        "embedded broker: librdkafka {} mock cluster, 1 broker, in this process; a fresh one per "
        "row\npartitions: {}; cache.max.bytes: {} (per store); commit.interval.ms: {}; "
        "num.stream.threads: 1; librdkafka defaults otherwise\n",
        rd_kafka_version_str(), o.partitions, o.cache_max_bytes,
        o.commit_interval_ms > 0 ? std::to_string(o.commit_interval_ms)
                                 : "1000 at-least-once, 100 exactly-once");
    auto report = [](const Row& row) {
      fmt::print("{} {} {}: {}\n", row.name, row.guarantee, row.input,
                 row.result.error.empty() ? fmt::format("{:.0f} events/s ({:.3f} s)",
                                                        row.result.rate(), row.result.total_seconds)
                                          : "FAILED: " + row.result.error);
      std::fflush(stdout);
    };
    if (selected(kConsume)) {
      for (const auto& g : groups) {
        auto cluster = broker_with(g);
        rows.push_back({kConsume, "-", g,
                        run_consume_only(cluster->bootstrap(), input_groups().at(g),
                                         group_records(g), kafka, o.timeout_s)});
        report(rows.back());
      }
    }
    if (selected(kPassthrough)) {
      for (const auto g : guarantees) {
        for (const auto& group : groups) {
          auto cluster = broker_with(group);
          const std::string out = "bench-passthrough-out";
          cluster->create_topic(out, o.partitions);
          rows.push_back(
              {kPassthrough, guarantee_name(g), group,
               run_passthrough(cluster->bootstrap(), input_groups().at(group), group_records(group),
                               out, g, interval(g), kafka, o.timeout_s)});
          report(rows.back());
        }
      }
    }
    for (const auto& def : topology_defs()) {
      if (!selected(def.name)) continue;
      for (const auto g : guarantees) {
        const std::string app = fmt::format("bench-{}-{}", def.name, guarantee_name(g));
        TopologyRun run;
        run.file = o.topologies_dir + "/" + def.file;
        run.params = def.params;
        if (*def.output_var) run.params[def.output_var] = app + "-out";
        run.input_records = group_records(def.input);
        run.expected_processed = run.input_records;
        if (def.input_repartitioned) run.expected_processed += run.input_records;
        // Each order item crosses the repartition topic once and is processed again there.
        if (def.input == std::string("orders+products"))
          run.expected_processed += datasets.at("orders").order_items;
        config::ApplicationConfig c;
        c.application_id = app;
        c.processing_guarantee = g;
        c.commit_interval_ms = interval(g);
        c.cache_max_bytes = o.cache_max_bytes;
        c.state_dir = root + "/" + app;
        c.kafka = kafka;
        auto cluster = broker_with(def.input);
        rows.push_back({def.name, guarantee_name(g), def.input,
                        run_topology(*cluster, run, c, o.partitions, o.timeout_s)});
        report(rows.back());
      }
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "sluice: error: {}\n", e.what());
    return kExitFailure;
  }
  std::error_code ec;
  std::filesystem::remove_all(root, ec);

  print_table(rows);
  print_targets(rows);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  fmt::print("\nprocess peak RSS (getrusage ru_maxrss): {:.0f} MiB\n",
             static_cast<double>(usage.ru_maxrss) / 1024.0);
  bool failed = false;
  for (const Row& r : rows) failed |= !r.result.error.empty();
  if (failed) fmt::print(stderr, "sluice: error: some rows failed (see the table)\n");
  return failed ? kExitFailure : kExitOk;
}

}  // namespace sluice::cli
