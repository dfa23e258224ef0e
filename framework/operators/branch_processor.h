// branch(): sends each record to the child of the first predicate that holds. The children are
// the per-branch pass-through nodes, added right after this node in predicate order, so child
// i of the context is branch i.
#pragma once

#include <vector>

#include "operators/expression.h"
#include "topology/processor.h"

namespace sluice::ops {

class BranchProcessor final : public Processor {
 public:
  explicit BranchProcessor(std::vector<CompiledExpr> predicates)
      : predicates_(std::move(predicates)) {}
  Status init(ProcessorContext& context) override;
  Status process(Record& record) override;

 private:
  std::vector<CompiledExpr> predicates_;
  ProcessorContext* context_ = nullptr;
};

}  // namespace sluice::ops
