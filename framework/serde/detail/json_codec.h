// JSON decoding (simdjson On-Demand, field names matched against a precomputed Plan) and
// encoding (nested objects re-formed from dotted paths). Internal to serde.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "serde/detail/plan.h"
#include "serde/row.h"
#include "serde/value_serde.h"

namespace sluice::serde::detail {

class JsonDecoder {
 public:
  JsonDecoder(std::shared_ptr<const Plan> plan, Envelope envelope);
  ~JsonDecoder();
  Status decode(std::string_view json, Row& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Appends the JSON form of `row` to `out`. Keys use proto field names (as written in the
// sources' JSON, e.g. "product_info"), absent fields are omitted, enums print as names.
void encode_json(const Plan& plan, const Row& row, std::string& out);

}  // namespace sluice::serde::detail
