// Environment interpolation for application and topology files, as Redpanda Connect does:
// ${VAR} is replaced by the variable's value (an error when unset), ${VAR:-default} by the
// value or the default when unset or empty, and $${ by a literal "${".
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sluice::config {

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// The process environment.
std::optional<std::string> process_env(std::string_view name);

// Returns the interpolated text, or an error naming the unset variable and its 1-based
// line and column in `text` ("line L, column C: ...").
Result<std::string> interpolate(std::string_view text, const EnvLookup& env = process_env);

}  // namespace sluice::config
