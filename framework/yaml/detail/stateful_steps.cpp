// The stateful operators: window_aggregate, capped_list, table, join, emit_on_change. Each may
// name a store declared under `stores:` (`store:`), which no other step may take.
#include <fmt/format.h>

#include <algorithm>

#include "yaml/detail/compiler.h"
#include "yaml/detail/step_result.h"

namespace sluice::yaml::detail {

namespace {

bool numeric(serde::FieldType t) {
  return t == serde::FieldType::kInt64 || t == serde::FieldType::kDouble;
}

// A list of field paths, each checked against `schema` (and not a list).
std::optional<std::vector<std::string>> field_list(Compiler& c, const serde::Schema& schema,
                                                   const YAML::Node& n, std::string_view what) {
  auto names = c.ctx().string_list(n, what);
  if (!names) return std::nullopt;
  bool ok = true;
  for (const auto& f : *names) {
    auto ref = c.field(schema, n, f, what);
    if (ref && ref->type == serde::FieldType::kList) {
      c.ctx().error(n, fmt::format("{}: field '{}' is a list; expected a single value", what, f));
      ok = false;
    }
    ok &= ref.has_value();
  }
  if (!ok) return std::nullopt;
  return names;
}

std::optional<ops::Aggregation> aggregation(Compiler& c, const serde::Schema& schema,
                                            const YAML::Node& n) {
  Context& ctx = c.ctx();
  if (!ctx.check_keys(n, "aggregation", {"name", "fn", "field", "where"}, {"name", "fn"})) {
    return std::nullopt;
  }
  ops::Aggregation a;
  bool ok = n["name"] && n["fn"];
  if (n["name"]) {
    auto name = ctx.scalar(n["name"], "name");
    ok &= name.has_value();
    if (name) a.output = *name;
  }
  if (n["fn"]) {
    static const std::vector<std::string> kFns = {"count", "sum", "min", "max", "avg", "last"};
    auto fn = ctx.one_of(n["fn"], "fn", kFns);
    ok &= fn.has_value();
    if (fn) {
      a.fn = static_cast<ops::AggFn>(std::find(kFns.begin(), kFns.end(), *fn) - kFns.begin());
    }
    if (fn && *fn != "count" && !n["field"]) {
      ctx.error(n, fmt::format("aggregation '{}': missing required key 'field' ({} needs a "
                               "numeric field)",
                               a.output, *fn));
      ok = false;
    }
  }
  if (n["field"]) {
    auto f = ctx.scalar(n["field"], "field");
    ok &= f.has_value();
    if (f) {
      a.field = *f;
      auto ref = c.field(schema, n["field"], *f, fmt::format("aggregation '{}'", a.output));
      ok &= ref.has_value();
      if (ref && !numeric(ref->type)) {
        ctx.error(n["field"], fmt::format("aggregation '{}': type mismatch: {} needs a number but "
                                          "field '{}' is {}",
                                          a.output, n["fn"] ? n["fn"].Scalar() : "it", *f,
                                          serde::field_type_name(ref->type)));
        ok = false;
      }
    }
  }
  if (n["where"]) {
    a.where = c.expression(schema, n["where"], "where", true);
    ok &= a.where != nullptr;
  }
  if (!ok) return std::nullopt;
  return a;
}

// What a node's records are keyed by, for the co-partitioning check: "<message>.<field>" for a
// source keyed by a value field, "the Kafka key of <topic>" for one keyed by the Kafka key,
// "" (trusted) after a re-key, "<node>'s group key" after an aggregation. Unlike the DSL's own
// check it names the message type, so Order.id and Product.id are not taken for the same key.
std::string key_origin(const Topology& t, const std::string& name, int depth = 0) {
  const Topology::Node* n = t.node(name);
  if (n == nullptr || depth > 256) return "?";
  if (n->type == NodeType::kSource) {
    const SourceSpec& src = *n->source;
    if (src.internal) return "";  // a repartition topic: written after a re-key
    if (src.key_slot) return src.schema->name() + "." + src.schema->field(*src.key_slot).path;
    return "the Kafka key of '" + src.topics.front() + "'";
  }
  if (n->op == "rekey") return "";
  if (n->op == "window_aggregate") return "the group key of '" + n->name + "'";
  if (n->op == "to_table" && n->detail.rfind("key_field ", 0) == 0 && !n->parents.empty()) {
    const Topology::Node* p = t.node(n->parents.front());
    const std::string schema =
        p && p->type == NodeType::kSource ? p->source->schema->name() + "." : "";
    return schema + n->detail.substr(10);
  }
  if (n->parents.empty()) return "?";
  return key_origin(t, n->parents.front(), depth + 1);
}

}  // namespace

// Binds the step's key-value store (declared under `stores:` or derived from the step's name,
// "<input>.<op>" when the step has none) into the operator's options; false when the step
// names a store that cannot be used (already reported).
template <class Options>
bool bind_key_value_store(Compiler& c, const StepInput& s, const YAML::Node& b, const char* op,
                          Options& o) {
  const std::string step = s.name.empty() ? s.input->name() + "." + op : s.name;
  if (StoreDecl* d = c.take_store(b, step, state::StoreKind::kKeyValue)) {
    o.store = d->name;
    o.backend = d->backend;
    return true;
  }
  return !b["store"];
}

void compile_window_aggregate(Compiler& c, const StepInput& s) {
  Context& ctx = c.ctx();
  const YAML::Node& b = s.body;
  if (!ctx.check_keys(b, "window_aggregate",
                      {"size", "advance", "grace", "group_by", "grouping_sets", "cube",
                       "aggregations", "emit", "idle_close", "retention", "store"},
                      {"size", "aggregations"})) {
    return register_result(c, s, std::nullopt);
  }
  const serde::Schema& schema = *s.input->schema();
  ops::WindowAggregateOptions o;
  o.name = s.name;
  bool ok = b["size"] && b["aggregations"];
  const auto dur = [&](const char* key, DurationMs& into) {
    if (!b[key]) return;
    auto d = ctx.duration(b[key], key);
    ok &= d.has_value();
    if (d) into = *d;
  };
  dur("size", o.size_ms);
  dur("advance", o.advance_ms);
  dur("grace", o.grace_ms);
  dur("idle_close", o.idle_close_ms);
  if (b["size"] && o.size_ms == 0) {
    ctx.error(b["size"], "size: expected a positive duration but found 0");
    ok = false;
  }
  if (b["group_by"]) {
    auto g = field_list(c, schema, b["group_by"], "group_by");
    ok &= g.has_value();
    if (g) o.group_by = *g;
  }
  if (b["grouping_sets"] && b["cube"]) {
    ctx.error(Context::key_node(b, "cube"), "cube: give either `cube` or `grouping_sets`");
    ok = false;
  } else if (b["grouping_sets"]) {
    if (!b["grouping_sets"].IsSequence()) {
      ctx.error(b["grouping_sets"], "grouping_sets: expected a list of field lists");
      ok = false;
    } else {
      for (const auto& set : b["grouping_sets"]) {
        if (set.IsSequence() && set.size() == 0) {
          o.grouping_sets.emplace_back();
          continue;
        }
        auto fields = field_list(c, schema, set, "grouping_sets");
        ok &= fields.has_value();
        if (fields) o.grouping_sets.push_back(*fields);
      }
    }
  } else if (b["cube"]) {
    const YAML::Node& cube = b["cube"];
    if (ctx.check_keys(cube, "cube", {"required", "optional"}, {"optional"})) {
      std::vector<std::string> required, optional;
      if (cube["required"]) {
        auto r = field_list(c, schema, cube["required"], "required");
        ok &= r.has_value();
        if (r) required = *r;
      }
      if (cube["optional"]) {
        auto r = field_list(c, schema, cube["optional"], "optional");
        ok &= r.has_value();
        if (r) optional = *r;
      } else {
        ok = false;
      }
      o.grouping_sets = ops::cube(required, optional);
      if (o.group_by.empty()) {
        o.group_by = required;
        o.group_by.insert(o.group_by.end(), optional.begin(), optional.end());
      }
    } else {
      ok = false;
    }
  }
  if (b["aggregations"]) {
    if (!b["aggregations"].IsSequence() || b["aggregations"].size() == 0) {
      ctx.error(b["aggregations"], "aggregations: expected a list of {name, fn, field, where}");
      ok = false;
    } else {
      for (const auto& a : b["aggregations"]) {
        auto agg = aggregation(c, schema, a);
        ok &= agg.has_value();
        if (agg) o.aggregations.push_back(std::move(*agg));
      }
    }
  }
  if (b["emit"]) {
    auto e = ctx.one_of(b["emit"], "emit", {"final", "update"});
    ok &= e.has_value();
    if (e) o.emit = *e == "final" ? ops::EmitMode::kFinal : ops::EmitMode::kOnUpdate;
  }
  std::optional<DurationMs> retention;
  if (b["retention"]) {
    retention = ctx.duration(b["retention"], "retention");
    ok &= retention.has_value();
  }
  const std::string step = s.name.empty() ? s.input->name() + ".window_aggregate" : s.name;
  if (StoreDecl* d = c.take_store(b, step, state::StoreKind::kWindow)) {
    o.store = d->name;
    o.backend = d->backend;
    if (d->retention && retention) {
      ctx.error(Context::key_node(b, "retention"),
                fmt::format("retention: given here and on store '{}'; give it once", d->name));
      ok = false;
    }
    if (d->retention) retention = d->retention;
  } else if (b["store"]) {
    ok = false;
  }
  if (retention) o.retention_ms = *retention;
  if (!ok) return register_result(c, s, std::nullopt);
  register_result(c, s, c.dsl(s.op_key, [&] { return s.input->window_aggregate(o); }));
}

void compile_capped_list(Compiler& c, const StepInput& s) {
  Context& ctx = c.ctx();
  const YAML::Node& b = s.body;
  if (!ctx.check_keys(b, "capped_list", {"sub_key", "max", "store"})) {
    return register_result(c, s, std::nullopt);
  }
  ops::CappedListOptions o;
  o.name = s.name;
  bool ok = true;
  if (b["sub_key"]) {
    auto f = field_list(c, *s.input->schema(), b["sub_key"], "sub_key");
    ok &= f.has_value();
    if (f && f->size() != 1) {
      ctx.error(b["sub_key"], "sub_key: expected one field");
      ok = false;
    }
    if (f && f->size() == 1) o.sub_key_field = f->front();
  }
  if (b["max"]) {
    auto m = ctx.integer(b["max"], "max", 1, int64_t{1} << 30);
    ok &= m.has_value();
    if (m) o.max_per_key = static_cast<size_t>(*m);
  }
  ok &= bind_key_value_store(c, s, b, "capped_list", o);
  if (!ok) return register_result(c, s, std::nullopt);
  register_result(c, s, c.dsl(s.op_key, [&] { return s.input->capped_list(o); }));
}

void compile_table(Compiler& c, const StepInput& s) {
  Context& ctx = c.ctx();
  const YAML::Node& b = s.body;
  ops::TableOptions o;
  o.name = s.name;
  bool ok = true;
  if (!b.IsNull()) {
    if (!ctx.check_keys(b, "table", {"key", "store"})) return register_result(c, s, std::nullopt);
    if (b["key"]) {
      auto f = field_list(c, *s.input->schema(), b["key"], "key");
      ok &= f.has_value() && f->size() == 1;
      if (f && f->size() != 1) ctx.error(b["key"], "key: expected one field");
      if (f && f->size() == 1) o.key_field = f->front();
    }
    ok &= bind_key_value_store(c, s, b, "to_table", o);
  }
  if (!ok) return register_result(c, s, std::nullopt);
  auto t = c.dsl(s.op_key, [&] { return s.input->to_table(o); });
  if (!t) return register_result(c, s, std::nullopt);
  const std::string name = s.name.empty() ? t->name() : s.name;
  register_result(c, s, t->to_stream());
  c.set_table(name, *t);
}

void compile_join(Compiler& c, const StepInput& s) {
  Context& ctx = c.ctx();
  const YAML::Node& b = s.body;
  if (!ctx.check_keys(b, "join", {"table", "type", "prefix"}, {"table"}) || !b["table"]) {
    return register_result(c, s, std::nullopt);
  }
  ops::JoinOptions o;
  o.name = s.name;
  bool ok = true;
  const ops::KTable* table = c.table(b["table"], "table");
  ok &= table != nullptr;
  if (b["type"]) {
    auto t = ctx.one_of(b["type"], "type", {"inner", "left"});
    ok &= t.has_value();
    if (t) o.type = *t == "left" ? ops::JoinType::kLeft : ops::JoinType::kInner;
  }
  if (b["prefix"]) {
    auto p = ctx.scalar(b["prefix"], "prefix");
    ok &= p.has_value();
    if (p) o.table_prefix = *p;
  }
  if (!ok) return register_result(c, s, std::nullopt);
  const Topology& t = c.builder().topology();
  const std::string stream_key = key_origin(t, s.input->name());
  const std::string table_key = key_origin(t, table->name());
  if (!stream_key.empty() && stream_key != table_key) {
    ctx.error(b["table"],
              fmt::format("join: stream '{}' and table '{}' are not co-partitioned: the stream is "
                          "keyed by {} and the table by {}; add a `rekey` step on the stream by "
                          "the field holding the table's key",
                          s.input->name(), table->name(), stream_key, table_key));
    return register_result(c, s, std::nullopt);
  }
  register_result(c, s, c.dsl(s.op_key, [&] { return s.input->join(*table, o); }));
}

void compile_emit_on_change(Compiler& c, const StepInput& s) {
  Context& ctx = c.ctx();
  const YAML::Node& b = s.body;
  ops::EmitOnChangeOptions o;
  o.name = s.name;
  bool ok = true;
  if (!b.IsNull()) {
    if (!ctx.check_keys(b, "emit_on_change", {"fields", "carry", "min_interval", "store"})) {
      return register_result(c, s, std::nullopt);
    }
    const serde::Schema& schema = *s.input->schema();
    if (b["fields"]) {
      auto f = field_list(c, schema, b["fields"], "fields");
      ok &= f.has_value();
      if (f) {
        for (const auto& path : *f) {
          const auto& def = schema.field(*schema.find(path));
          if (!numeric(def.type)) {
            ctx.error(b["fields"], fmt::format("fields: type mismatch: field '{}' is {}; only "
                                               "numbers can be watched for changes",
                                               path, serde::field_type_name(def.type)));
            ok = false;
          }
        }
        o.fields = *f;
      }
    }
    if (b["carry"]) {
      auto f = field_list(c, schema, b["carry"], "carry");
      ok &= f.has_value();
      if (f) o.carry = *f;
    }
    if (b["min_interval"]) {
      auto d = ctx.duration(b["min_interval"], "min_interval");
      ok &= d.has_value();
      if (d) o.min_interval_ms = *d;
    }
    ok &= bind_key_value_store(c, s, b, "emit_on_change", o);
  }
  if (!ok) return register_result(c, s, std::nullopt);
  register_result(c, s, c.dsl(s.op_key, [&] { return s.input->emit_on_change(o); }));
}

}  // namespace sluice::yaml::detail
