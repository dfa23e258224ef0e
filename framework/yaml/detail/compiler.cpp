#include "yaml/detail/compiler.h"

#include <fmt/format.h>

#include <cstdio>

namespace sluice::yaml::detail {

namespace {

// "column N: msg" or "line L, column N: msg" (expression parser errors) -> (L, N, msg).
void split_position(const std::string& message, int& line, int& column, std::string& rest) {
  line = 1;
  column = 1;
  rest = message;
  int l = 0, col = 0;
  if (std::sscanf(message.c_str(), "line %d, column %d", &l, &col) == 2) {
    line = l;
    column = col;
  } else if (std::sscanf(message.c_str(), "column %d", &col) == 1) {
    column = col;
  } else {
    return;
  }
  const size_t colon = message.find(": ");
  if (colon != std::string::npos) rest = message.substr(colon + 2);
}

// Offset of a scalar's text from its mark: quoted scalars start after the quote.
int quote_offset(const YAML::Node& n) { return n.Tag() == "!" ? 1 : 0; }

void collect_fields(const ops::ExprPtr& e, std::vector<const ops::Expr*>& out) {
  if (!e) return;
  if (e->kind == ops::Expr::Kind::kField) out.push_back(e.get());
  for (const auto& a : e->args) collect_fields(a, out);
}

}  // namespace

bool Compiler::define(const std::string& name, const YAML::Node& at) {
  auto [it, fresh] = defined_.emplace(name, at);
  if (fresh) return true;
  const YAML::Mark m = it->second.Mark();
  ctx_.error(at, fmt::format("duplicate name '{}': already defined at line {}; every source, step "
                             "and sink needs its own name",
                             name, m.line + 1));
  return false;
}

void Compiler::set_stream(const std::string& name, std::optional<ops::KStream> s) {
  streams_.insert_or_assign(name, std::move(s));
}

void Compiler::set_table(const std::string& name, ops::KTable t) {
  tables_.insert_or_assign(name, std::move(t));
}

const ops::KStream* Compiler::stream(const YAML::Node& ref, std::string_view what) {
  auto name = ctx_.scalar(ref, what);
  if (!name) return nullptr;
  auto it = streams_.find(*name);
  if (it != streams_.end()) return it->second ? &*it->second : nullptr;
  std::vector<std::string> known;
  for (const auto& [n, s] : streams_) known.push_back(n);
  ctx_.error(ref, fmt::format("{}: unknown stream '{}'; expected a source or an earlier step{}",
                              what, *name, did_you_mean(*name, known)));
  return nullptr;
}

const ops::KTable* Compiler::table(const YAML::Node& ref, std::string_view what) {
  auto name = ctx_.scalar(ref, what);
  if (!name) return nullptr;
  auto it = tables_.find(*name);
  if (it != tables_.end()) return &it->second;
  auto s = streams_.find(*name);
  if (s != streams_.end() && !s->second) return nullptr;  // the table step failed
  std::vector<std::string> known;
  for (const auto& [n, t] : tables_) known.push_back(n);
  ctx_.error(ref, fmt::format("{}: unknown table '{}'; expected an earlier `table` step{}", what,
                              *name, did_you_mean(*name, known)));
  return nullptr;
}

std::optional<serde::FieldRef> Compiler::field(const serde::Schema& schema, const YAML::Node& at,
                                               const std::string& path, std::string_view what) {
  if (auto slot = schema.find(path)) return serde::FieldRef{*slot, schema.field(*slot).type};
  std::string msg = fmt::format("{}: unknown field '{}' in {}", what, path, schema.name());
  const auto near = schema.nearest(path);
  if (!near.empty()) msg += "; nearest valid fields: " + quoted_list(near);
  ctx_.error(at, std::move(msg));
  return std::nullopt;
}

ops::ExprPtr Compiler::expression(const serde::Schema& schema, const YAML::Node& at,
                                  std::string_view what, bool require_bool) {
  auto text = ctx_.scalar(at, what);
  if (!text) return nullptr;
  const int q = quote_offset(at);
  // After interpolation the text's columns are not the file's: point at the scalar instead.
  const bool exact = at.Scalar() == *text;
  auto place = [&](int line, int col, std::string msg) {
    if (exact) {
      ctx_.error_at(at, line - 1, line > 1 ? col - 1 : col - 1 + q, std::move(msg));
    } else {
      ctx_.error(at, fmt::format("{} (column {} of the interpolated text)", msg, col));
    }
  };
  auto parsed = ops::parse_expression(*text);
  if (!parsed.ok()) {
    int line = 1, col = 1;
    std::string rest;
    split_position(parsed.status().message(), line, col, rest);
    place(line, col, fmt::format("{}: bad expression `{}`: {}", what, *text, rest));
    return nullptr;
  }
  // Unknown fields first, each at its own column, all of them.
  std::vector<const ops::Expr*> fields;
  collect_fields(*parsed, fields);
  bool ok = true;
  for (const ops::Expr* f : fields) {
    if (schema.find(f->path)) continue;
    ok = false;
    std::string msg = fmt::format("{}: unknown field '{}' in {}", what, f->path, schema.name());
    const auto near = schema.nearest(f->path);
    if (!near.empty()) msg += "; nearest valid fields: " + quoted_list(near);
    const int line = f->line > 0 ? f->line : 1;
    const int col = f->column > 0 ? f->column : 1;
    place(line, col, std::move(msg));
  }
  if (!ok) return nullptr;
  auto compiled = ops::CompiledExpr::compile(*parsed, schema);
  if (!compiled.ok()) {
    ctx_.error(at,
               fmt::format("{}: type error in `{}`: {}", what, *text, compiled.status().message()));
    return nullptr;
  }
  if (require_bool && compiled->type() != ops::ExprType::kBool) {
    ctx_.error(at, fmt::format("{}: `{}` is not a condition; expected a boolean expression "
                               "(a comparison, `in`, `is null`, and/or/not)",
                               what, *text));
    return nullptr;
  }
  return *parsed;
}

void Compiler::declare_store(StoreDecl decl) {
  auto it = stores_.find(decl.name);
  if (it != stores_.end()) {
    ctx_.error(Context::key_node(decl.node, "name"),
               fmt::format("duplicate store '{}': already declared at line {}", decl.name,
                           it->second.node.Mark().line + 1));
    return;
  }
  const std::string name = decl.name;
  stores_.emplace(name, std::move(decl));
}

StoreDecl* Compiler::take_store(const YAML::Node& body, const std::string& step,
                                state::StoreKind kind) {
  const YAML::Node ref = body["store"];
  if (!ref) return nullptr;
  auto name = ctx_.scalar(ref, "store");
  if (!name) return nullptr;
  auto it = stores_.find(*name);
  if (it == stores_.end()) {
    std::vector<std::string> known;
    for (const auto& [n, d] : stores_) known.push_back(n);
    ctx_.error(ref, fmt::format("store: unknown store '{}'; declare it under `stores:`{}", *name,
                                did_you_mean(*name, known)));
    return nullptr;
  }
  StoreDecl& d = it->second;
  if (!d.used_by.empty()) {
    ctx_.error(ref,
               fmt::format("store '{}' is already used by step '{}' (line {}); a store belongs "
                           "to one operator (a join reads a table's store through `table:`)",
                           *name, d.used_by, d.used_line));
    return nullptr;
  }
  if (d.kind != kind) {
    const auto kind_name = [](state::StoreKind k) {
      return k == state::StoreKind::kWindow ? "window" : "key_value";
    };
    ctx_.error(ref, fmt::format("store '{}' is a {} store; step '{}' needs a {} store", *name,
                                kind_name(d.kind), step, kind_name(kind)));
    return nullptr;
  }
  d.used_by = step;
  d.used_line = ref.Mark().line + 1;
  return &d;
}

}  // namespace sluice::yaml::detail
