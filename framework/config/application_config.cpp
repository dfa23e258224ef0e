#include "config/application_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "common/host_port.h"
#include "config/interpolate.h"

namespace sluice::config {

namespace {
std::string check_host_port(const std::string& value) {
  Result<HostPort> parsed = parse_host_port(value);
  return parsed.ok() ? "" : parsed.status().message();
}
}  // namespace

const ConfigDef& application_config_def() {
  static const ConfigDef def = [] {
    ConfigDef d;
    d.define({.name = "application.id",
              .doc = "Consumer group id; prefix of internal topics and state directories"});
    d.define({.name = "bootstrap.servers",
              .default_value = "embedded",
              .doc = "Kafka brokers, host:port[,host:port]; `embedded` starts a mock cluster "
                     "in-process"});
    d.define({.name = "processing.guarantee",
              .type = ConfigType::kEnum,
              .default_value = "at_least_once",
              .doc = "Processing guarantee",
              .enum_values = {"at_least_once", "exactly_once_v2"}});
    d.define({.name = "num.stream.threads",
              .type = ConfigType::kInt,
              .default_value = "1",
              .doc = "StreamThreads per process, each with its own consumer and producer",
              .min = 1,
              .max = 256});
    d.define({.name = "commit.interval.ms",
              .type = ConfigType::kInt,
              .default_value = "30000",
              .doc = "How often tasks flush caches and commit",
              .min = 1});
    d.define({.name = "state.dir",
              .default_value = "/tmp/sluice",
              .doc = "Where RocksDB stores live: state.dir/<application.id>/<task>/<store>"});
    d.define({.name = "cache.max.bytes",
              .type = ConfigType::kInt,
              .default_value = "10485760",
              .doc = "Record cache budget across all stores of a thread",
              .min = 0});
    d.define({.name = "repartition.purge.interval.ms",
              .type = ConfigType::kInt,
              .default_value = "30000",
              .doc = "How often, at most, a stream thread deletes the repartition records its "
                     "tasks committed (repartition topics never expire records by time)",
              .min = 1});
    d.define({.name = "windowstore.changelog.additional.retention.ms",
              .type = ConfigType::kInt,
              .default_value = "86400000",
              .doc = "Added to a window store's retention to give its changelog's retention.ms",
              .min = 0});
    d.define({.name = "metrics.listen",
              .default_value = "",
              .doc = "Where to serve Prometheus metrics (GET /metrics), e.g. 0.0.0.0:9464; port "
                     "0 takes a free one; empty: no endpoint",
              .format = "HOST:PORT",
              .check = &check_host_port});
    d.define({.name = "dead.letter.topic",
              .default_value = "",
              .doc = "Where malformed records go; empty means <application.id>-dead-letters"});
    d.define({.name = "kafka",
              .type = ConfigType::kMap,
              .default_value = "",
              .doc = "librdkafka properties passed through unchanged (security, tuning)"});
    return d;
  }();
  return def;
}

ApplicationConfig parse_application_config(const std::string& text, const std::string& file) {
  auto interpolated = interpolate(text);
  if (!interpolated.ok()) {
    throw ConfigError({{{file, 0, 0}, interpolated.status().message()}});
  }
  YAML::Node root;
  try {
    root = YAML::Load(*interpolated);
  } catch (const YAML::Exception& e) {
    throw ConfigError({{{file, e.mark.line + 1, e.mark.column + 1}, e.msg}});
  }
  const ConfigValues v = application_config_def().parse(root, file);
  ApplicationConfig c;
  c.application_id = v.get("application.id");
  c.bootstrap_servers = v.get("bootstrap.servers");
  c.processing_guarantee = v.get("processing.guarantee") == "exactly_once_v2"
                               ? ProcessingGuarantee::kExactlyOnceV2
                               : ProcessingGuarantee::kAtLeastOnce;
  c.num_stream_threads = static_cast<int>(v.get_int("num.stream.threads"));
  c.commit_interval_ms = v.get_int("commit.interval.ms");
  c.state_dir = v.get("state.dir");
  c.cache_max_bytes = v.get_int("cache.max.bytes");
  c.repartition_purge_interval_ms = v.get_int("repartition.purge.interval.ms");
  c.window_changelog_additional_retention_ms =
      v.get_int("windowstore.changelog.additional.retention.ms");
  c.metrics_listen = v.get("metrics.listen");
  c.dead_letter_topic = v.get("dead.letter.topic");
  if (c.dead_letter_topic.empty()) c.dead_letter_topic = c.application_id + "-dead-letters";
  c.kafka = v.get_map("kafka");
  return c;
}

ApplicationConfig load_application_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError({{{path, 0, 0}, "cannot read file"}});
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_application_config(buffer.str(), path);
}

}  // namespace sluice::config
