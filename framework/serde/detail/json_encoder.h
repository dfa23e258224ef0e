// Row -> JSON: nested objects re-formed from dotted paths (schema order), lists as arrays,
// absent fields omitted, enums as names, doubles in their shortest round-trip form. Keys are
// proto field names, which the decoder accepts as well as json_names. Internal to serde.
#pragma once

#include <string>
#include <string_view>

#include "serde/detail/plan.h"
#include "serde/row.h"

namespace sluice::serde::detail {

// Appends the JSON form of `row` to `out`. `plan` must be built with PlanShape::kJson.
void encode_json(const Plan& plan, const Row& row, std::string& out);

// Appends `s` as a quoted JSON string (escaping quotes, backslashes and control characters).
void append_json_string(std::string& out, std::string_view s);

}  // namespace sluice::serde::detail
