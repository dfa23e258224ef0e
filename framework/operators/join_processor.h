// join(table): a stream-table join. Each stream record looks the table's store up by its key;
// the output row holds the stream's fields then the table's fields (as "<prefix>.<field>").
// Inner: a record without a table row is dropped and counted ("no_match"). Left: it goes on
// with the table fields absent. The table's row at the time the stream record is processed is
// used (no re-emission when the table changes later).
#pragma once

#include <memory>
#include <string>

#include "operators/options.h"
#include "serde/value_serde.h"
#include "state/key_value_store.h"
#include "topology/processor.h"

namespace sluice::ops {

struct JoinSpec {
  std::string table_store;
  JoinType type = JoinType::kInner;
  serde::SchemaPtr table_schema;
  serde::SchemaPtr out_schema;
  uint32_t stream_fields = 0;  // output slots [0, n) are the stream's, then the table's
};

class JoinProcessor final : public Processor {
 public:
  explicit JoinProcessor(std::shared_ptr<const JoinSpec> spec) : spec_(std::move(spec)) {}
  Status init(ProcessorContext& context) override;
  Status process(Record& record) override;

 private:
  std::shared_ptr<const JoinSpec> spec_;
  ProcessorContext* context_ = nullptr;
  state::KeyValueStore* store_ = nullptr;
  std::unique_ptr<serde::ValueSerde> serde_;
  std::string bytes_;
  serde::Row table_row_;
  Record out_;
};

}  // namespace sluice::ops
