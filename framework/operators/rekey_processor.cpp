#include "operators/rekey_processor.h"

#include <charconv>

namespace sluice::ops {

void append_key_part(const serde::Row& row, uint32_t slot, serde::FieldType type,
                     std::string& out) {
  char buf[32];
  switch (type) {
    case serde::FieldType::kString:
      out.append(row.get_string(slot));
      return;
    case serde::FieldType::kInt64: {
      auto r = std::to_chars(buf, buf + sizeof buf, row.get_int(slot));
      out.append(buf, r.ptr);
      return;
    }
    case serde::FieldType::kDouble: {
      auto r = std::to_chars(buf, buf + sizeof buf, row.get_double(slot));  // shortest form
      out.append(buf, r.ptr);
      return;
    }
    case serde::FieldType::kBool:
      out.append(row.get_bool(slot) ? "true" : "false");
      return;
    case serde::FieldType::kList:
      return;  // rejected when the topology is built
  }
}

Status RekeyProcessor::init(ProcessorContext& context) {
  context_ = &context;
  return Status::Ok();
}

Status RekeyProcessor::process(Record& record) {
  const serde::Row& row = record.value;
  for (const KeyField& f : fields_) {
    if (row.has(f.slot)) continue;
    if (row.tombstone()) {
      // A bare Kafka tombstone carries no fields to key it by: nothing downstream can use it.
      context_->record_dropped("tombstone-without-key-fields");
      return Status::Ok();
    }
    return Status::MissingField(context_->node_name() + ": key field '" + f.path + "' is absent");
  }
  key_.clear();
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) key_.push_back('|');
    append_key_part(row, fields_[i].slot, fields_[i].type, key_);
  }
  // Swapped in and back out rather than assigned: our parent may forward this same record to
  // siblings after us, and they must see the original key. Both buffers keep their capacity.
  record.key.swap(key_);
  Status st = context_->forward(record);
  record.key.swap(key_);
  return st;
}

}  // namespace sluice::ops
