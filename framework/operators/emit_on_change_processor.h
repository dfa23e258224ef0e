// emit_on_change(): turns a stream of values (typically aggregate updates) into a stream of
// changes. For each record and each watched numeric field present in it, when the value differs
// from the last one published for (record key, field), a change record goes out:
//   key (string), field (string), value (double), previous (double; absent for the first),
//   time (int64: the event time), then the `carry` fields; keyed "<key>|<field>".
// With min_interval_ms > 0 a (key, field) publishes at most once per interval of wall-clock
// time: a change arriving sooner is kept as pending (the latest wins) and a wall-clock
// punctuator publishes it once the interval has passed; a pending value that went back to the
// published one is dropped. Doubles compare by value (two NaNs are equal).
//
// State: key-value "<step>-store", key = record key + '\0' + field path, value =
//   [uint8 flags (1: published, 2: pending)][double published][int64 publish wall time]
//   then, when pending, the pending change record, protobuf-encoded (without `previous`).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "serde/value_serde.h"
#include "state/key_value_store.h"
#include "topology/processor.h"

namespace sluice::ops {

struct WatchedField {
  std::string path;
  uint32_t slot = 0;
};

struct EmitOnChangeSpec {
  std::string store;
  std::vector<WatchedField> fields;
  std::vector<uint32_t> carry;  // input slots; output slots kFirstCarry + i
  DurationMs min_interval_ms = 0;
  serde::SchemaPtr out_schema;

  static constexpr uint32_t kKey = 0, kField = 1, kValue = 2, kPrevious = 3, kTime = 4,
                            kFirstCarry = 5;
};

class EmitOnChangeProcessor final : public Processor {
 public:
  explicit EmitOnChangeProcessor(std::shared_ptr<const EmitOnChangeSpec> spec)
      : spec_(std::move(spec)) {}
  Status init(ProcessorContext& context) override;
  Status process(Record& record) override;

 private:
  struct State {
    bool published = false;
    bool pending = false;
    double value = 0;
    int64_t wall = 0;
    std::string_view pending_bytes;
  };
  Status on_value(const Record& record, const WatchedField& field, double value);
  Status publish(const State& state, std::string_view store_key, Timestamp now);
  Status punctuate(Timestamp now);
  void write_state(bool published, double value, int64_t wall, std::string_view pending);
  Status parse_state(std::string_view bytes, State& out) const;

  std::shared_ptr<const EmitOnChangeSpec> spec_;
  ProcessorContext* context_ = nullptr;
  state::KeyValueStore* store_ = nullptr;
  std::unique_ptr<serde::ValueSerde> serde_;
  std::string key_;
  std::string state_;
  std::string scratch_;
  std::string pending_;
  Record out_;
  // (due wall time, store key) of pending changes.
  std::set<std::pair<int64_t, std::string>> due_;
};

}  // namespace sluice::ops
