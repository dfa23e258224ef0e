// to_table(): the latest row per key in a key-value store (rows protobuf-encoded). The key is
// the record key, or the value of `key_field` (a tombstone's before-image supplies it; a bare
// Kafka tombstone, which has no fields, uses the record key). A tombstone deletes the key. Every
// change (new row or tombstone) is forwarded, keyed by the table key; KTable::to_stream() is that
// output.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "operators/rekey_processor.h"
#include "serde/value_serde.h"
#include "state/key_value_store.h"
#include "topology/processor.h"

namespace sluice::ops {

struct TableSpec {
  std::string store;
  std::optional<KeyField> key_field;  // none: the record key
  serde::SchemaPtr schema;
};

class TableProcessor final : public Processor {
 public:
  explicit TableProcessor(std::shared_ptr<const TableSpec> spec) : spec_(std::move(spec)) {}
  Status init(ProcessorContext& context) override;
  Status process(Record& record) override;

 private:
  std::shared_ptr<const TableSpec> spec_;
  ProcessorContext* context_ = nullptr;
  state::KeyValueStore* store_ = nullptr;
  std::unique_ptr<serde::ValueSerde> serde_;
  std::string key_;
  std::string bytes_;
};

}  // namespace sluice::ops
