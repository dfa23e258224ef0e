// window_aggregate(): tumbling and hopping windows (aligned to the epoch) over grouping sets.
//
// Per record: the per-aggregation inputs (compiled `where`, value) are computed once, each
// grouping set's key bytes once; then for every window holding the record's timestamp and every
// set the accumulator is read from the window store, updated in place and written back. A
// window whose end + grace <= the operator's stream time is closed: the record is not added to
// it and is counted once as dropped ("late"), as is a write the store refuses (expired segment).
//
// Operator stream time: the task's stream time; with idle_close_ms > 0 it also moves with the
// wall clock once no record arrived for idle_close_ms (last stream time + wall time since the
// last record), so final results come out when traffic stops. It never moves back.
//
// kOnUpdate forwards every updated cell (timestamp = the record's). kFinal keeps an in-memory
// index, ordered by window end, of cells created and not yet emitted; once the operator's
// stream time reaches end + grace each is read back and forwarded (timestamp = end - 1) and
// marked emitted in the store, so a restarted task rebuilds the index from the store (cells not
// marked) and neither loses nor repeats a result.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "operators/aggregate_state.h"
#include "operators/expression.h"
#include "operators/group_key.h"
#include "operators/options.h"
#include "state/window_store.h"
#include "topology/processor.h"

namespace sluice::ops {

struct AggColumn {
  AggFn fn = AggFn::kCount;
  std::optional<uint32_t> slot;  // the value field (optional for count)
  std::optional<CompiledExpr> where;
  uint32_t out_slot = 0;
};

// Everything resolved at build time; shared read-only by every task's processor.
struct WindowAggregateSpec {
  std::string store;
  DurationMs size_ms = 0;
  DurationMs advance_ms = 0;
  DurationMs grace_ms = 0;
  DurationMs idle_close_ms = 0;
  EmitMode emit = EmitMode::kOnUpdate;
  std::shared_ptr<const GroupKeyCodec> groups;
  std::shared_ptr<const AggregateLayout> layout;
  std::vector<AggColumn> aggs;
  serde::SchemaPtr out_schema;
  uint32_t out_window_start = 0;
  uint32_t out_window_end = 0;
  uint32_t out_grouping_set = 0;
  std::vector<uint32_t> out_group_slots;  // per group field
};

class WindowAggregateProcessor final : public Processor {
 public:
  explicit WindowAggregateProcessor(std::shared_ptr<const WindowAggregateSpec> spec)
      : spec_(std::move(spec)) {}
  Status init(ProcessorContext& context) override;
  Status process(Record& record) override;

 private:
  // The cells of one window created and not yet emitted: key bytes back to back, so adding a
  // cell allocates only when the arena grows.
  struct PendingWindow {
    std::string keys;
    std::vector<uint32_t> ends;  // end offset of each key in `keys`
    void add(std::string_view key) {
      keys.append(key);
      ends.push_back(static_cast<uint32_t>(keys.size()));
    }
  };

  Status add(const Record& record, uint32_t set, Timestamp start, bool& late);
  Status emit_update(const Record& record, uint32_t set, Timestamp start);
  Status emit_final(Timestamp start, std::string_view key);
  void add_pending(Timestamp start, std::string_view key);
  // Moves the operator's stream time forward; drops segments; emits closed windows (kFinal).
  Status advance(Timestamp time);
  Status punctuate(Timestamp wall_now);
  void set_aggregates(serde::Row& row, std::string_view acc) const;

  std::shared_ptr<const WindowAggregateSpec> spec_;
  ProcessorContext* context_ = nullptr;
  state::WindowStore* store_ = nullptr;

  Timestamp time_ = Timestamp::min();       // the operator's stream time
  Timestamp task_time_ = Timestamp::min();  // the task's stream time at the last record
  Timestamp last_wall_;                     // wall clock at the last record
  bool seen_record_ = false;

  std::vector<AggInput> inputs_;
  GroupKeyCodec::Prepared prepared_;   // the current record's group-by values
  std::vector<std::string> keys_;      // per grouping set: key bytes of the current record
  std::vector<std::string> readable_;  // per grouping set (kOnUpdate)
  std::string suffix_;                 // "@<window start>" of the current window (kOnUpdate)
  std::string acc_;
  std::string out_key_;
  DecodedGroupKey decoded_;
  Record out_;
  // kFinal: windows with created, not yet emitted cells, by window end (= start + size).
  std::map<Timestamp, PendingWindow> pending_;
  Timestamp last_pending_end_ = Timestamp::min();
  PendingWindow* last_pending_ = nullptr;  // the window of the last add_pending()
};

}  // namespace sluice::ops
