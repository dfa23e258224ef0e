#include "yaml/detail/context.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace sluice::yaml::detail {

namespace {

std::string kind_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "'" + n.Scalar() + "'";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

}  // namespace

void Context::error(const YAML::Node& at, std::string message) {
  error_at(at, 0, 0, std::move(message));
}

void Context::error_at(const YAML::Node& at, int line_offset, int column_offset,
                       std::string message) {
  config::SourcePosition where{file_, 0, 0};
  if (at.IsDefined()) {
    const YAML::Mark m = at.Mark();
    if (!m.is_null()) {
      where.line = m.line + 1 + line_offset;
      where.column = (line_offset > 0 ? 1 : m.column + 1) + column_offset;
    }
  }
  diagnostics_.push_back({std::move(where), std::move(message)});
}

std::optional<std::string> Context::scalar(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) {
    error(node, fmt::format("{}: expected a value but found {}", what, kind_name(node)));
    return std::nullopt;
  }
  const std::string& raw = node.Scalar();
  if (raw.find("${") == std::string::npos) return raw;
  auto r = config::interpolate(raw, env_);
  if (!r.ok()) {
    // The message starts "line L, column C: "; re-anchor it on the scalar.
    const std::string msg = r.status().message();
    int line = 1, col = 1;
    std::string rest = msg;
    if (std::sscanf(msg.c_str(), "line %d, column %d", &line, &col) == 2) {
      rest = msg.substr(msg.find(": ") + 2);
    }
    const int quote = node.Tag() == "!" ? 1 : 0;
    error_at(node, line - 1, line > 1 ? col - 1 : col - 1 + quote,
             fmt::format("{}: {}", what, rest));
    return std::nullopt;
  }
  for (size_t i = raw.find("${"); i != std::string::npos; i = raw.find("${", i + 2)) {
    if (i > 0 && raw[i - 1] == '$') continue;
    const size_t close = raw.find('}', i);
    if (close == std::string::npos) break;
    std::string body = raw.substr(i + 2, close - i - 2);
    const std::string reference = raw.substr(i, close + 1 - i);
    auto value = config::interpolate(reference, env_);
    if (const size_t sep = body.find(":-"); sep != std::string::npos) body.resize(sep);
    if (value.ok()) parameters_[body] = *value;
  }
  return *std::move(r);
}

std::optional<int64_t> Context::integer(const YAML::Node& node, std::string_view what, int64_t min,
                                        int64_t max) {
  auto s = scalar(node, what);
  if (!s) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || p != s->data() + s->size()) {
    error(node, fmt::format("{}: expected an integer but found '{}'", what, *s));
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(node, fmt::format("{}: {} is out of range [{}, {}]", what, v, min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> Context::boolean(const YAML::Node& node, std::string_view what) {
  auto s = scalar(node, what);
  if (!s) return std::nullopt;
  if (*s == "true") return true;
  if (*s == "false") return false;
  error(node, fmt::format("{}: expected true or false but found '{}'", what, *s));
  return std::nullopt;
}

std::optional<DurationMs> Context::duration(const YAML::Node& node, std::string_view what) {
  auto s = scalar(node, what);
  if (!s) return std::nullopt;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
  const std::string_view unit(p, s->data() + s->size() - p);
  int64_t scale = 0;
  if (unit.empty() || unit == "ms") {
    scale = 1;
  } else if (unit == "s") {
    scale = 1000;
  } else if (unit == "m") {
    scale = 60'000;
  } else if (unit == "h") {
    scale = 3'600'000;
  } else if (unit == "d") {
    scale = 86'400'000;
  }
  if (ec != std::errc() || p == s->data() || scale == 0 || n < 0 ||
      n > std::numeric_limits<int64_t>::max() / scale) {
    error(node, fmt::format("{}: '{}' is not a duration; expected a non-negative number with a "
                            "unit ms, s, m, h or d (e.g. 30s, 1m, 24h)",
                            what, *s));
    return std::nullopt;
  }
  return n * scale;
}

std::optional<std::string> Context::one_of(const YAML::Node& node, std::string_view what,
                                           const std::vector<std::string>& allowed) {
  auto s = scalar(node, what);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  error(node, fmt::format("{}: unknown value '{}'; expected {}{}", what, *s, quoted_list(allowed),
                          did_you_mean(*s, allowed)));
  return std::nullopt;
}

std::optional<std::vector<std::string>> Context::string_list(const YAML::Node& node,
                                                             std::string_view what) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    auto s = scalar(node, what);
    if (!s) return std::nullopt;
    out.push_back(*s);
    return out;
  }
  if (!node.IsSequence()) {
    error(node, fmt::format("{}: expected a name or a list of names but found {}", what,
                            kind_name(node)));
    return std::nullopt;
  }
  bool ok = true;
  for (const auto& item : node) {
    auto s = scalar(item, what);
    ok &= s.has_value();
    if (s) out.push_back(*s);
  }
  if (!ok) return std::nullopt;
  return out;
}

bool Context::check_keys(const YAML::Node& map, std::string_view what,
                         const std::vector<std::string>& allowed,
                         const std::vector<std::string>& required) {
  if (!map.IsMap()) {
    error(map, fmt::format("{}: expected a mapping but found {}", what, kind_name(map)));
    return false;
  }
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(kv.first, fmt::format("{}: unknown key '{}'{}; expected one of {}", what, key,
                                  did_you_mean(key, allowed), quoted_list(allowed)));
    }
  }
  for (const auto& key : required) {
    if (!map[key]) {
      error(map, fmt::format("{}: missing required key '{}'", what, key));
    }
  }
  return true;
}

YAML::Node Context::key_node(const YAML::Node& map, std::string_view key) {
  if (map.IsMap()) {
    for (const auto& kv : map) {
      if (kv.first.Scalar() == key) return kv.first;
    }
  }
  return map;
}

}  // namespace sluice::yaml::detail
