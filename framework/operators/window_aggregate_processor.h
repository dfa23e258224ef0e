// window_aggregate(): tumbling and hopping windows (aligned to the epoch) over grouping sets.
//
// Per record: the per-aggregation inputs (compiled `where`, value) are computed once, each
// grouping set's key bytes and hash once; then for every window holding the record's timestamp
// and every set the cell's accumulator is updated in place. A window whose end + grace <= the
// operator's stream time is closed: the record is not added to it and is counted once as
// dropped ("late").
//
// Write-back: the open windows' cells live in the processor (detail::WindowCells, one flat hash
// table per window), not in the store's record cache. They reach the window store (and through
// its layers the changelog) at flush() (every commit: dirty cells, as they are), when their
// window closes (kFinal: every cell, flagged emitted; kOnUpdate: the dirty ones), and when the
// open cells outgrow max_open_bytes (every dirty cell; the windows then become store-backed).
// So the store holds, and the changelog receives, the same cells at each commit as with every
// update written through the record cache, and reads after a commit see every cell. A cell
// missing from the table is read from the store only when its window is store-backed: it held
// cells when the task started (restore) or it spilled; any other window is new in this run and
// the miss is a new cell.
//
// Operator stream time: the task's stream time; with idle_close_ms > 0 it also moves with the
// wall clock once no record arrived for idle_close_ms (last stream time + wall time since the
// last record), so final results come out when traffic stops. It never moves back.
//
// kOnUpdate forwards every updated cell (timestamp = the record's). kFinal forwards each cell
// once its window closes (operator stream time reaches end + grace), windows in end order and
// cells in creation order (timestamp = end - 1), and marks it emitted in the store, so a
// restarted task finds the cells not yet emitted in the store and neither loses nor repeats a
// result. With no child to forward to, no output record is built.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "operators/aggregate_state.h"
#include "operators/detail/window_cells.h"
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
  std::vector<uint32_t> out_group_slots;     // per group field
  size_t max_open_bytes = size_t{64} << 20;  // WindowAggregateOptions::max_open_bytes
};

class WindowAggregateProcessor final : public Processor {
 public:
  explicit WindowAggregateProcessor(std::shared_ptr<const WindowAggregateSpec> spec)
      : spec_(std::move(spec)) {}
  Status init(ProcessorContext& context) override;
  Status process(Record& record) override;
  // Writes every dirty open cell to the store (as it is; not final).
  Status flush() override;

 private:
  // Group keys back to back, so adding one allocates only when the arena grows.
  struct KeyList {
    std::string keys;
    std::vector<uint32_t> ends;  // end offset of each key in `keys`
    void add(std::string_view key) {
      keys.append(key);
      ends.push_back(static_cast<uint32_t>(keys.size()));
    }
  };
  struct OpenWindow {
    OpenWindow(Timestamp s, size_t acc_size, detail::BlockPool& pool, size_t expected)
        : start(s), cells(acc_size, pool, expected) {}
    Timestamp start;
    detail::WindowCells cells;
    // The store may hold cells of this window that `cells` lacks: a miss reads the store.
    bool store_backed = false;
    // kFinal: cells in the store not yet emitted (restored or spilled), emitted at close
    // unless `cells` has them (then they are emitted from there).
    KeyList listed;
  };

  Status add(const Record& record, OpenWindow& window, uint32_t set, bool& late);
  Status emit_update(const Record& record, uint32_t set, Timestamp start, std::string_view acc);
  Status emit_final(Timestamp start, std::string_view key, std::string_view acc);
  // The open window starting at `start`, created (in start order) when missing.
  OpenWindow& window(Timestamp start);
  // Writes the window's dirty cells to the store and marks them clean.
  Status write_dirty(OpenWindow& window);
  // Emits (kFinal) and writes back every cell of the oldest window, then drops it.
  Status close_oldest();
  // Writes back every dirty cell and empties the tables; the windows become store-backed.
  Status spill();
  // Writes the window's cells whose flags include `only` (0: all) in the store's key order, in
  // one write_views call, and marks them clean.
  Status write_cells(OpenWindow& window, uint8_t only);
  // Queues one write of a listed cell (close_oldest); writes the batch when it is full.
  Status batch_add(std::string_view key, Timestamp start, std::string_view acc);
  Status write_batch();
  size_t open_bytes() const;
  // Moves the operator's stream time forward; closes windows; drops segments.
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
  std::vector<uint64_t> hashes_;       // per grouping set: WindowCells::hash of keys_
  std::vector<std::string> readable_;  // per grouping set (kOnUpdate)
  std::string suffix_;                 // "@<window start>" of the current window (kOnUpdate)
  std::string acc_;
  std::string out_key_;
  DecodedGroupKey decoded_;
  Record out_;
  // Before windows_: the windows hand their blocks back to it as they go.
  detail::BlockPool pool_{64};                        // up to 64 MiB of spare arena blocks
  std::vector<std::unique_ptr<OpenWindow>> windows_;  // open windows, ascending by start
  size_t last_window_cells_ = 0;  // cells of the window closed last: sizes the next one
  // Window starts that held cells in the store when the task started (kFinal: cells not yet
  // emitted), ascending: windows created for them are store-backed.
  std::vector<int64_t> stored_starts_;
  std::vector<state::WindowWrite> batch_;      // listed cells to write; entries keep their buffers
  size_t batch_used_ = 0;                      // entries of batch_ in use
  std::vector<uint32_t> order_;                // cell indices being written, in key order
  std::vector<state::WindowWriteView> views_;  // those cells, as handed to the store
  std::unique_ptr<char[]> gather_;             // their bytes, in that order (write_cells)
  size_t gather_size_ = 0;
};

}  // namespace sluice::ops
