// The DSL core: sources, sinks, naming, and the stateless operators. Everything a record will
// need (slots, compiled expressions, output schemas) is worked out here, once, so processors
// never look anything up by name. Stateful operators live in stream_builder_stateful.cpp.
#include "operators/stream_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "operators/branch_processor.h"
#include "operators/explode_processor.h"
#include "operators/filter_processor.h"
#include "operators/pass_through_processor.h"
#include "operators/project_processor.h"
#include "operators/rekey_processor.h"

namespace sluice::ops {

namespace {

[[noreturn]] void fail(std::string_view op, std::string_view step, std::string_view msg) {
  throw std::invalid_argument(fmt::format("{} '{}': {}", op, step, msg));
}

serde::FieldRef resolve(const serde::Schema& schema, const std::string& path, std::string_view op,
                        std::string_view step) {
  auto r = schema.resolve(path);
  if (!r.ok()) fail(op, step, r.status().message());
  return *r;
}

CompiledExpr compile(const ExprPtr& expr, const serde::Schema& schema, std::string_view op,
                     std::string_view step) {
  auto r = CompiledExpr::compile(expr, schema);
  if (!r.ok()) fail(op, step, r.status().message());
  return *std::move(r);
}

CompiledExpr compile_predicate(const ExprPtr& expr, const serde::Schema& schema,
                               std::string_view op, std::string_view step) {
  CompiledExpr c = compile(expr, schema, op, step);
  if (c.type() != ExprType::kBool) {
    fail(op, step, fmt::format("predicate `{}` is not boolean", to_string(*expr)));
  }
  return c;
}

// Output paths must be unique, and no path may be both a leaf and a parent ("a" and "a.b"):
// dotted paths become nested JSON objects.
void check_output_paths(const std::vector<std::string>& paths, std::string_view op,
                        std::string_view step) {
  std::set<std::string_view> all;
  for (const auto& p : paths) {
    if (p.empty()) fail(op, step, "an output field needs a name");
    if (!all.insert(p).second) fail(op, step, fmt::format("output field '{}' appears twice", p));
  }
  for (const auto& p : paths) {
    for (size_t dot = p.find('.'); dot != std::string::npos; dot = p.find('.', dot + 1)) {
      if (all.count(std::string_view(p).substr(0, dot))) {
        fail(op, step,
             fmt::format("output field '{}' is also the parent of '{}'", p.substr(0, dot), p));
      }
    }
  }
}

bool same_layout(const serde::Schema& a, const serde::Schema& b) {
  if (&a == &b) return true;
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto &fa = a.field(i), &fb = b.field(i);
    if (fa.path != fb.path || fa.type != fb.type) return false;
    if (fa.type == serde::FieldType::kList &&
        (!fa.element || !fb.element || !same_layout(*fa.element, *fb.element))) {
      return false;
    }
  }
  return true;
}

serde::FieldType to_field_type(ExprType t) {
  switch (t) {
    case ExprType::kBool:
      return serde::FieldType::kBool;
    case ExprType::kInt:
      return serde::FieldType::kInt64;
    case ExprType::kDouble:
      return serde::FieldType::kDouble;
    default:
      return serde::FieldType::kString;
  }
}

std::string joined(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

void add_step(Topology& t, std::string name, std::string op, std::string detail,
              std::vector<std::string> parents, ProcessorSupplier supplier) {
  t.add_processor(ProcessorSpec{.name = std::move(name),
                                .op = std::move(op),
                                .detail = std::move(detail),
                                .supplier = std::move(supplier),
                                .parents = std::move(parents)});
}

}  // namespace

std::string StreamsBuilder::derive_name(const std::string& given, const std::string& input,
                                        const std::string& op) {
  if (!given.empty()) return given;
  // Counted per (input, operator), never globally: adding a step elsewhere renames nothing.
  const std::string base = input + "." + op;
  const int n = ++used_[base];
  return n == 1 ? base : fmt::format("{}-{}", base, n);
}

KStream StreamsBuilder::stream(const SourceOptions& o) {
  if (o.topics.empty()) throw std::invalid_argument("source: at least one topic is required");
  const std::string name = o.name.empty() ? o.topics.front() : o.name;
  serde::SchemaPtr schema = o.schema;
  if (!schema) {
    if (o.message_type.empty()) fail("source", name, "message_type or schema is required");
    auto r = serde::Schema::from_message_name(o.message_type);
    if (!r.ok()) fail("source", name, r.status().message());
    schema = *r;
  }
  SourceSpec spec;
  spec.name = name;
  spec.topics = o.topics;
  spec.schema = schema;
  spec.value_format.format = o.format;
  spec.value_format.envelope = o.envelope;
  auto& required = spec.value_format.required;
  auto require = [&](uint32_t slot) {
    if (std::find(required.begin(), required.end(), slot) == required.end()) {
      required.push_back(slot);
    }
  };
  if (!o.key_field.empty()) {
    auto ref = resolve(*schema, o.key_field, "source", name);
    if (ref.type != serde::FieldType::kString && ref.type != serde::FieldType::kInt64) {
      fail("source", name,
           fmt::format("key field '{}' is {}; it must be a string or an integer", o.key_field,
                       serde::field_type_name(ref.type)));
    }
    spec.key_slot = ref.slot;
    require(ref.slot);
  }
  if (!o.timestamp_field.empty()) {
    auto ref = resolve(*schema, o.timestamp_field, "source", name);
    const bool ok =
        o.timestamp_format == TimestampFormat::kIso8601 ? ref.type == serde::FieldType::kString
        : o.timestamp_format == TimestampFormat::kEpochMillis
            ? ref.type == serde::FieldType::kInt64
            : ref.type == serde::FieldType::kInt64 || ref.type == serde::FieldType::kDouble;
    if (!ok) {
      fail("source", name,
           fmt::format("timestamp field '{}' is {}, which its timestamp format cannot read",
                       o.timestamp_field, serde::field_type_name(ref.type)));
    }
    spec.timestamp.slot = ref.slot;
    spec.timestamp.format = o.timestamp_format;
    spec.timestamp.field_path = o.timestamp_field;
    require(ref.slot);
  }
  for (const auto& f : o.required_fields) require(resolve(*schema, f, "source", name).slot);
  topology_.add_source(std::move(spec));
  return KStream(this, name, std::move(schema), false);
}

Topology StreamsBuilder::build() {
  Topology out = std::move(topology_);
  topology_ = Topology();
  used_.clear();
  return out;
}

KStream KStream::filter(const ExprPtr& predicate, std::string name) const {
  const std::string step = builder_->derive_name(name, node_, "filter");
  CompiledExpr c = compile_predicate(predicate, *schema_, "filter", step);
  add_step(builder_->topology(), step, "filter", to_string(*predicate), {node_},
           [c] { return std::make_unique<FilterProcessor>(c); });
  return KStream(builder_, step, schema_, repartition_pending_);
}

KStream KStream::project(const std::vector<ProjectField>& fields, std::string name) const {
  const std::string step = builder_->derive_name(name, node_, "project");
  if (fields.empty()) fail("project", step, "at least one field is required");
  std::vector<std::string> outputs;
  for (const auto& f : fields) outputs.push_back(f.output);
  check_output_paths(outputs, "project", step);

  serde::Schema::Builder schema(step);
  std::vector<ProjectColumn> columns;
  std::vector<std::string> detail;
  for (const auto& f : fields) {
    if (!f.expr) fail("project", step, fmt::format("field '{}' has no expression", f.output));
    ProjectColumn c;
    c.out_slot = static_cast<uint32_t>(columns.size());
    if (f.expr->kind == Expr::Kind::kField) {
      // Copied slot to slot: cheaper than evaluating, and the only way to carry a list.
      auto ref = resolve(*schema_, f.expr->path, "project", step);
      c.copy = true;
      c.in_slot = ref.slot;
      c.type = ref.type;
      schema.add(f.output, ref.type, schema_->field(ref.slot).element);
    } else {
      c.expr = compile(f.expr, *schema_, "project", step);
      if (c.expr.type() == ExprType::kNull) {
        fail("project", step, fmt::format("field '{}' is always null", f.output));
      }
      c.type = to_field_type(c.expr.type());
      schema.add(f.output, c.type);
    }
    columns.push_back(std::move(c));
    detail.push_back(f.output + " = " + to_string(*f.expr));
  }
  serde::SchemaPtr out = schema.build();
  add_step(builder_->topology(), step, "project", joined(detail, ", "), {node_},
           [out, columns] { return std::make_unique<ProjectProcessor>(out, columns); });
  return KStream(builder_, step, out, repartition_pending_);
}

KStream KStream::explode(const ExplodeOptions& o) const {
  const std::string step = builder_->derive_name(o.name, node_, "explode");
  if (o.list_field.empty()) fail("explode", step, "list_field is required");
  auto list = resolve(*schema_, o.list_field, "explode", step);
  const serde::SchemaPtr& element = schema_->field(list.slot).element;
  if (list.type != serde::FieldType::kList || !element) {
    fail("explode", step,
         fmt::format("field '{}' is {}, not a list", o.list_field,
                     serde::field_type_name(list.type)));
  }
  const std::string as = o.as.empty() ? o.list_field : o.as;

  serde::Schema::Builder schema(step);
  std::vector<SlotCopy> parent, items;
  std::vector<std::string> paths;
  for (size_t i = 0; i < schema_->size(); ++i) {
    const auto& f = schema_->field(i);
    if (f.type == serde::FieldType::kList) continue;
    parent.push_back({static_cast<uint32_t>(paths.size()), static_cast<uint32_t>(i)});
    paths.push_back(f.path);
    schema.add(f.path, f.type);
  }
  for (size_t i = 0; i < element->size(); ++i) {
    const auto& f = element->field(i);
    items.push_back({static_cast<uint32_t>(paths.size()), static_cast<uint32_t>(i)});
    paths.push_back(as + "." + f.path);
    schema.add(paths.back(), f.type, f.element);
  }
  check_output_paths(paths, "explode", step);
  serde::SchemaPtr out = schema.build();
  add_step(builder_->topology(), step, "explode", fmt::format("{} as {}", o.list_field, as),
           {node_}, [out, slot = list.slot, parent, items] {
             return std::make_unique<ExplodeProcessor>(out, slot, parent, items);
           });
  return KStream(builder_, step, out, repartition_pending_);
}

KStream KStream::rekey(const std::vector<std::string>& fields, std::string name) const {
  const std::string step = builder_->derive_name(name, node_, "rekey");
  if (fields.empty()) fail("rekey", step, "at least one key field is required");
  std::vector<KeyField> keys;
  for (const auto& path : fields) {
    auto ref = resolve(*schema_, path, "rekey", step);
    if (ref.type == serde::FieldType::kList) {
      fail("rekey", step, fmt::format("field '{}' is a list and cannot be a key", path));
    }
    keys.push_back({ref.slot, ref.type, path});
  }
  add_step(builder_->topology(), step, "rekey", joined(fields, " | "), {node_},
           [keys] { return std::make_unique<RekeyProcessor>(keys); });
  return KStream(builder_, step, schema_, true);
}

std::vector<KStream> KStream::branch(const std::vector<ExprPtr>& predicates,
                                     std::string name) const {
  const std::string step = builder_->derive_name(name, node_, "branch");
  if (predicates.empty()) fail("branch", step, "at least one predicate is required");
  std::vector<CompiledExpr> compiled;
  std::vector<std::string> detail;
  for (size_t i = 0; i < predicates.size(); ++i) {
    compiled.push_back(compile_predicate(predicates[i], *schema_, "branch", step));
    detail.push_back(fmt::format("{}: {}", i, to_string(*predicates[i])));
  }
  Topology& t = builder_->topology();
  add_step(t, step, "branch", joined(detail, "; "), {node_},
           [compiled] { return std::make_unique<BranchProcessor>(compiled); });
  // Added right after the branch node, in order: child i of the branch node is branch i.
  std::vector<KStream> out;
  for (size_t i = 0; i < predicates.size(); ++i) {
    std::string branch = fmt::format("{}.{}", step, i);
    add_step(t, branch, "branch-output", to_string(*predicates[i]), {step},
             [] { return std::make_unique<PassThroughProcessor>(); });
    out.push_back(KStream(builder_, std::move(branch), schema_, repartition_pending_));
  }
  return out;
}

KStream KStream::merge(const KStream& other, std::string name) const {
  const std::string step = builder_->derive_name(name, node_, "merge");
  if (other.builder_ != builder_) fail("merge", step, "the streams come from different builders");
  if (!same_layout(*schema_, *other.schema_)) {
    // Downstream steps resolve slots against one schema: both inputs must share its layout.
    fail("merge", step,
         fmt::format("'{}' ({}) and '{}' ({}) have different fields", node_, schema_->name(),
                     other.node_, other.schema_->name()));
  }
  add_step(builder_->topology(), step, "merge", fmt::format("{} + {}", node_, other.node_),
           {node_, other.node_}, [] { return std::make_unique<PassThroughProcessor>(); });
  return KStream(builder_, step, schema_, repartition_pending_ || other.repartition_pending_);
}

void KStream::to(const SinkOptions& o) const {
  const std::string step = builder_->derive_name(o.name, node_, "to." + o.topic);
  if (o.topic.empty()) fail("sink", step, "topic is required");
  SinkSpec spec;
  spec.name = step;
  spec.topic = o.topic;
  spec.schema = schema_;
  spec.value_format.format = o.format;
  builder_->topology().add_sink(std::move(spec), {node_});
}

KStream KStream::through_repartition_if_needed() const {
  if (!repartition_pending_) return *this;
  const std::string topic = node_ + "-repartition";
  Topology& t = builder_->topology();
  // A second stateful step on the same re-keyed stream reads the same repartition topic.
  if (t.node(topic) == nullptr) {
    SinkSpec sink;
    sink.name = topic + "-sink";
    sink.topic = topic;
    sink.schema = schema_;
    sink.value_format.format = serde::Format::kProtobuf;  // compact, and exact for doubles
    sink.internal = true;
    t.add_sink(std::move(sink), {node_});
    SourceSpec source;
    source.name = topic;
    source.topics = {topic};
    source.schema = schema_;
    source.value_format.format = serde::Format::kProtobuf;
    source.internal = true;  // key: the Kafka key; timestamp: the Kafka record timestamp
    t.add_source(std::move(source));
  }
  return KStream(builder_, topic, schema_, false);
}

}  // namespace sluice::ops
