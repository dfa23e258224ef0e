#include "operators/filter_processor.h"

namespace sluice::ops {

Status FilterProcessor::init(ProcessorContext& context) {
  context_ = &context;
  return Status::Ok();
}

Status FilterProcessor::process(Record& record) {
  // Filtering is the operator's purpose, not a drop: nothing is counted for rejected records.
  if (!predicate_.eval(record.value).truthy()) return Status::Ok();
  return context_->forward(record);
}

}  // namespace sluice::ops
