#include "operators/capped_list_processor.h"

#include "operators/capped_list_store.h"

namespace sluice::ops {

Status CappedListProcessor::init(ProcessorContext& context) {
  context_ = &context;
  SLUICE_RETURN_IF_ERROR(context.connect_store(spec_->store, store_));
  serde_ = serde::make_value_serde(spec_->schema, {.format = serde::Format::kProtobuf});
  return Status::Ok();
}

Status CappedListProcessor::process(Record& record) {
  const serde::Row& row = record.value;
  if (row.tombstone()) return context_->forward(record);
  sub_.clear();
  if (spec_->sub_key) {
    const KeyField& f = *spec_->sub_key;
    if (!row.has(f.slot)) {
      return Status::MissingField(context_->node_name() + ": sub-key field '" + f.path +
                                  "' is absent");
    }
    append_key_part(row, f.slot, f.type, sub_);
  }
  capped::store_key(record.key, sub_, key_);
  Status st = store_->get(key_, list_);
  if (st.code() == Status::Code::kNotFound) {
    list_.clear();
  } else if (!st.ok()) {
    return st;
  }
  bytes_.clear();
  serde_->serialize(row, bytes_);
  capped::append(list_, spec_->cap, record.timestamp, bytes_);
  SLUICE_RETURN_IF_ERROR(store_->put(key_, list_));
  return context_->forward(record);
}

}  // namespace sluice::ops
