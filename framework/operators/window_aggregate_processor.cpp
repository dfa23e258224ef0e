#include "operators/window_aggregate_processor.h"

#include <algorithm>
#include <charconv>

namespace sluice::ops {

namespace {

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

Status WindowAggregateProcessor::init(ProcessorContext& context) {
  context_ = &context;
  store_ = context.store<state::WindowStore>(spec_->store);
  if (store_ == nullptr) {
    return Status::InvalidArgument(context.node_name() + ": window store '" + spec_->store +
                                   "' is not connected");
  }
  const size_t sets = spec_->groups->num_sets();
  out_.value.reset(spec_->out_schema.get());
  inputs_.resize(spec_->aggs.size());
  keys_.resize(sets);
  readable_.resize(sets);
  acc_.reserve(spec_->layout->size());
  decoded_.values.resize(spec_->groups->fields().size());

  if (spec_->emit == EmitMode::kFinal) {
    // Cells created but not yet emitted before a restart: emitted when their window closes.
    auto it = store_->fetch_all(Timestamp::min(), Timestamp::max());
    for (; it->valid(); it->next()) {
      const std::string_view value = it->value();
      if (!spec_->layout->valid(value)) continue;
      const Timestamp end = it->window_start() + spec_->size_ms;
      if (AggregateLayout::flags(value) & AggregateLayout::kFlagEmitted) {
        // Its window closed before the restart: stream time was at least this far.
        time_ = std::max(time_, end + spec_->grace_ms);
        continue;
      }
      add_pending(it->window_start(), it->key());
    }
    SLUICE_RETURN_IF_ERROR(it->status());
  }
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
    for (uint32_t s = 0; s < sets; ++s) {
      SLUICE_RETURN_IF_ERROR(add(record, s, Timestamp(start), late));
    }
  }
  if (late) context_->record_dropped("late");
  return Status::Ok();
}

Status WindowAggregateProcessor::add(const Record& record, uint32_t set, Timestamp start,
                                     bool& late) {
  const AggregateLayout& layout = *spec_->layout;
  const std::string& key = keys_[set];
  bool created = false;
  Status st = store_->get(key, start, acc_);
  if (st.code() == Status::Code::kNotFound) {
    acc_.assign(layout.initial());
    created = true;
  } else if (!st.ok()) {
    return st;
  } else if (!layout.valid(acc_)) {
    return Status::Corruption(context_->node_name() + ": accumulator of unexpected size " +
                              std::to_string(acc_.size()));
  }
  layout.update(acc_, inputs_.data(), record.timestamp);
  st = store_->put(key, start, acc_);
  if (st.code() == Status::Code::kNotFound) {  // the segment expired: as late as can be
    late = true;
    return Status::Ok();
  }
  SLUICE_RETURN_IF_ERROR(st);
  if (spec_->emit == EmitMode::kFinal) {
    if (created) add_pending(start, key);
    return Status::Ok();
  }
  return emit_update(record, set, start);
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

Status WindowAggregateProcessor::emit_update(const Record& record, uint32_t set, Timestamp start) {
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
  set_aggregates(row, acc_);
  out_.key.assign(readable_[set]);
  out_.key.append(suffix_);
  out_.timestamp = record.timestamp;
  out_.origin = record.origin;
  return context_->forward(out_);
}

void WindowAggregateProcessor::add_pending(Timestamp start, std::string_view key) {
  const Timestamp end = start + spec_->size_ms;
  if (last_pending_ == nullptr || end != last_pending_end_) {
    last_pending_ = &pending_[end];  // map nodes stay put: the pointer stays valid
    last_pending_end_ = end;
  }
  last_pending_->add(key);
}

Status WindowAggregateProcessor::emit_final(Timestamp start, std::string_view key) {
  Status st = store_->get(key, start, acc_);
  if (st.code() == Status::Code::kNotFound) return Status::Ok();  // dropped by retention
  SLUICE_RETURN_IF_ERROR(st);
  if (!spec_->layout->valid(acc_)) return Status::Ok();
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
  set_aggregates(row, acc_);
  groups.readable(decoded_, out_.key);
  out_.key.push_back('@');
  append_int(out_.key, start.ms());
  out_.timestamp = start + (spec_->size_ms - 1);
  out_.origin = RecordOrigin{};
  SLUICE_RETURN_IF_ERROR(context_->forward(out_));
  // Marked so that a restarted task does not emit it again.
  AggregateLayout::set_flags(acc_, AggregateLayout::flags(acc_) | AggregateLayout::kFlagEmitted);
  st = store_->put(key, start, acc_);
  return st.code() == Status::Code::kNotFound ? Status::Ok() : st;
}

Status WindowAggregateProcessor::advance(Timestamp time) {
  if (time <= time_) return Status::Ok();
  time_ = time;
  if (spec_->emit == EmitMode::kFinal) {
    while (!pending_.empty() && pending_.begin()->first + spec_->grace_ms <= time_) {
      auto node = pending_.extract(pending_.begin());
      if (&node.mapped() == last_pending_) last_pending_ = nullptr;
      const Timestamp start = node.key() - spec_->size_ms;
      const PendingWindow& window = node.mapped();
      uint32_t begin = 0;
      for (uint32_t end : window.ends) {
        SLUICE_RETURN_IF_ERROR(
            emit_final(start, std::string_view(window.keys).substr(begin, end - begin)));
        begin = end;
      }
    }
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
