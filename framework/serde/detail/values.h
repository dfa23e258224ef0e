// Value rules shared by the codecs, kept out of the JSON decoder's SIMD translation unit:
// integer ranges per wire kind, protobuf JSON's names for non-finite doubles, UTF-8 checks,
// and error context for list elements. Internal to serde.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "serde/detail/plan.h"

namespace sluice::serde::detail {

// Whether `n` is representable by a field of `kind` (32-bit kinds are range-checked).
bool fits_kind(Kind kind, int64_t n);
Status out_of_range(const PlanEntry& e, int64_t n);

// "NaN", "Infinity", "-Infinity": protobuf's JSON mapping for non-finite doubles.
bool parse_special_double(std::string_view s, double& d);
// Rounds `d` to what a float field holds; TypeMismatch when out of the float range.
Status narrow_to_float(const PlanEntry& e, double& d);

// `d` as a float; values beyond the float range become infinities (a plain cast would be UB).
float to_float(double d);

bool valid_utf8(std::string_view s);

// Debezium: checks an event's op and that the image it selects ("before" for "d", else
// "after") was there; `is_delete` tells which.
Status debezium_image(std::string_view op, bool have_before, bool have_after, bool& is_delete);

// The same error, said to be about element `index` of the list `list`.
Status in_element(const Status& st, const PlanEntry& list, size_t index);

}  // namespace sluice::serde::detail
