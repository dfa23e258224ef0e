// ApplicationConfig: the keys of an application file (Kafka Streams' names), declared once in
// application_config_def(). Files support ${VAR} and ${VAR:-default} interpolation.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "config/config_def.h"

namespace sluice::config {

enum class ProcessingGuarantee : uint8_t { kAtLeastOnce, kExactlyOnceV2 };

struct ApplicationConfig {
  std::string application_id;
  std::string bootstrap_servers;
  ProcessingGuarantee processing_guarantee = ProcessingGuarantee::kAtLeastOnce;
  int num_stream_threads = 1;
  int64_t commit_interval_ms = 30'000;
  std::string state_dir;
  int64_t cache_max_bytes = 0;
  int64_t repartition_purge_interval_ms = 30'000;
  int64_t window_changelog_additional_retention_ms = 86'400'000;
  std::string metrics_listen;  // HOST:PORT of the /metrics endpoint; empty: none
  std::string dead_letter_topic;
  std::map<std::string, std::string> kafka;  // passed through to librdkafka
};

const ConfigDef& application_config_def();

// Parses YAML text (after interpolation) from `file`. Throws ConfigError.
ApplicationConfig parse_application_config(const std::string& text, const std::string& file);
// Reads and parses a file. Throws ConfigError (unreadable file included).
ApplicationConfig load_application_config(const std::string& path);

}  // namespace sluice::config
