// Plan: a Schema's flattened fields regrouped into the nested message levels of the wire
// formats, built once per schema. Level 0 is the root message; a nested singular message is a
// level of its own. Internal to serde.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "serde/schema.h"

namespace sluice::serde::detail {

struct Plan;

struct PlanEntry {
  std::string name;       // proto field name of this segment
  std::string json_name;  // protobuf json_name of this segment
  int number = 0;         // protobuf field number (slot + 1 for synthesized schemas)
  int32_t slot = -1;      // leaf or list slot; -1 for a nested message
  int32_t child = -1;     // nested message: index of its level
  const FieldDef* def = nullptr;        // leaf or list
  std::shared_ptr<const Plan> element;  // list: the element schema's plan
};

struct Plan {
  const Schema* schema = nullptr;
  std::vector<std::vector<PlanEntry>> levels;
  // True when built from a protobuf descriptor (nested wire messages); synthesized schemas
  // encode every field flat at the root.
  bool from_descriptor = false;
};

std::shared_ptr<const Plan> build_plan(const Schema& schema);

}  // namespace sluice::serde::detail
