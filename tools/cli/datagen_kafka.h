// Sends generated JSON lines to a Kafka topic instead of stdout (`sluice datagen ... --bootstrap
// B --topic T`): the record key is the line's `key_field` string value, the record timestamp its
// `time_field` (ISO-8601; Kafka's create time when absent), and sending is paced to `rate`
// records per wall-clock second unless `max_speed`. Line generation stays in the datagen_*.h
// generators; this only ships lines.
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

// `next(line)` appends one line (ending in '\n') to `line`. Returns false (message on stderr)
// when producing failed. Throws kafka::KafkaError for a bad configuration (startup).
inline bool produce_lines(const KafkaDatagenOptions& o, uint64_t count,
                          const std::function<void(std::string&)>& next) {
  kafka::Conf conf;
  conf.set("bootstrap.servers", o.bootstrap).set("linger.ms", "5");
  kafka::Producer producer(std::move(conf));
  std::string line;
  const auto begin = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < count; ++i) {
    line.clear();
    next(line);
    std::string_view text(line);
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    const auto ts = parse_iso8601(json_string_field(text, o.time_field));
    Status st = producer.send(o.topic, std::nullopt, json_string_field(text, o.key_field), text,
                              ts.value_or(Timestamp(0)));
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

}  // namespace sluice::cli
