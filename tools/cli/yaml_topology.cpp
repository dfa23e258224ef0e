#include "yaml_topology.h"

#include <map>

#include "config/interpolate.h"
#include "yaml/topology_file.h"

namespace sluice::cli {

Topology build_minute_aggregation_from_yaml(const std::string& path,
                                            const MinuteAggregationOptions& options) {
  std::map<std::string, std::string> params = {
      {"USER_TAGS_TOPIC", options.input_topic},
      {"MINUTE_IDLE_CLOSE", std::to_string(options.idle_close_ms)}};
  if (options.output_topic) {
    params["MINUTE_OUTPUT_TOPIC"] = *options.output_topic;
  } else {
    params["MINUTE_OUTPUT_ENABLED"] = "false";  // like the C++ build: results stay in the store
  }
  auto env = [&params](std::string_view name) -> std::optional<std::string> {
    auto it = params.find(std::string(name));
    return it != params.end() ? std::optional(it->second) : config::process_env(name);
  };
  return yaml::load_topology_file(path, env).topology;
}

}  // namespace sluice::cli
