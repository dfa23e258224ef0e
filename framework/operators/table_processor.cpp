#include "operators/table_processor.h"

namespace sluice::ops {

Status TableProcessor::init(ProcessorContext& context) {
  context_ = &context;
  SLUICE_RETURN_IF_ERROR(context.connect_store(spec_->store, store_));
  serde_ = serde::make_value_serde(spec_->schema, {.format = serde::Format::kProtobuf});
  return Status::Ok();
}

Status TableProcessor::process(Record& record) {
  const serde::Row& row = record.value;
  const KeyField* f = spec_->key_field ? &*spec_->key_field : nullptr;
  if (f != nullptr && row.has(f->slot)) {
    key_.clear();
    append_key_part(row, f->slot, f->type, key_);
  } else if (f == nullptr || row.tombstone()) {
    key_.assign(record.key);  // a bare Kafka tombstone carries only its key
  } else {
    return Status::MissingField(context_->node_name() + ": key field '" + f->path + "' is absent");
  }
  if (row.tombstone()) {
    Status st = store_->remove(key_);
    if (!st.ok() && st.code() != Status::Code::kNotFound) return st;
  } else {
    bytes_.clear();
    serde_->serialize(row, bytes_);
    SLUICE_RETURN_IF_ERROR(store_->put(key_, bytes_));
  }
  // Swapped in and back out: a sibling of ours may still need the original key.
  record.key.swap(key_);
  Status st = context_->forward(record);
  record.key.swap(key_);
  return st;
}

}  // namespace sluice::ops
