#include "operators/join_processor.h"

#include "operators/project_processor.h"

namespace sluice::ops {

Status JoinProcessor::init(ProcessorContext& context) {
  context_ = &context;
  SLUICE_RETURN_IF_ERROR(context.connect_store(spec_->table_store, store_));
  serde_ = serde::make_value_serde(spec_->table_schema, {.format = serde::Format::kProtobuf});
  table_row_.reset(spec_->table_schema.get());
  out_.value.reset(spec_->out_schema.get());
  return Status::Ok();
}

Status JoinProcessor::process(Record& record) {
  Status st = store_->get(record.key, bytes_);
  const bool found = st.ok();
  if (!found && st.code() != Status::Code::kNotFound) return st;
  if (!found && spec_->type == JoinType::kInner) {
    context_->record_dropped("no_match");
    return Status::Ok();
  }
  if (found) {
    st = serde_->deserialize(bytes_, table_row_);
    if (!st.ok()) {
      return Status::Corruption(context_->node_name() + ": table row of key '" + record.key +
                                "' does not decode: " + st.message());
    }
  }
  const serde::Row& in = record.value;
  serde::Row& out = out_.value;
  out.clear();
  out.set_tombstone(in.tombstone());
  for (uint32_t i = 0; i < spec_->stream_fields; ++i) {
    if (in.has(i)) out.copy_field(i, in, i);
  }
  if (found) {
    const auto n = static_cast<uint32_t>(spec_->table_schema->size());
    for (uint32_t j = 0; j < n; ++j) {
      if (table_row_.has(j)) out.copy_field(spec_->stream_fields + j, table_row_, j);
    }
  }
  copy_record_metadata(record, out_);
  return context_->forward(out_);
}

}  // namespace sluice::ops
