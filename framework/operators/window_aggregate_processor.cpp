#include "operators/window_aggregate_processor.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>

namespace sluice::ops {

namespace {

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Listed cells (read back from the store at close) per store write: big enough to amortize the
// layers, small enough that the batch stays in cache.
constexpr size_t kBatchCells = 4096;

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

Status WindowAggregateProcessor::init(ProcessorContext& context) {
  context_ = &context;
  SLUICE_RETURN_IF_ERROR(context.connect_store(spec_->store, store_));
  const size_t sets = spec_->groups->num_sets();
  out_.value.reset(spec_->out_schema.get());
  inputs_.resize(spec_->aggs.size());
  keys_.resize(sets);
  hashes_.resize(sets);
  readable_.resize(sets);
  acc_.reserve(spec_->layout->size());
  decoded_.values.resize(spec_->groups->fields().size());

  // What the store holds from before this run (a restored task): which windows are
  // store-backed, and (kFinal) which cells still await their final result.
  const bool final = spec_->emit == EmitMode::kFinal;
  std::map<int64_t, KeyList> pending;
  auto it = store_->fetch_all(Timestamp::min(), Timestamp::max());
  for (; it->valid(); it->next()) {
    const std::string_view value = it->value();
    if (!spec_->layout->valid(value)) continue;
    const Timestamp start = it->window_start();
    if (final && (AggregateLayout::flags(value) & AggregateLayout::kFlagEmitted)) {
      // Its window closed before the restart: stream time was at least this far.
      time_ = std::max(time_, start + spec_->size_ms + spec_->grace_ms);
      continue;
    }
    stored_starts_.push_back(start.ms());
    if (final) pending[start.ms()].add(it->key());
  }
  SLUICE_RETURN_IF_ERROR(it->status());
  std::sort(stored_starts_.begin(), stored_starts_.end());
  stored_starts_.erase(std::unique(stored_starts_.begin(), stored_starts_.end()),
                       stored_starts_.end());
  for (auto& [start, keys] : pending) window(Timestamp(start)).listed = std::move(keys);

  if (spec_->idle_close_ms > 0) {
    const DurationMs every =
        std::max<DurationMs>(1, std::min<DurationMs>(spec_->idle_close_ms, 1000));
    context.schedule(every, PunctuationType::kWallClockTime,
                     [this](Timestamp now) { return punctuate(now); });
  }
  return Status::Ok();
}

Status WindowAggregateProcessor::process(Record& record) {
  const serde::Row& row = record.value;
  if (row.tombstone()) {
    context_->record_dropped("tombstone");
    return Status::Ok();
  }
  seen_record_ = true;
  last_wall_ = context_->wall_clock_time();
  task_time_ = context_->stream_time();
  // Closes (and, for kFinal, emits) what this record's time closes before the store drops it.
  SLUICE_RETURN_IF_ERROR(advance(task_time_));

  for (size_t i = 0; i < spec_->aggs.size(); ++i) {
    const AggColumn& c = spec_->aggs[i];
    AggInput& in = inputs_[i];
    in.applies = !c.where || c.where->eval(row).truthy();
    if (in.applies && c.slot) {
      if (row.has(*c.slot)) {
        in.value = row.get_number(*c.slot);
      } else {
        in.applies = false;
      }
    }
  }
  const GroupKeyCodec& groups = *spec_->groups;
  const auto sets = static_cast<uint32_t>(groups.num_sets());
  const bool on_update = spec_->emit == EmitMode::kOnUpdate;
  groups.prepare(record, prepared_, on_update);
  for (uint32_t s = 0; s < sets; ++s) {
    groups.encode(s, prepared_, keys_[s]);
    hashes_[s] = detail::WindowCells::hash(keys_[s]);
    if (on_update) groups.readable(s, prepared_, readable_[s]);
  }

  const int64_t ts = record.timestamp.ms();
  const int64_t size = spec_->size_ms;
  const int64_t adv = spec_->advance_ms;
  const int64_t last = floor_div(ts, adv) * adv;
  const int64_t first = last - ((size - (ts - last) - 1) / adv) * adv;
  bool late = false;
  for (int64_t start = first; start <= last; start += adv) {
    if (Timestamp(start + size + spec_->grace_ms) <= time_) {
      late = true;  // oldest windows first: a late record is late for a prefix of them
      continue;
    }
    if (on_update) {
      suffix_.assign(1, '@');
      append_int(suffix_, start);
    }
    OpenWindow& w = window(Timestamp(start));
    for (uint32_t s = 0; s < sets; ++s) w.cells.prefetch(hashes_[s]);
    for (uint32_t s = 0; s < sets; ++s) w.cells.prefetch_cell(hashes_[s]);
    for (uint32_t s = 0; s < sets; ++s) w.cells.prefetch_bytes(hashes_[s]);
    for (uint32_t s = 0; s < sets; ++s) SLUICE_RETURN_IF_ERROR(add(record, w, s, late));
  }
  if (late) context_->record_dropped("late");
  if (open_bytes() > spec_->max_open_bytes) return spill();
  return Status::Ok();
}

Status WindowAggregateProcessor::add(const Record& record, OpenWindow& w, uint32_t set,
                                     bool& late) {
  const AggregateLayout& layout = *spec_->layout;
  const std::string& key = keys_[set];
  detail::WindowCells::Cell* cell = w.cells.find(key, hashes_[set]);
  if (cell == nullptr) {
    std::string_view initial = layout.initial();
    uint8_t flags = 0;
    if (w.store_backed) {
      Status st = store_->get(key, w.start, acc_);
      if (st.ok()) {
        if (!layout.valid(acc_)) {
          return Status::Corruption(context_->node_name() + ": accumulator of unexpected size " +
                                    std::to_string(acc_.size()));
        }
        initial = acc_;
        flags = detail::WindowCells::kListed;  // kFinal: every stored cell is listed
      } else if (st.code() != Status::Code::kNotFound) {
        return st;
      } else if (store_->expired(w.start)) {  // the segment expired: as late as can be
        late = true;
        return Status::Ok();
      }
    }
    cell = &w.cells.insert(key, hashes_[set], initial, flags);
  }
  layout.update(cell->acc, inputs_.data(), record.timestamp);
  cell->flags |= detail::WindowCells::kDirty;
  if (spec_->emit == EmitMode::kFinal) return Status::Ok();
  return emit_update(record, set, w.start, {cell->acc, layout.size()});
}

void WindowAggregateProcessor::set_aggregates(serde::Row& row, std::string_view acc) const {
  const AggregateLayout& layout = *spec_->layout;
  for (size_t i = 0; i < spec_->aggs.size(); ++i) {
    double value = 0;
    int64_t count = 0;
    if (!layout.output(acc, i, value, count)) continue;
    if (spec_->aggs[i].fn == AggFn::kCount) {
      row.set_int(spec_->aggs[i].out_slot, count);
    } else {
      row.set_double(spec_->aggs[i].out_slot, value);
    }
  }
}

Status WindowAggregateProcessor::emit_update(const Record& record, uint32_t set, Timestamp start,
                                             std::string_view acc) {
  const GroupKeyCodec& groups = *spec_->groups;
  serde::Row& row = out_.value;
  row.clear();
  row.set_int(spec_->out_window_start, start.ms());
  row.set_int(spec_->out_window_end, start.ms() + spec_->size_ms);
  row.set_int(spec_->out_grouping_set, set);
  for (size_t j = 0; j < groups.fields().size(); ++j) {
    if (!groups.in_set(set, j)) continue;
    const GroupField& f = groups.fields()[j];
    if (f.record_key) {
      row.set_string(spec_->out_group_slots[j], record.key);
    } else if (record.value.has(f.slot)) {
      row.copy_field(spec_->out_group_slots[j], record.value, f.slot);
    }
  }
  set_aggregates(row, acc);
  out_.key.assign(readable_[set]);
  out_.key.append(suffix_);
  out_.timestamp = record.timestamp;
  out_.origin = record.origin;
  return context_->forward(out_);
}

Status WindowAggregateProcessor::emit_final(Timestamp start, std::string_view key,
                                            std::string_view acc) {
  if (context_->num_children() == 0) return Status::Ok();  // nobody to build it for
  const GroupKeyCodec& groups = *spec_->groups;
  SLUICE_RETURN_IF_ERROR(groups.decode(key, decoded_));
  serde::Row& row = out_.value;
  row.clear();
  row.set_int(spec_->out_window_start, start.ms());
  row.set_int(spec_->out_window_end, start.ms() + spec_->size_ms);
  row.set_int(spec_->out_grouping_set, decoded_.set);
  for (size_t j = 0; j < groups.fields().size(); ++j) {
    const GroupValue& v = decoded_.values[j];
    if (v.state != GroupValue::State::kValue) continue;
    const uint32_t slot = spec_->out_group_slots[j];
    switch (groups.fields()[j].type) {
      case serde::FieldType::kBool:
        row.set_bool(slot, v.b);
        break;
      case serde::FieldType::kInt64:
        row.set_int(slot, v.i);
        break;
      case serde::FieldType::kDouble:
        row.set_double(slot, v.d);
        break;
      case serde::FieldType::kString:
      case serde::FieldType::kList:
        row.set_string(slot, v.s);
        break;
    }
  }
  set_aggregates(row, acc);
  groups.readable(decoded_, out_.key);
  out_.key.push_back('@');
  append_int(out_.key, start.ms());
  out_.timestamp = start + (spec_->size_ms - 1);
  out_.origin = RecordOrigin{};
  return context_->forward(out_);
}

WindowAggregateProcessor::OpenWindow& WindowAggregateProcessor::window(Timestamp start) {
  auto pos = windows_.end();
  while (pos != windows_.begin() && (*(pos - 1))->start >= start) {
    if ((*(pos - 1))->start == start) return **(pos - 1);
    --pos;
  }
  auto w = std::make_unique<OpenWindow>(start, spec_->layout->size(), pool_, last_window_cells_);
  w->store_backed = std::binary_search(stored_starts_.begin(), stored_starts_.end(), start.ms());
  return **windows_.insert(pos, std::move(w));
}

size_t WindowAggregateProcessor::open_bytes() const {
  size_t bytes = 0;
  for (const auto& w : windows_) bytes += w->cells.bytes() + w->listed.keys.size();
  return bytes;
}

Status WindowAggregateProcessor::batch_add(std::string_view key, Timestamp start,
                                           std::string_view acc) {
  if (batch_used_ == batch_.size()) batch_.emplace_back();
  state::WindowWrite& w = batch_[batch_used_++];  // reused: its strings keep their capacity
  w.key.assign(key);
  w.window_start = start;
  if (w.value) {
    w.value->assign(acc);
  } else {
    w.value.emplace(acc);
  }
  return batch_used_ == kBatchCells ? write_batch() : Status::Ok();
}

Status WindowAggregateProcessor::write_batch() {
  if (batch_used_ == 0) return Status::Ok();
  if (batch_used_ < batch_.size()) batch_.resize(batch_used_);
  batch_used_ = 0;
  return store_->write_batch(batch_);
}

Status WindowAggregateProcessor::write_cells(OpenWindow& w, uint8_t only) {
  const size_t acc_size = spec_->layout->size();
  order_.clear();
  size_t bytes = 0;
  for (uint32_t i = 0; i < w.cells.size(); ++i) {
    const detail::WindowCells::Cell& c = w.cells.cell(i);
    if ((c.flags & only) != only) continue;
    order_.push_back(i);
    bytes += acc_size + c.key_size;
  }
  if (order_.empty()) return Status::Ok();
  // In the store's key order (state/window_key.h: key length, then bytes; one window start),
  // in one write_views call: the RocksDB store writes such a batch as one SST file instead of
  // through its memtable (and a memtable would insert each key next to the previous one
  // instead of searching its skip list from the top).
  w.cells.sort_by_key(order_);
  // The cells, in that order, copied back to back into one buffer: the layers below read every
  // key twice (the SST file or WriteBatch, the changelog), and in key order the arena is read
  // at random, a cache miss per cell each time. The copy pays the misses once, overlapped by
  // prefetching a few cells ahead.
  if (gather_size_ < bytes) {
    gather_ = std::make_unique_for_overwrite<char[]>(bytes);
    gather_size_ = bytes;
  }
  constexpr size_t kAhead = 8;
  const size_t n = order_.size();
  char* out = gather_.get();
  views_.clear();
  views_.reserve(n);
  for (size_t k = 0; k < n; ++k) {
    if (k + 2 * kAhead < n) __builtin_prefetch(&w.cells.cell(order_[k + 2 * kAhead]));
    if (k + kAhead < n) {
      const detail::WindowCells::Cell& ahead = w.cells.cell(order_[k + kAhead]);
      __builtin_prefetch(ahead.acc);
      __builtin_prefetch(ahead.acc + acc_size + ahead.key_size - 1);
    }
    detail::WindowCells::Cell& c = w.cells.cell(order_[k]);
    std::memcpy(out, c.acc, acc_size + c.key_size);
    views_.push_back({{out + acc_size, c.key_size}, w.start, {out, acc_size}, false});
    out += acc_size + c.key_size;
    c.flags &= static_cast<uint8_t>(~detail::WindowCells::kDirty);
  }
  return store_->write_views(views_);
}

Status WindowAggregateProcessor::write_dirty(OpenWindow& w) {
  return write_cells(w, detail::WindowCells::kDirty);
}

Status WindowAggregateProcessor::flush() {
  for (auto& w : windows_) SLUICE_RETURN_IF_ERROR(write_dirty(*w));
  return Status::Ok();
}

Status WindowAggregateProcessor::spill() {
  const bool final = spec_->emit == EmitMode::kFinal;
  const size_t acc_size = spec_->layout->size();
  for (auto& w : windows_) {
    SLUICE_RETURN_IF_ERROR(write_dirty(*w));
    for (size_t i = 0; final && i < w->cells.size(); ++i) {
      const detail::WindowCells::Cell& c = w->cells.cell(i);
      if ((c.flags & detail::WindowCells::kListed) == 0) w->listed.add(c.key(acc_size));
    }
    w->cells.clear();
    w->store_backed = true;
  }
  return Status::Ok();
}

Status WindowAggregateProcessor::close_oldest() {
  std::unique_ptr<OpenWindow> w = std::move(windows_.front());
  windows_.erase(windows_.begin());
  if (!w->store_backed) last_window_cells_ = w->cells.size();
  if (spec_->emit == EmitMode::kOnUpdate) return write_dirty(*w);
  const size_t acc_size = spec_->layout->size();
  for (size_t i = 0; i < w->cells.size(); ++i) {
    detail::WindowCells::Cell& c = w->cells.cell(i);
    SLUICE_RETURN_IF_ERROR(emit_final(w->start, c.key(acc_size), {c.acc, acc_size}));
    // Marked so that a restarted task does not emit it again.
    AggregateLayout::set_flags(
        c.acc, AggregateLayout::flags({c.acc, acc_size}) | AggregateLayout::kFlagEmitted);
  }
  SLUICE_RETURN_IF_ERROR(write_cells(*w, 0));
  uint32_t begin = 0;
  for (uint32_t end : w->listed.ends) {
    const std::string_view key = std::string_view(w->listed.keys).substr(begin, end - begin);
    begin = end;
    if (w->cells.find(key, detail::WindowCells::hash(key)) != nullptr) continue;  // done above
    Status st = store_->get(key, w->start, acc_);
    if (st.code() == Status::Code::kNotFound) continue;  // dropped by retention
    SLUICE_RETURN_IF_ERROR(st);
    if (!spec_->layout->valid(acc_)) continue;
    SLUICE_RETURN_IF_ERROR(emit_final(w->start, key, acc_));
    AggregateLayout::set_flags(acc_, AggregateLayout::flags(acc_) | AggregateLayout::kFlagEmitted);
    SLUICE_RETURN_IF_ERROR(batch_add(key, w->start, acc_));
  }
  return write_batch();
}

Status WindowAggregateProcessor::advance(Timestamp time) {
  if (time <= time_) return Status::Ok();
  time_ = time;
  while (!windows_.empty() && windows_.front()->start + spec_->size_ms + spec_->grace_ms <= time_) {
    SLUICE_RETURN_IF_ERROR(close_oldest());
  }
  return store_->advance_time(time_);
}

Status WindowAggregateProcessor::punctuate(Timestamp wall_now) {
  if (!seen_record_) return Status::Ok();
  const DurationMs idle = wall_now - last_wall_;
  if (idle < spec_->idle_close_ms) return Status::Ok();
  return advance(std::max(task_time_, context_->stream_time()) + idle);
}

}  // namespace sluice::ops
