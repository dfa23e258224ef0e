// The stateless operators: filter, project, explode, rekey, branch, merge.
#include <fmt/format.h>

#include "yaml/detail/compiler.h"
#include "yaml/detail/step_result.h"

namespace sluice::yaml::detail {

void compile_filter(Compiler& c, const StepInput& s) {
  ops::ExprPtr pred = c.expression(*s.input->schema(), s.body, "filter", true);
  if (!pred) return register_result(c, s, std::nullopt);
  register_result(c, s, c.dsl(s.op_key, [&] { return s.input->filter(pred, s.name); }));
}

void compile_project(Compiler& c, const StepInput& s) {
  Context& ctx = c.ctx();
  if (!s.body.IsMap() || s.body.size() == 0) {
    ctx.error(s.body.IsDefined() && !s.body.IsNull() ? s.body : s.op_key,
              "project: expected a mapping of output field -> expression, e.g. "
              "`price: product_info.price`");
    return register_result(c, s, std::nullopt);
  }
  std::vector<ops::ProjectField> fields;
  bool ok = true;
  for (const auto& kv : s.body) {
    const std::string out = kv.first.Scalar();
    ops::ExprPtr e =
        c.expression(*s.input->schema(), kv.second, fmt::format("project '{}'", out), false);
    ok &= e != nullptr;
    fields.push_back({out, e});
  }
  if (!ok) return register_result(c, s, std::nullopt);
  register_result(c, s, c.dsl(s.op_key, [&] { return s.input->project(fields, s.name); }));
}

void compile_explode(Compiler& c, const StepInput& s) {
  Context& ctx = c.ctx();
  if (!ctx.check_keys(s.body, "explode", {"field", "as"}, {"field"}) || !s.body["field"]) {
    return register_result(c, s, std::nullopt);
  }
  ops::ExplodeOptions o;
  o.name = s.name;
  auto f = ctx.scalar(s.body["field"], "field");
  bool ok = f.has_value();
  if (f) {
    o.list_field = *f;
    auto ref = c.field(*s.input->schema(), s.body["field"], *f, "explode");
    if (ref && ref->type != serde::FieldType::kList) {
      ctx.error(s.body["field"],
                fmt::format("explode: field '{}' is {}; expected a list (a repeated field)", *f,
                            serde::field_type_name(ref->type)));
      ok = false;
    }
    ok &= ref.has_value();
  }
  if (s.body["as"]) {
    auto as = ctx.scalar(s.body["as"], "as");
    ok &= as.has_value();
    if (as) o.as = *as;
  }
  if (!ok) return register_result(c, s, std::nullopt);
  register_result(c, s, c.dsl(s.op_key, [&] { return s.input->explode(o); }));
}

void compile_rekey(Compiler& c, const StepInput& s) {
  Context& ctx = c.ctx();
  auto fields = ctx.string_list(s.body, "rekey");
  bool ok = fields.has_value();
  if (fields) {
    for (const auto& f : *fields) {
      auto ref = c.field(*s.input->schema(), s.body, f, "rekey");
      if (ref && ref->type == serde::FieldType::kList) {
        ctx.error(s.body, fmt::format("rekey: field '{}' is a list; a key is a single value", f));
        ok = false;
      }
      ok &= ref.has_value();
    }
  }
  if (!ok) return register_result(c, s, std::nullopt);
  register_result(c, s, c.dsl(s.op_key, [&] { return s.input->rekey(*fields, s.name); }));
}

void compile_branch(Compiler& c, const StepInput& s) {
  Context& ctx = c.ctx();
  if (!s.body.IsSequence() || s.body.size() == 0) {
    ctx.error(s.body.IsDefined() && !s.body.IsNull() ? s.body : s.op_key,
              "branch: expected a list of {name, when} entries");
    return;
  }
  std::vector<ops::ExprPtr> preds;
  std::vector<std::string> names;
  bool ok = true;
  for (const auto& b : s.body) {
    if (!ctx.check_keys(b, "branch", {"name", "when"}, {"name", "when"})) {
      ok = false;
      continue;
    }
    std::string name;
    if (b["name"]) {
      auto n = ctx.scalar(b["name"], "name");
      if (n && c.define(*n, b["name"])) name = *n;
    }
    ops::ExprPtr pred =
        b["when"] ? c.expression(*s.input->schema(), b["when"], "when", true) : nullptr;
    if (name.empty() || !pred) {
      ok = false;
      if (!name.empty()) c.set_stream(name, std::nullopt);
      continue;
    }
    names.push_back(name);
    preds.push_back(pred);
  }
  if (!ok) {
    for (const auto& n : names) c.set_stream(n, std::nullopt);
    return;
  }
  auto outs = c.dsl(s.op_key, [&] { return s.input->branch(preds, s.name); });
  for (size_t i = 0; i < names.size(); ++i) {
    c.set_stream(names[i], outs ? std::optional<ops::KStream>((*outs)[i]) : std::nullopt);
  }
}

void compile_merge(Compiler& c, const StepInput& s) {
  Context& ctx = c.ctx();
  if (!s.body.IsSequence() || s.body.size() < 2) {
    ctx.error(s.body.IsDefined() && !s.body.IsNull() ? s.body : s.op_key,
              "merge: expected a list of at least two streams");
    return register_result(c, s, std::nullopt);
  }
  std::vector<const ops::KStream*> inputs;
  bool ok = true;
  for (const auto& ref : s.body) {
    const ops::KStream* in = c.stream(ref, "merge");
    ok &= in != nullptr;
    inputs.push_back(in);
  }
  if (!ok) return register_result(c, s, std::nullopt);
  register_result(c, s, c.dsl(s.op_key, [&] {
    ops::KStream acc = *inputs[0];
    for (size_t i = 1; i < inputs.size(); ++i) {
      acc = acc.merge(*inputs[i], i + 1 == inputs.size() ? s.name : "");
    }
    return acc;
  }));
}

}  // namespace sluice::yaml::detail
