// JSON -> Row with simdjson On-Demand: one pass over the document in field order, keys matched
// by their raw bytes against the Plan's per-level tables, unknown keys skipped unparsed.
// Internal to serde; simdjson stays out of this header because json_decoder.cpp is the one
// translation unit compiled for the SIMD kernel (see CMakeLists.txt).
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "serde/detail/plan.h"
#include "serde/row.h"
#include "serde/value_serde.h"

namespace sluice::serde::detail {

class JsonDecoder {
 public:
  // `plan` must be built with PlanShape::kJson.
  JsonDecoder(std::shared_ptr<const Plan> plan, Envelope envelope);
  ~JsonDecoder();
  JsonDecoder(const JsonDecoder&) = delete;
  JsonDecoder& operator=(const JsonDecoder&) = delete;

  // Resets `out` to the plan's schema and fills it. Never throws; malformed JSON is
  // InvalidRecord, a value of the wrong JSON type TypeMismatch, each naming the field.
  Status decode(std::string_view json, Row& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::serde::detail
