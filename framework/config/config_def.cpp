#include "config/config_def.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "common/edit_distance.h"

namespace sluice::config {

namespace {

SourcePosition position(const YAML::Node& node, const std::string& file) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

const char* type_name(ConfigType t) {
  switch (t) {
    case ConfigType::kString:
      return "a string";
    case ConfigType::kInt:
      return "an integer";
    case ConfigType::kBool:
      return "true or false";
    case ConfigType::kEnum:
      return "one of the listed values";
    case ConfigType::kMap:
      return "a mapping";
  }
  return "a value";
}

}  // namespace

const std::map<std::string, std::string>& ConfigValues::get_map(const std::string& name) const {
  static const std::map<std::string, std::string> kEmpty;
  auto it = maps_.find(name);
  return it == maps_.end() ? kEmpty : it->second;
}

ConfigDef& ConfigDef::define(ConfigKey key) {
  if (find(key.name)) throw std::invalid_argument("config key defined twice: " + key.name);
  keys_.push_back(std::move(key));
  return *this;
}

const ConfigKey* ConfigDef::find(const std::string& name) const {
  for (const auto& k : keys_) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

ConfigValues ConfigDef::parse(const YAML::Node& root, const std::string& file) const {
  std::vector<Diagnostic> problems;
  ConfigValues values;
  if (!root.IsMap()) {
    throw ConfigError({{position(root, file), "expected a mapping of configuration keys"}});
  }
  for (const auto& entry : root) {
    const std::string name = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    const ConfigKey* key = find(name);
    if (!key) {
      std::string msg = "unknown configuration key '" + name + "'";
      const ConfigKey* best = nullptr;
      size_t best_d = SIZE_MAX;
      for (const auto& k : keys_) {
        const size_t d = edit_distance(name, k.name);
        if (d < best_d) best_d = d, best = &k;
      }
      if (best && best_d <= std::max<size_t>(2, name.size() / 3)) {
        msg += "; did you mean '" + best->name + "'?";
      }
      problems.push_back({position(entry.first, file), msg});
      continue;
    }
    values.explicit_[name] = true;
    if (key->type == ConfigType::kMap) {
      if (!value.IsMap()) {
        problems.push_back({position(value, file), "'" + name + "' must be a mapping"});
        continue;
      }
      for (const auto& kv : value) {
        values.maps_[name][kv.first.as<std::string>()] = kv.second.as<std::string>();
      }
      continue;
    }
    if (!value.IsScalar()) {
      problems.push_back({position(value, file), "'" + name + "' must be " + type_name(key->type)});
      continue;
    }
    const std::string text = value.Scalar();
    std::string error;
    switch (key->type) {
      case ConfigType::kInt: {
        int64_t v = 0;
        auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec != std::errc() || r.ptr != text.data() + text.size()) {
          error = "'" + name + "' must be an integer, found '" + text + "'";
        } else if (v < key->min || v > key->max) {
          error = "'" + name + "' must be between " + std::to_string(key->min) + " and " +
                  std::to_string(key->max) + ", found " + text;
        }
        break;
      }
      case ConfigType::kBool:
        if (text != "true" && text != "false") {
          error = "'" + name + "' must be true or false, found '" + text + "'";
        }
        break;
      case ConfigType::kEnum:
        if (std::find(key->enum_values.begin(), key->enum_values.end(), text) ==
            key->enum_values.end()) {
          error = "'" + name + "' must be one of";
          for (const auto& e : key->enum_values) error += " " + e;
          error += ", found '" + text + "'";
        }
        break;
      case ConfigType::kString:
        if (key->check && !text.empty()) {
          if (std::string why = key->check(text); !why.empty()) error = "'" + name + "': " + why;
        }
        break;
      default:
        break;
    }
    if (!error.empty()) {
      problems.push_back({position(value, file), error});
      continue;
    }
    values.scalars_[name] = text;
  }
  for (const auto& key : keys_) {
    if (key.type == ConfigType::kMap || values.scalars_.count(key.name)) continue;
    if (values.explicit_.count(key.name)) continue;  // present but invalid: already reported
    if (key.default_value) {
      values.scalars_[key.name] = *key.default_value;
    } else {
      problems.push_back({position(root, file), "missing required key '" + key.name + "'"});
    }
  }
  if (!problems.empty()) throw ConfigError(std::move(problems));
  return values;
}

std::string ConfigDef::to_markdown() const {
  // Markdown cells: '|' would end the cell and '<'...'>' would read as an HTML tag.
  const auto cell = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      if (c == '|') {
        out += "\\|";
      } else if (c == '<') {
        out += "&lt;";
      } else if (c == '>') {
        out += "&gt;";
      } else {
        out += c;
      }
    }
    return out;
  };
  std::string out = "| key | type | default | description |\n|---|---|---|---|\n";
  for (const auto& k : keys_) {
    std::string type;
    switch (k.type) {
      case ConfigType::kEnum:
        for (const auto& e : k.enum_values) type += (type.empty() ? "`" : " | `") + e + "`";
        break;
      case ConfigType::kInt:
        type = "integer";
        if (k.min != INT64_MIN && k.max != INT64_MAX) {
          type += fmt::format(", {} to {}", k.min, k.max);
        } else if (k.min != INT64_MIN) {
          type += fmt::format(", at least {}", k.min);
        } else if (k.max != INT64_MAX) {
          type += fmt::format(", at most {}", k.max);
        }
        break;
      case ConfigType::kString:
        type = k.format.empty() ? "string" : "string, " + k.format;
        break;
      case ConfigType::kBool:
        type = "true or false";
        break;
      case ConfigType::kMap:
        type = "mapping";
        break;
    }
    std::string def = "(required)";
    if (k.default_value) def = k.default_value->empty() ? "(empty)" : "`" + *k.default_value + "`";
    out += "| `" + k.name + "` | " + cell(type) + " | " + def + " | " + cell(k.doc) + " |\n";
  }
  return out;
}

}  // namespace sluice::config
