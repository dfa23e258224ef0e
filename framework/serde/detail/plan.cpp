#include "serde/detail/plan.h"

namespace sluice::serde::detail {

std::shared_ptr<const Plan> build_plan(const Schema& schema) {
  auto plan = std::make_shared<Plan>();
  plan->schema = &schema;
  plan->from_descriptor = schema.descriptor() != nullptr;
  plan->levels.emplace_back();
  for (uint32_t slot = 0; slot < schema.size(); ++slot) {
    const FieldDef& def = schema.field(slot);
    size_t level = 0;
    const size_t depth = def.segments.size();
    for (size_t i = 0; i + 1 < depth; ++i) {
      int32_t child = -1;
      for (const auto& e : plan->levels[level]) {
        if (e.slot < 0 && e.name == def.segments[i]) child = e.child;
      }
      if (child < 0) {
        child = static_cast<int32_t>(plan->levels.size());
        PlanEntry nested;
        nested.name = def.segments[i];
        nested.json_name = def.json_segments[i];
        nested.number = plan->from_descriptor ? def.proto_numbers[i] : 0;
        nested.child = child;
        plan->levels[level].push_back(std::move(nested));
        plan->levels.emplace_back();
      }
      level = static_cast<size_t>(child);
    }
    PlanEntry leaf;
    leaf.name = def.segments.back();
    leaf.json_name = def.json_segments.back();
    leaf.number = plan->from_descriptor ? def.proto_numbers.back() : static_cast<int>(slot) + 1;
    leaf.slot = static_cast<int32_t>(slot);
    leaf.def = &def;
    if (def.type == FieldType::kList) leaf.element = build_plan(*def.element);
    plan->levels[level].push_back(std::move(leaf));
  }
  return plan;
}

}  // namespace sluice::serde::detail
