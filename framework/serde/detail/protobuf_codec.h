// Protobuf wire format by field numbers, without reflection or DynamicMessage on the record
// path: the Plan carries each field's kind and encoded tag. Descriptor schemas encode as their
// message type does (nested messages, packed repeated scalars, enums by number, zigzag for
// sint); synthesized schemas encode flat with field number slot + 1 (int64 as sint64, double
// as double, lists as repeated messages). Internal to serde.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "serde/detail/plan.h"
#include "serde/row.h"

namespace sluice::serde::detail {

// Appends the encoding of `row`. `plan` must be built with PlanShape::kProtobuf.
void encode_protobuf(const Plan& plan, const Row& row, std::string& out);

// Resets `out` to the plan's schema and fills it. Unknown fields (any wire type, groups
// included) are skipped. Truncated or malformed bytes are InvalidRecord; a known field with
// the wrong wire type is TypeMismatch. Never throws.
Status decode_protobuf(const Plan& plan, std::string_view bytes, Row& out);

}  // namespace sluice::serde::detail
