// The `steps:` section: each step is a mapping with an optional `name`, its input (`from`) and
// exactly one operator key; this file finds the operator and hands the step to its compiler.
#include <fmt/format.h>

#include <algorithm>

#include "yaml/detail/compiler.h"

namespace sluice::yaml::detail {

namespace {

using StepCompiler = void (*)(Compiler&, const StepInput&);

struct Operator {
  const char* name;
  StepCompiler compile;
  bool needs_input;
};

constexpr Operator kOperators[] = {
    {"filter", compile_filter, true},
    {"project", compile_project, true},
    {"explode", compile_explode, true},
    {"rekey", compile_rekey, true},
    {"branch", compile_branch, true},
    {"merge", compile_merge, false},
    {"window_aggregate", compile_window_aggregate, true},
    {"capped_list", compile_capped_list, true},
    {"table", compile_table, true},
    {"join", compile_join, true},
    {"emit_on_change", compile_emit_on_change, true},
};

std::vector<std::string> operator_names() {
  std::vector<std::string> out;
  for (const auto& op : kOperators) out.push_back(op.name);
  return out;
}

const Operator* find_operator(const std::string& name) {
  for (const auto& op : kOperators) {
    if (name == op.name) return &op;
  }
  return nullptr;
}

void compile_step(Compiler& c, const YAML::Node& step) {
  Context& ctx = c.ctx();
  if (!step.IsMap()) {
    ctx.error(step, "step: expected a mapping with `name`, `from` and one operator");
    return;
  }
  const Operator* op = nullptr;
  YAML::Node op_key, body;
  bool ok = true;
  for (const auto& kv : step) {
    const std::string key = kv.first.Scalar();
    if (key == "name" || key == "from") continue;
    const Operator* found = find_operator(key);
    if (!found) {
      ctx.error(kv.first,
                fmt::format("unknown operator '{}'{}; expected one of {}", key,
                            did_you_mean(key, operator_names()), quoted_list(operator_names())));
      ok = false;
      continue;
    }
    if (op) {
      ctx.error(kv.first, fmt::format("step has two operators, '{}' and '{}'; give each its own "
                                      "step",
                                      op->name, key));
      ok = false;
      continue;
    }
    op = found;
    op_key = kv.first;
    body = kv.second;
  }
  if (!op && ok) {
    ctx.error(step, fmt::format("step: missing an operator; expected one of {}",
                                quoted_list(operator_names())));
  }
  std::string name;
  if (step["name"]) {
    auto n = ctx.scalar(step["name"], "name");
    if (n) name = *n;
    if (n && n->empty()) ctx.error(step["name"], "name: expected a step name but found ''");
  }
  if (!op) {
    if (!name.empty()) c.set_stream(name, std::nullopt);
    return;
  }
  const ops::KStream* input = nullptr;
  if (op->needs_input) {
    if (!step["from"]) {
      ctx.error(step, fmt::format("{}: missing required key 'from' (the input stream)", op->name));
      ok = false;
    } else {
      input = c.stream(step["from"], "from");
      ok &= input != nullptr;
    }
  } else if (step["from"]) {
    ctx.error(
        Context::key_node(step, "from"),
        fmt::format("{}: unknown key 'from'; {} lists its inputs itself", op->name, op->name));
    ok = false;
  }
  // Names of branch outputs are defined by the branch compiler.
  if (!name.empty() && !c.define(name, step["name"])) ok = false;
  if (!ok) {
    if (!name.empty()) c.set_stream(name, std::nullopt);
    return;
  }
  op->compile(c, StepInput{step, op_key, body, input, name});
}

}  // namespace

void compile_steps(Compiler& c, const YAML::Node& steps) {
  if (!steps) return;
  if (!steps.IsSequence()) {
    c.ctx().error(steps, "steps: expected a list of steps");
    return;
  }
  for (const auto& step : steps) compile_step(c, step);
}

}  // namespace sluice::yaml::detail
