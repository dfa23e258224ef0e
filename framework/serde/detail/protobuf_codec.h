// Protobuf wire format by descriptor field numbers, without reflection or DynamicMessage on the
// record path. Descriptor schemas encode as their message type does (nested messages, packed
// repeated scalars, enums by number); synthesized schemas encode flat with field number
// slot + 1 (int64 as sint64, double as fixed64). Internal to serde.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "serde/detail/plan.h"
#include "serde/row.h"

namespace sluice::serde::detail {

class ProtobufEncoder {
 public:
  void encode(const Plan& plan, const Row& row, std::string& out);

 private:
  void encode_level(const Plan& plan, size_t level, const Row& row, std::string& out,
                    size_t depth);
  void encode_leaf(const PlanEntry& e, const Row& row, uint32_t slot, std::string& out,
                   size_t depth, bool with_tag = true);
  std::string& scratch(size_t depth);
  // One buffer per nesting depth, reused; a deque so growing it keeps outer buffers in place.
  std::deque<std::string> scratch_;
};

Status decode_protobuf(const Plan& plan, std::string_view bytes, Row& out);

}  // namespace sluice::serde::detail
