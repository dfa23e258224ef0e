#include "operators/emit_on_change_processor.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sluice::ops {

namespace {

constexpr uint8_t kPublished = 1;
constexpr uint8_t kPending = 2;
constexpr size_t kStateHeader = 17;

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

Status EmitOnChangeProcessor::init(ProcessorContext& context) {
  context_ = &context;
  SLUICE_RETURN_IF_ERROR(context.connect_store(spec_->store, store_));
  serde_ = serde::make_value_serde(spec_->out_schema, {.format = serde::Format::kProtobuf});
  out_.value.reset(spec_->out_schema.get());
  if (spec_->min_interval_ms > 0) {
    // Pending changes from before a restart are published when their interval has passed.
    auto it = store_->all();
    for (; it->valid(); it->next()) {
      State s;
      if (!parse_state(it->value(), s).ok() || !s.pending) continue;
      due_.emplace(s.wall + spec_->min_interval_ms, std::string(it->key()));
    }
    SLUICE_RETURN_IF_ERROR(it->status());
    const DurationMs every =
        std::max<DurationMs>(1, std::min<DurationMs>(spec_->min_interval_ms, 1000));
    context.schedule(every, PunctuationType::kWallClockTime,
                     [this](Timestamp now) { return punctuate(now); });
  }
  return Status::Ok();
}

Status EmitOnChangeProcessor::parse_state(std::string_view bytes, State& out) const {
  if (bytes.size() < kStateHeader) return Status::Corruption("emit_on_change: truncated state");
  const auto flags = static_cast<uint8_t>(bytes[0]);
  out.published = flags & kPublished;
  out.pending = flags & kPending;
  std::memcpy(&out.value, bytes.data() + 1, 8);
  std::memcpy(&out.wall, bytes.data() + 9, 8);
  out.pending_bytes = out.pending ? bytes.substr(kStateHeader) : std::string_view();
  return Status::Ok();
}

void EmitOnChangeProcessor::write_state(bool published, double value, int64_t wall,
                                        std::string_view pending) {
  scratch_.resize(kStateHeader);
  scratch_[0] = static_cast<char>((published ? kPublished : 0) | (pending.empty() ? 0 : kPending));
  std::memcpy(scratch_.data() + 1, &value, 8);
  std::memcpy(scratch_.data() + 9, &wall, 8);
  scratch_.append(pending);
}

Status EmitOnChangeProcessor::process(Record& record) {
  const serde::Row& row = record.value;
  if (row.tombstone()) return Status::Ok();
  for (const WatchedField& f : spec_->fields) {
    if (row.has(f.slot)) SLUICE_RETURN_IF_ERROR(on_value(record, f, row.get_number(f.slot)));
  }
  return Status::Ok();
}

Status EmitOnChangeProcessor::on_value(const Record& record, const WatchedField& field,
                                       double value) {
  key_.assign(record.key);
  key_.push_back('\0');
  key_.append(field.path);
  State s;
  Status st = store_->get(key_, state_);
  if (st.ok()) {
    SLUICE_RETURN_IF_ERROR(parse_state(state_, s));
  } else if (st.code() != Status::Code::kNotFound) {
    return st;
  }
  if (s.published && same(value, s.value)) {
    if (!s.pending) return Status::Ok();
    write_state(true, s.value, s.wall, {});  // the pending change went back: nothing to publish
    return store_->put(key_, scratch_);
  }
  serde::Row& out = out_.value;
  out.clear();
  out.set_string(EmitOnChangeSpec::kKey, record.key);
  out.set_string(EmitOnChangeSpec::kField, field.path);
  out.set_double(EmitOnChangeSpec::kValue, value);
  out.set_int(EmitOnChangeSpec::kTime, record.timestamp.ms());
  for (size_t i = 0; i < spec_->carry.size(); ++i) {
    const uint32_t in = spec_->carry[i];
    if (record.value.has(in)) {
      out.copy_field(EmitOnChangeSpec::kFirstCarry + static_cast<uint32_t>(i), record.value, in);
    }
  }
  const int64_t now = context_->wall_clock_time().ms();
  const DurationMs interval = spec_->min_interval_ms;
  if (s.published && interval > 0 && now - s.wall < interval) {
    pending_.clear();
    serde_->serialize(out, pending_);
    write_state(true, s.value, s.wall, pending_);
    SLUICE_RETURN_IF_ERROR(store_->put(key_, scratch_));
    due_.emplace(s.wall + interval, key_);
    return Status::Ok();
  }
  if (s.published) out.set_double(EmitOnChangeSpec::kPrevious, s.value);
  out_.key.assign(record.key);
  out_.key.push_back('|');
  out_.key.append(field.path);
  out_.timestamp = record.timestamp;
  out_.origin = record.origin;
  write_state(true, value, now, {});
  SLUICE_RETURN_IF_ERROR(store_->put(key_, scratch_));
  return context_->forward(out_);
}

Status EmitOnChangeProcessor::publish(const State& s, std::string_view store_key, Timestamp now) {
  serde::Row& out = out_.value;
  Status st = serde_->deserialize(s.pending_bytes, out);
  if (!st.ok()) return Status::Corruption(context_->node_name() + ": bad pending change");
  const double value = out.get_double(EmitOnChangeSpec::kValue);
  if (s.published && same(value, s.value)) {
    write_state(true, s.value, s.wall, {});
    return store_->put(store_key, scratch_);
  }
  if (s.published) out.set_double(EmitOnChangeSpec::kPrevious, s.value);
  out_.key.assign(out.get_string(EmitOnChangeSpec::kKey));
  out_.key.push_back('|');
  out_.key.append(out.get_string(EmitOnChangeSpec::kField));
  out_.timestamp = Timestamp(out.get_int(EmitOnChangeSpec::kTime));
  out_.origin = RecordOrigin{};
  write_state(true, value, now.ms(), {});
  SLUICE_RETURN_IF_ERROR(store_->put(store_key, scratch_));
  return context_->forward(out_);
}

Status EmitOnChangeProcessor::punctuate(Timestamp now) {
  const DurationMs interval = spec_->min_interval_ms;
  while (!due_.empty() && due_.begin()->first <= now.ms()) {
    auto node = due_.extract(due_.begin());
    const std::string& key = node.value().second;
    Status st = store_->get(key, state_);
    if (st.code() == Status::Code::kNotFound) continue;
    SLUICE_RETURN_IF_ERROR(st);
    State s;
    SLUICE_RETURN_IF_ERROR(parse_state(state_, s));
    if (!s.pending) continue;
    if (now.ms() - s.wall < interval) {  // published again since this entry was made
      due_.emplace(s.wall + interval, key);
      continue;
    }
    SLUICE_RETURN_IF_ERROR(publish(s, key, now));
  }
  return Status::Ok();
}

}  // namespace sluice::ops
