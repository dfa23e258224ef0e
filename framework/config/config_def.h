// ConfigDef: configuration declared once, in a table giving each key its type, default, doc and
// validation (as Kafka's ConfigDef does). Parsing a YAML mapping against it reports every
// problem (unknown key with the nearest known one, wrong type, out of range, missing required)
// as FILE:LINE:COL diagnostics in one ConfigError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config_error.h"

namespace YAML {
class Node;
}

namespace sluice::config {

enum class ConfigType : uint8_t { kString, kInt, kBool, kEnum, kMap };

struct ConfigKey {
  std::string name;
  ConfigType type = ConfigType::kString;
  std::optional<std::string> default_value;  // nullopt: required
  std::string doc;
  std::vector<std::string> enum_values;  // kEnum only
  int64_t min = INT64_MIN;               // kInt only
  int64_t max = INT64_MAX;               // kInt only
  // kString only: what a valid value looks like, for the docs ("HOST:PORT"), and the check
  // that returns what is wrong with a non-empty value ("" when it is valid; empty values are
  // the key's "off" and always accepted). nullptr: any string.
  std::string format;
  std::string (*check)(const std::string& value) = nullptr;
};

// Parsed values: scalars as text (validated), maps as string->string.
class ConfigValues {
 public:
  const std::string& get(const std::string& name) const { return scalars_.at(name); }
  int64_t get_int(const std::string& name) const { return std::stoll(get(name)); }
  bool get_bool(const std::string& name) const { return get(name) == "true"; }
  const std::map<std::string, std::string>& get_map(const std::string& name) const;
  bool is_set(const std::string& name) const { return explicit_.count(name) > 0; }

 private:
  friend class ConfigDef;
  std::map<std::string, std::string> scalars_;
  std::map<std::string, std::map<std::string, std::string>> maps_;
  std::map<std::string, bool> explicit_;
};

class ConfigDef {
 public:
  ConfigDef& define(ConfigKey key);
  const std::vector<ConfigKey>& keys() const { return keys_; }
  const ConfigKey* find(const std::string& name) const;
  // Validates `root` (a YAML mapping) and fills defaults. Throws ConfigError.
  ConfigValues parse(const YAML::Node& root, const std::string& file) const;
  // A Markdown table of every key (for docs).
  std::string to_markdown() const;

 private:
  std::vector<ConfigKey> keys_;
};

}  // namespace sluice::config
