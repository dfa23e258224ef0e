// The stateful DSL operators: window_aggregate, capped_list, to_table, join, emit_on_change
// and KTable::to_stream. Each resolves its fields and builds its output schema here, registers
// its store ("<step>-store"), and reads its input through a repartition topic when a re-key
// is pending.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "operators/capped_list_processor.h"
#include "operators/emit_on_change_processor.h"
#include "operators/join_processor.h"
#include "operators/stream_builder.h"
#include "operators/table_processor.h"
#include "operators/window_aggregate_processor.h"

namespace sluice::ops {

namespace {

using serde::FieldType;

[[noreturn]] void fail(std::string_view op, std::string_view step, std::string_view msg) {
  throw std::invalid_argument(fmt::format("{} '{}': {}", op, step, msg));
}

serde::FieldRef resolve(const serde::Schema& schema, const std::string& path, std::string_view op,
                        std::string_view step) {
  auto r = schema.resolve(path);
  if (!r.ok()) fail(op, step, r.status().message());
  return *r;
}

KeyField key_field(const serde::Schema& schema, const std::string& path, std::string_view op,
                   std::string_view step) {
  auto ref = resolve(schema, path, op, step);
  if (ref.type == FieldType::kList) {
    fail(op, step, fmt::format("field '{}' is a list and cannot be a key", path));
  }
  return KeyField{ref.slot, ref.type, path};
}

bool numeric(FieldType t) { return t == FieldType::kInt64 || t == FieldType::kDouble; }

// Output paths must be unique and no path may be the parent of another ("a" and "a.b").
void check_output_paths(const serde::Schema& schema, std::string_view op, std::string_view step) {
  std::set<std::string_view> all;
  for (const auto& f : schema.fields()) {
    if (!all.insert(f.path).second) {
      fail(op, step, fmt::format("output field '{}' appears twice", f.path));
    }
  }
  for (const auto& f : schema.fields()) {
    const std::string_view p = f.path;
    for (size_t dot = p.find('.'); dot != std::string::npos; dot = p.find('.', dot + 1)) {
      if (all.count(p.substr(0, dot))) {
        fail(op, step,
             fmt::format("output field '{}' is also the parent of '{}'", p.substr(0, dot), p));
      }
    }
  }
}

std::string_view agg_name(AggFn fn) {
  switch (fn) {
    case AggFn::kCount:
      return "count";
    case AggFn::kSum:
      return "sum";
    case AggFn::kMin:
      return "min";
    case AggFn::kMax:
      return "max";
    case AggFn::kAvg:
      return "avg";
    case AggFn::kLast:
      return "last";
  }
  return "?";
}

// What a node's records are keyed by, as far as co-partitioning goes: "rekey:<fields>" after a
// re-key, "field:<path>" for a source or table keyed by a value field, "kafka-key" for a source
// keyed by the Kafka key, "node:<name>" for an operator that makes its own keys.
std::string key_origin(const Topology& t, const std::string& name, int depth = 0) {
  const Topology::Node* n = t.node(name);
  if (n == nullptr || depth > 256) return "unknown";
  if (n->type == NodeType::kSource) {
    const SourceSpec& s = *n->source;
    if (s.internal) {
      for (const auto& other : t.nodes()) {
        if (other.type == NodeType::kSink && other.sink->topic == s.topics.front() &&
            !other.parents.empty()) {
          return key_origin(t, other.parents.front(), depth + 1);
        }
      }
      return "unknown";
    }
    return s.key_slot ? "field:" + s.schema->field(*s.key_slot).path : "kafka-key";
  }
  if (n->op == "rekey") return "rekey:" + n->detail;
  if (n->op == "window_aggregate") return "node:" + n->name;
  if (n->op == "to_table" && n->detail.rfind("key_field ", 0) == 0) {
    return "field:" + n->detail.substr(10);
  }
  if (n->parents.empty()) return "unknown";
  return key_origin(t, n->parents.front(), depth + 1);
}

}  // namespace

KStream KStream::window_aggregate(const WindowAggregateOptions& o) const {
  const std::string step = builder_->derive_name(o.name, node_, "window_aggregate");
  constexpr std::string_view op = "window_aggregate";
  const DurationMs advance = o.advance_ms == 0 ? o.size_ms : o.advance_ms;
  if (o.size_ms <= 0) fail(op, step, "size_ms must be positive");
  if (advance <= 0 || advance > o.size_ms) {
    fail(op, step, fmt::format("advance_ms {} must be in (0, size_ms {}]", advance, o.size_ms));
  }
  if (o.grace_ms < 0) fail(op, step, "grace_ms must not be negative");
  if (o.idle_close_ms < 0) fail(op, step, "idle_close_ms must not be negative");
  if (o.retention_ms < o.size_ms + o.grace_ms) {
    fail(op, step,
         fmt::format("retention_ms {} must be >= size_ms + grace_ms ({})", o.retention_ms,
                     o.size_ms + o.grace_ms));
  }
  if (o.aggregations.empty()) fail(op, step, "at least one aggregation is required");
  KStream in = through_repartition_if_needed();
  const serde::Schema& schema = *in.schema_;

  // Group-by fields: as given, else the union of the grouping sets, else the record key.
  std::vector<std::string> group_by = o.group_by;
  if (group_by.empty()) {
    for (const auto& set : o.grouping_sets) {
      for (const auto& f : set) {
        if (std::find(group_by.begin(), group_by.end(), f) == group_by.end()) group_by.push_back(f);
      }
    }
  }
  std::vector<GroupField> fields;
  for (const auto& path : group_by) {
    if (std::count(group_by.begin(), group_by.end(), path) > 1) {
      fail(op, step, fmt::format("group-by field '{}' is listed twice", path));
    }
    auto ref = resolve(schema, path, op, step);
    if (ref.type == FieldType::kList) {
      fail(op, step, fmt::format("group-by field '{}' is a list", path));
    }
    fields.push_back(GroupField{path, false, ref.slot, ref.type});
  }
  if (fields.empty()) fields.push_back(GroupField{"key", true, 0, FieldType::kString});
  std::vector<std::vector<uint32_t>> sets;
  if (o.grouping_sets.empty()) {
    sets.emplace_back();
    for (uint32_t j = 0; j < fields.size(); ++j) sets.back().push_back(j);
  }
  for (const auto& set : o.grouping_sets) {
    std::vector<uint32_t> ids;
    for (const auto& f : set) {
      auto it = std::find(group_by.begin(), group_by.end(), f);
      if (it == group_by.end()) {
        fail(op, step, fmt::format("grouping-set field '{}' is not a group-by field", f));
      }
      const auto id = static_cast<uint32_t>(it - group_by.begin());
      if (std::find(ids.begin(), ids.end(), id) != ids.end()) {
        fail(op, step, fmt::format("grouping-set field '{}' is listed twice in one set", f));
      }
      ids.push_back(id);
    }
    sets.push_back(std::move(ids));
  }

  auto spec = std::make_shared<WindowAggregateSpec>();
  spec->store = o.store.empty() ? step + "-store" : o.store;
  spec->size_ms = o.size_ms;
  spec->advance_ms = advance;
  spec->grace_ms = o.grace_ms;
  spec->idle_close_ms = o.idle_close_ms;
  spec->emit = o.emit;
  serde::Schema::Builder out(step);
  uint32_t slot = 0;
  spec->out_window_start = slot++;
  out.add("window_start", FieldType::kInt64);
  spec->out_window_end = slot++;
  out.add("window_end", FieldType::kInt64);
  for (const auto& f : fields) {
    spec->out_group_slots.push_back(slot++);
    out.add(f.path, f.type);
  }
  spec->out_grouping_set = slot++;
  out.add("grouping_set", FieldType::kInt64);
  std::vector<AggFn> fns;
  std::vector<std::string> detail;
  for (const auto& a : o.aggregations) {
    if (a.output.empty()) fail(op, step, "an aggregation needs an output name");
    AggColumn c;
    c.fn = a.fn;
    if (!a.field.empty()) {
      auto ref = resolve(schema, a.field, op, step);
      if (!numeric(ref.type)) {
        fail(op, step,
             fmt::format("aggregation '{}': field '{}' is {}, not a number", a.output, a.field,
                         serde::field_type_name(ref.type)));
      }
      c.slot = ref.slot;
    } else if (a.fn != AggFn::kCount) {
      fail(op, step, fmt::format("aggregation '{}' ({}) needs a field", a.output, agg_name(a.fn)));
    }
    if (a.where) {
      auto r = CompiledExpr::compile(a.where, schema);
      if (!r.ok()) fail(op, step, r.status().message());
      if (r->type() != ExprType::kBool) {
        fail(op, step,
             fmt::format("aggregation '{}': `where` {} is not boolean", a.output,
                         to_string(*a.where)));
      }
      c.where = *std::move(r);
    }
    c.out_slot = slot++;
    out.add(a.output, a.fn == AggFn::kCount ? FieldType::kInt64 : FieldType::kDouble);
    fns.push_back(a.fn);
    detail.push_back(fmt::format("{} = {}({}){}", a.output, agg_name(a.fn), a.field,
                                 a.where ? " where " + to_string(*a.where) : ""));
    spec->aggs.push_back(std::move(c));
  }
  spec->out_schema = out.build();
  check_output_paths(*spec->out_schema, op, step);
  spec->groups = std::make_shared<GroupKeyCodec>(std::move(fields), sets);
  spec->layout = std::make_shared<AggregateLayout>(std::move(fns));
  spec->max_open_bytes = o.max_open_bytes;

  Topology& t = builder_->topology();
  t.add_state_store(state::StoreOptions{.name = spec->store,
                                        .kind = state::StoreKind::kWindow,
                                        .backend = o.backend,
                                        .retention_ms = o.retention_ms});
  std::string d = fmt::format(
      "size {}ms, advance {}ms, grace {}ms, {} grouping set(s), {}{}: ", o.size_ms, advance,
      o.grace_ms, sets.size(), o.emit == EmitMode::kFinal ? "final" : "on update",
      o.idle_close_ms > 0 ? fmt::format(", idle close {}ms", o.idle_close_ms) : "");
  for (size_t i = 0; i < detail.size(); ++i) d += (i ? ", " : "") + detail[i];
  std::shared_ptr<const WindowAggregateSpec> shared = spec;
  t.add_processor(ProcessorSpec{
      .name = step,
      .op = std::string(op),
      .detail = std::move(d),
      .supplier = [shared] { return std::make_unique<WindowAggregateProcessor>(shared); },
      .parents = {in.node_},
      .stores = {spec->store}});
  return KStream(builder_, step, spec->out_schema, false);
}

KStream KStream::capped_list(const CappedListOptions& o) const {
  const std::string step = builder_->derive_name(o.name, node_, "capped_list");
  constexpr std::string_view op = "capped_list";
  if (o.max_per_key == 0 || o.max_per_key > (1u << 30)) {
    fail(op, step, "max_per_key must be in [1, 2^30]");
  }
  KStream in = through_repartition_if_needed();
  auto spec = std::make_shared<CappedListSpec>();
  spec->store = o.store.empty() ? step + "-store" : o.store;
  spec->cap = o.max_per_key;
  spec->schema = in.schema_;
  if (!o.sub_key_field.empty()) spec->sub_key = key_field(*in.schema_, o.sub_key_field, op, step);
  Topology& t = builder_->topology();
  t.add_state_store(state::StoreOptions{.name = spec->store, .backend = o.backend});
  std::shared_ptr<const CappedListSpec> shared = spec;
  t.add_processor(
      ProcessorSpec{.name = step,
                    .op = std::string(op),
                    .detail = fmt::format("newest {} per key{}", o.max_per_key,
                                          o.sub_key_field.empty() ? "" : " and " + o.sub_key_field),
                    .supplier = [shared] { return std::make_unique<CappedListProcessor>(shared); },
                    .parents = {in.node_},
                    .stores = {spec->store}});
  return KStream(builder_, step, in.schema_, false);
}

KTable KStream::to_table(const TableOptions& o) const {
  const std::string step = builder_->derive_name(o.name, node_, "to_table");
  constexpr std::string_view op = "to_table";
  KStream in = through_repartition_if_needed();
  auto spec = std::make_shared<TableSpec>();
  spec->store = o.store.empty() ? step + "-store" : o.store;
  spec->schema = in.schema_;
  if (!o.key_field.empty()) spec->key_field = key_field(*in.schema_, o.key_field, op, step);
  Topology& t = builder_->topology();
  t.add_state_store(state::StoreOptions{.name = spec->store, .backend = o.backend});
  std::shared_ptr<const TableSpec> shared = spec;
  // key_origin() reads "key_field <path>" back from the detail.
  t.add_processor(
      ProcessorSpec{.name = step,
                    .op = std::string(op),
                    .detail = o.key_field.empty() ? "record key" : "key_field " + o.key_field,
                    .supplier = [shared] { return std::make_unique<TableProcessor>(shared); },
                    .parents = {in.node_},
                    .stores = {spec->store}});
  return KTable(builder_, step, spec->store, in.schema_);
}

KStream KTable::to_stream() const { return KStream(builder_, node_, schema_, false); }

// Co-partitioning is checked on key origins (see key_origin()): a re-keyed stream is trusted
// to be keyed like the table; otherwise the stream and the table must be keyed by the same
// thing (both by the Kafka key, or both by a field of the same path).
KStream KStream::join(const KTable& table, const JoinOptions& o) const {
  const std::string step = builder_->derive_name(o.name, node_, "join");
  constexpr std::string_view op = "join";
  if (table.builder_ != builder_)
    fail(op, step, "the stream and the table come from different builders");
  KStream in = through_repartition_if_needed();
  Topology& t = builder_->topology();
  const std::string stream_key = key_origin(t, in.node_);
  const std::string table_key = key_origin(t, table.node_);
  if (stream_key.rfind("rekey:", 0) != 0 && stream_key != table_key) {
    fail(op, step,
         fmt::format("stream '{}' (keyed by {}) and table '{}' (keyed by {}) are not "
                     "co-partitioned; rekey the stream by the table's key first",
                     node_, stream_key, table.node_, table_key));
  }
  const std::string prefix = o.table_prefix.empty() ? table.node_ : o.table_prefix;
  serde::Schema::Builder out(step);
  for (const auto& f : in.schema_->fields()) out.add(f.path, f.type, f.element);
  for (const auto& f : table.schema_->fields()) out.add(prefix + "." + f.path, f.type, f.element);
  auto spec = std::make_shared<JoinSpec>();
  spec->table_store = table.store_;
  spec->type = o.type;
  spec->table_schema = table.schema_;
  spec->out_schema = out.build();
  spec->stream_fields = static_cast<uint32_t>(in.schema_->size());
  check_output_paths(*spec->out_schema, op, step);
  std::shared_ptr<const JoinSpec> shared = spec;
  t.add_processor(ProcessorSpec{
      .name = step,
      .op = std::string(op),
      .detail = fmt::format("{} join {} as {}", o.type == JoinType::kInner ? "inner" : "left",
                            table.node_, prefix),
      .supplier = [shared] { return std::make_unique<JoinProcessor>(shared); },
      .parents = {in.node_},
      .stores = {table.store_}});
  return KStream(builder_, step, spec->out_schema, false);
}

KStream KStream::emit_on_change(const EmitOnChangeOptions& o) const {
  const std::string step = builder_->derive_name(o.name, node_, "emit_on_change");
  constexpr std::string_view op = "emit_on_change";
  if (o.min_interval_ms < 0) fail(op, step, "min_interval_ms must not be negative");
  KStream in = through_repartition_if_needed();
  const serde::Schema& schema = *in.schema_;
  auto spec = std::make_shared<EmitOnChangeSpec>();
  spec->store = o.store.empty() ? step + "-store" : o.store;
  spec->min_interval_ms = o.min_interval_ms;
  serde::Schema::Builder out(step);
  out.add("key", FieldType::kString)
      .add("field", FieldType::kString)
      .add("value", FieldType::kDouble)
      .add("previous", FieldType::kDouble)
      .add("time", FieldType::kInt64);
  for (const auto& c : o.carry) {
    auto ref = resolve(schema, c, op, step);
    spec->carry.push_back(ref.slot);
    out.add(c, ref.type, schema.field(ref.slot).element);
  }
  if (o.fields.empty()) {
    for (uint32_t i = 0; i < schema.size(); ++i) {
      const auto& f = schema.field(i);
      if (!numeric(f.type)) continue;
      if (std::find(o.carry.begin(), o.carry.end(), f.path) != o.carry.end()) continue;
      spec->fields.push_back(WatchedField{f.path, i});
    }
  }
  for (const auto& path : o.fields) {
    auto ref = resolve(schema, path, op, step);
    if (!numeric(ref.type)) {
      fail(op, step,
           fmt::format("field '{}' is {}, not a number", path, serde::field_type_name(ref.type)));
    }
    spec->fields.push_back(WatchedField{path, ref.slot});
  }
  if (spec->fields.empty()) fail(op, step, "no numeric field to watch");
  spec->out_schema = out.build();
  check_output_paths(*spec->out_schema, op, step);
  Topology& t = builder_->topology();
  t.add_state_store(state::StoreOptions{.name = spec->store, .backend = o.backend});
  std::string d;
  for (const auto& f : spec->fields) d += (d.empty() ? "" : ", ") + f.path;
  if (o.min_interval_ms > 0) d += fmt::format("; at most every {}ms", o.min_interval_ms);
  std::shared_ptr<const EmitOnChangeSpec> shared = spec;
  t.add_processor(ProcessorSpec{
      .name = step,
      .op = std::string(op),
      .detail = std::move(d),
      .supplier = [shared] { return std::make_unique<EmitOnChangeProcessor>(shared); },
      .parents = {in.node_},
      .stores = {spec->store}});
  return KStream(builder_, step, spec->out_schema, false);
}

}  // namespace sluice::ops
