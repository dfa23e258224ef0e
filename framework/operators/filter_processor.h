// filter(): forwards the records for which a compiled predicate holds.
#pragma once

#include "operators/expression.h"
#include "topology/processor.h"

namespace sluice::ops {

class FilterProcessor final : public Processor {
 public:
  explicit FilterProcessor(CompiledExpr predicate) : predicate_(std::move(predicate)) {}
  Status init(ProcessorContext& context) override;
  Status process(Record& record) override;

 private:
  CompiledExpr predicate_;
  ProcessorContext* context_ = nullptr;
};

}  // namespace sluice::ops
