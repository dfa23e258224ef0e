// capped_list(): per record key and sub-key, keeps the N most recent records by event time
// (out-of-order arrivals included; ties go to the later arrival) in a key-value store, in the
// format of capped_list_store.h, and forwards each input record unchanged. Read the lists with
// ops::query(). Tombstones are forwarded and not stored.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "operators/rekey_processor.h"
#include "serde/value_serde.h"
#include "state/key_value_store.h"
#include "topology/processor.h"

namespace sluice::ops {

struct CappedListSpec {
  std::string store;
  std::optional<KeyField> sub_key;  // none: one list per key (sub-key "")
  size_t cap = 200;
  serde::SchemaPtr schema;  // of the input rows, stored protobuf-encoded
};

class CappedListProcessor final : public Processor {
 public:
  explicit CappedListProcessor(std::shared_ptr<const CappedListSpec> spec)
      : spec_(std::move(spec)) {}
  Status init(ProcessorContext& context) override;
  Status process(Record& record) override;

 private:
  std::shared_ptr<const CappedListSpec> spec_;
  ProcessorContext* context_ = nullptr;
  state::KeyValueStore* store_ = nullptr;
  std::unique_ptr<serde::ValueSerde> serde_;
  std::string sub_;
  std::string key_;
  std::string list_;
  std::string bytes_;
};

}  // namespace sluice::ops
