// The loader's working state: the diagnostics found so far, and typed access to YAML nodes that
// records a diagnostic (at the node's position) instead of throwing, so one load reports every
// problem. Scalars are interpolated (${VAR}, ${VAR:-default}) as they are read, so positions
// stay those of the file as written.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/types.h"
#include "config/config_error.h"
#include "config/interpolate.h"

namespace sluice::yaml::detail {

class Context {
 public:
  Context(std::string file, config::EnvLookup env) : file_(std::move(file)), env_(std::move(env)) {}

  const std::string& file() const { return file_; }
  const std::vector<config::Diagnostic>& diagnostics() const { return diagnostics_; }
  const std::map<std::string, std::string>& parameters() const { return parameters_; }

  void error(const YAML::Node& at, std::string message);
  // `column_offset` is added to the node's column (e.g. a token inside an expression).
  void error_at(const YAML::Node& at, int line_offset, int column_offset, std::string message);

  // The scalar's text, interpolated; nullopt (with a diagnostic) when the node is not a scalar.
  std::optional<std::string> scalar(const YAML::Node& node, std::string_view what);
  std::optional<int64_t> integer(const YAML::Node& node, std::string_view what, int64_t min,
                                 int64_t max);
  std::optional<bool> boolean(const YAML::Node& node, std::string_view what);
  // "500ms", "30s", "1m", "24h", "7d", or a bare number of milliseconds.
  std::optional<DurationMs> duration(const YAML::Node& node, std::string_view what);
  // One of `allowed`; the error names them all and the nearest.
  std::optional<std::string> one_of(const YAML::Node& node, std::string_view what,
                                    const std::vector<std::string>& allowed);
  // A string, or a sequence of strings.
  std::optional<std::vector<std::string>> string_list(const YAML::Node& node,
                                                      std::string_view what);

  // Checks that `map` is a mapping whose keys are all in `allowed` and that every key of
  // `required` is present. Returns false (with diagnostics) when it is not a mapping.
  bool check_keys(const YAML::Node& map, std::string_view what,
                  const std::vector<std::string>& allowed,
                  const std::vector<std::string>& required = {});
  // The key node (for positions) of `key` in `map`, or `map` itself when absent.
  static YAML::Node key_node(const YAML::Node& map, std::string_view key);

 private:
  std::string file_;
  config::EnvLookup env_;
  std::vector<config::Diagnostic> diagnostics_;
  std::map<std::string, std::string> parameters_;
};

// Up to `max` of `candidates` closest to `name` by edit distance (and close enough to be a
// plausible typo), nearest first.
std::vector<std::string> nearest_names(std::string_view name,
                                       const std::vector<std::string>& candidates, size_t max = 3);
// " (did you mean 'a' or 'b'?)", or "" when nothing is close.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);
// "'a', 'b' or 'c'"
std::string quoted_list(const std::vector<std::string>& names);

}  // namespace sluice::yaml::detail
