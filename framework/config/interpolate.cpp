#include "config/interpolate.h"

#include <cstdlib>

namespace sluice::config {

std::optional<std::string> process_env(std::string_view name) {
  const std::string key(name);
  const char* v = std::getenv(key.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

namespace {
bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}
}  // namespace

Result<std::string> interpolate(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  int line = 1, column = 1;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      column += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
      out += text[i++];
      continue;
    }
    const size_t close = text.find('}', i + 2);
    const std::string where = "line " + std::to_string(line) + ", column " + std::to_string(column);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument(where + ": unterminated '${'");
    }
    std::string_view body = text.substr(i + 2, close - i - 2);
    std::optional<std::string_view> fallback;
    if (const size_t sep = body.find(":-"); sep != std::string_view::npos) {
      fallback = body.substr(sep + 2);
      body = body.substr(0, sep);
    }
    if (!valid_name(body)) {
      return Status::InvalidArgument(where + ": '" + std::string(body) +
                                     "' is not a variable name");
    }
    auto value = env(body);
    if (value && !(value->empty() && fallback)) {
      out += *value;
    } else if (fallback) {
      out += *fallback;
    } else {
      return Status::InvalidArgument(where + ": environment variable '" + std::string(body) +
                                     "' is not set (use ${" + std::string(body) +
                                     ":-default} for a default)");
    }
    column += static_cast<int>(close + 1 - i);
    i = close + 1;
  }
  return out;
}

}  // namespace sluice::config
