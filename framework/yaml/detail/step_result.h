// Registering a step's output under its name (given, or the one the DSL derived).
#pragma once

#include "yaml/detail/compiler.h"

namespace sluice::yaml::detail {

inline void register_result(Compiler& c, const StepInput& s, std::optional<ops::KStream> out) {
  if (!s.name.empty()) {
    c.set_stream(s.name, std::move(out));
    return;
  }
  if (!out) return;
  const std::string derived = out->name();
  if (c.define(derived, s.op_key)) c.set_stream(derived, std::move(out));
}

}  // namespace sluice::yaml::detail
