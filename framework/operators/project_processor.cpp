#include "operators/project_processor.h"

namespace sluice::ops {

void copy_record_metadata(const Record& from, Record& to) {
  to.key.assign(from.key);
  to.timestamp = from.timestamp;
  to.origin = from.origin;
  // Element-wise assignment reuses the strings already there; skip the call when both are empty.
  if (!from.headers.empty() || !to.headers.empty()) to.headers = from.headers;
}

Status ProjectProcessor::init(ProcessorContext& context) {
  context_ = &context;
  out_.value.reset(schema_.get());
  return Status::Ok();
}

Status ProjectProcessor::process(Record& record) {
  const serde::Row& in = record.value;
  serde::Row& out = out_.value;
  out.clear();
  // A tombstone keeps its meaning downstream; its fields (the before image) are projected too.
  out.set_tombstone(in.tombstone());
  for (const ProjectColumn& c : columns_) {
    if (c.copy) {
      if (in.has(c.in_slot)) out.copy_field(c.out_slot, in, c.in_slot);
      continue;
    }
    const Value v = c.expr.eval(in);
    if (v.is_null()) continue;
    switch (c.type) {
      case serde::FieldType::kBool:
        out.set_bool(c.out_slot, v.b);
        break;
      case serde::FieldType::kInt64:
        out.set_int(c.out_slot, v.i);
        break;
      case serde::FieldType::kDouble:
        out.set_double(c.out_slot, v.as_double());
        break;
      case serde::FieldType::kString:
        out.set_string(c.out_slot, v.s);
        break;
      case serde::FieldType::kList:
        break;  // lists are only ever copied
    }
  }
  copy_record_metadata(record, out_);
  return context_->forward(out_);
}

}  // namespace sluice::ops
