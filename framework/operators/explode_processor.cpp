#include "operators/explode_processor.h"

#include "operators/project_processor.h"

namespace sluice::ops {

Status ExplodeProcessor::init(ProcessorContext& context) {
  context_ = &context;
  out_.value.reset(schema_.get());
  return Status::Ok();
}

Status ExplodeProcessor::process(Record& record) {
  const serde::Row& in = record.value;
  // A tombstone has no elements to explode; an absent list is an empty one.
  if (in.tombstone() || !in.has(list_slot_)) return Status::Ok();
  const size_t n = in.list_size(list_slot_);
  for (size_t i = 0; i < n; ++i) {
    const serde::Row& element = in.list_at(list_slot_, i);
    serde::Row& out = out_.value;
    // Rebuilt for every element: a child may have modified the record we forwarded last.
    out.clear();
    out.set_tombstone(false);
    for (const SlotCopy& c : parent_) {
      if (in.has(c.in_slot)) out.copy_field(c.out_slot, in, c.in_slot);
    }
    for (const SlotCopy& c : element_) {
      if (element.has(c.in_slot)) out.copy_field(c.out_slot, element, c.in_slot);
    }
    copy_record_metadata(record, out_);
    out_.origin.index = static_cast<int32_t>(i);
    SLUICE_RETURN_IF_ERROR(context_->forward(out_));
  }
  return Status::Ok();
}

}  // namespace sluice::ops
