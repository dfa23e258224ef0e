// Loads a JSON-lines file into memory for the benchmarks (loading is never timed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice::cli {

struct InputLines {
  std::string data;                     // the whole file
  std::vector<std::string_view> lines;  // non-empty lines of `data`, without '\n' or '\r'
};

// Reads `path` whole. On failure returns false and sets `error` to the reason
// (strerror-style, e.g. "No such file or directory").
bool read_lines(const std::string& path, InputLines& out, std::string& error);

}  // namespace sluice::cli
