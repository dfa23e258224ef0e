#include "operators/branch_processor.h"

#include <string>

namespace sluice::ops {

Status BranchProcessor::init(ProcessorContext& context) {
  context_ = &context;
  if (context.num_children() != predicates_.size()) {
    // Only possible when the topology was assembled by hand around this processor.
    return Status::InvalidArgument(context.node_name() + ": " + std::to_string(predicates_.size()) +
                                   " branches but " + std::to_string(context.num_children()) +
                                   " children");
  }
  return Status::Ok();
}

Status BranchProcessor::process(Record& record) {
  for (size_t i = 0; i < predicates_.size(); ++i) {
    if (predicates_[i].eval(record.value).truthy()) return context_->forward_to(i, record);
  }
  return Status::Ok();  // no branch wants it: like a filter, not an error or a counted drop
}

}  // namespace sluice::ops
