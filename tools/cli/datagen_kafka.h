// Sends generated JSON lines to a Kafka topic instead of stdout (`sluice datagen ... --bootstrap
// B --topic T`): each record carries the key and timestamp its generator gives it
// (produce_records), or for line-only generators the line's `key_field` string value and its
// `time_field` (ISO-8601; Kafka's create time when absent) (produce_lines). Sending is paced to
// `rate` records per wall-clock second unless `max_speed`. Line generation stays in the
// datagen_*.h generators; this only ships lines.
#pragma once

#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "kafka/producer.h"
#include "topology/timestamp_extractor.h"

namespace sluice::cli {

struct KafkaDatagenOptions {
  std::string bootstrap;             // required
  std::string topic;                 // required
  std::string key_field = "cookie";  // default: "cookie"
  std::string time_field = "time";   // default: "time"
  double rate = 1000;                // records per wall-clock second
  bool max_speed = false;            // default: paced
};

// The string value of top-level-or-nested `"field":"..."` in a JSON line (first occurrence),
// or empty. Generated lines have no escapes in these fields.
inline std::string_view json_string_field(std::string_view line, std::string_view field) {
  const std::string needle = fmt::format("\"{}\":\"", field);
  const auto at = line.find(needle);
  if (at == std::string_view::npos) return {};
  const auto start = at + needle.size();
  const auto end = line.find('"', start);
  return end == std::string_view::npos ? std::string_view() : line.substr(start, end - start);
}

// One generated record as it goes to Kafka.
struct KeyedLine {
  std::string line;  // the JSON value; a trailing '\n' is not sent
  std::string key;
  int64_t time_ms = 0;  // record timestamp
};

// `next(record)` fills the line (appending to the cleared `record.line`), key and time of the
// next record. Returns false (message on stderr) when producing failed. Throws
// kafka::KafkaError for a bad configuration (startup). `o.key_field`/`o.time_field` are unused.
inline bool produce_records(const KafkaDatagenOptions& o, uint64_t count,
                            const std::function<void(KeyedLine&)>& next) {
  kafka::Conf conf;
  conf.set("bootstrap.servers", o.bootstrap).set("linger.ms", "5");
  kafka::Producer producer(std::move(conf));
  KeyedLine record;
  const auto begin = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < count; ++i) {
    record.line.clear();
    next(record);
    std::string_view text(record.line);
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    Status st = producer.send(o.topic, std::nullopt, record.key, text, Timestamp(record.time_ms));
    if (!st.ok()) {
      fmt::print(stderr, "sluice: error: {}\n", st.to_string());
      return false;
    }
    if (!o.max_speed && i % 64 == 63) {
      const auto due =
          begin + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(static_cast<double>(i + 1) / o.rate));
      producer.poll();
      std::this_thread::sleep_until(due);
    }
  }
  Status st = producer.flush(std::chrono::seconds(60));
  if (!st.ok()) {
    fmt::print(stderr, "sluice: error: {}\n", st.to_string());
    return false;
  }
  return true;
}

// `next(line)` appends one line (ending in '\n') to `line`; its key is the line's `key_field`
// and its timestamp the line's `time_field` (ISO-8601; 0 when absent). Returns false (message
// on stderr) when producing failed. Throws kafka::KafkaError for a bad configuration.
inline bool produce_lines(const KafkaDatagenOptions& o, uint64_t count,
                          const std::function<void(std::string&)>& next) {
  return produce_records(o, count, [&](KeyedLine& r) {
    next(r.line);
    std::string_view text(r.line);
    r.key = json_string_field(text, o.key_field);
    r.time_ms = parse_iso8601(json_string_field(text, o.time_field)).value_or(Timestamp(0)).ms();
  });
}

}  // namespace sluice::cli
