// `--topic NAME[:PARTITIONS]` as `sluice broker` and `sluice run --embedded` take it.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <utility>

namespace sluice::cli {

// NAME alone means one partition; nullopt for an empty name or a count that is not >= 1.
inline std::optional<std::pair<std::string, int>> parse_topic_spec(const std::string& spec) {
  const auto colon = spec.rfind(':');
  if (colon == std::string::npos) {
    if (spec.empty()) return std::nullopt;
    return std::pair{spec, 1};
  }
  int partitions = 0;
  const char* first = spec.data() + colon + 1;
  const char* last = spec.data() + spec.size();
  const auto [end, ec] = std::from_chars(first, last, partitions);
  if (colon == 0 || ec != std::errc() || end != last || partitions < 1) return std::nullopt;
  return std::pair{spec.substr(0, colon), partitions};
}

}  // namespace sluice::cli
