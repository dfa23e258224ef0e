// ConfigError: a problem in a file a person wrote, with the position to jump to. Its what() is
// "FILE:LINE:COL: error: MESSAGE", the form compilers use, so editors and CI logs link to it.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace sluice::config {

struct SourcePosition {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
};

struct Diagnostic {
  SourcePosition where;
  std::string message;
  // "FILE:LINE:COL: error: MESSAGE"
  std::string to_string() const;
};

// Thrown at load time (never on the record path); carries every problem found, not just one.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace sluice::config
