// Expression builders, the type checker/compiler, and the evaluator. The compiled form is a
// postfix program: operands push Values on a fixed-size stack that lives in eval()'s frame, so
// evaluation never allocates; field operands carry the slot resolved at compile time.
#include "operators/expression.h"

#include <fmt/format.h>

#include <cstring>
#include <new>

#include "operators/detail/expr_program.h"
#include "operators/detail/expr_syntax.h"

namespace sluice::ops {

namespace {

std::shared_ptr<Expr> make(Expr::Kind kind) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  return e;
}

}  // namespace

ExprPtr field(std::string path) {
  auto e = make(Expr::Kind::kField);
  e->path = std::move(path);
  return e;
}

ExprPtr lit(int64_t v) {
  auto e = make(Expr::Kind::kLiteral);
  e->literal.type = Value::Type::kInt;
  e->literal.i = v;
  return e;
}

ExprPtr lit(double v) {
  auto e = make(Expr::Kind::kLiteral);
  e->literal.type = Value::Type::kDouble;
  e->literal.d = v;
  return e;
}

ExprPtr lit(bool v) {
  auto e = make(Expr::Kind::kLiteral);
  e->literal.type = Value::Type::kBool;
  e->literal.b = v;
  return e;
}

ExprPtr lit(std::string v) { return lit_str(std::move(v)); }
ExprPtr lit(const char* v) { return lit_str(v); }

ExprPtr lit_str(std::string v) {
  auto e = make(Expr::Kind::kLiteral);
  e->text = std::move(v);
  e->literal.type = Value::Type::kString;
  e->literal.s = e->text;  // the node is never moved after this: it lives behind a shared_ptr
  return e;
}

ExprPtr binary(Expr::Kind kind, ExprPtr a, ExprPtr b) {
  auto e = make(kind);
  e->args = {std::move(a), std::move(b)};
  return e;
}

ExprPtr eq(ExprPtr a, ExprPtr b) { return binary(Expr::Kind::kEq, std::move(a), std::move(b)); }
ExprPtr ne(ExprPtr a, ExprPtr b) { return binary(Expr::Kind::kNe, std::move(a), std::move(b)); }
ExprPtr lt(ExprPtr a, ExprPtr b) { return binary(Expr::Kind::kLt, std::move(a), std::move(b)); }
ExprPtr le(ExprPtr a, ExprPtr b) { return binary(Expr::Kind::kLe, std::move(a), std::move(b)); }
ExprPtr gt(ExprPtr a, ExprPtr b) { return binary(Expr::Kind::kGt, std::move(a), std::move(b)); }
ExprPtr ge(ExprPtr a, ExprPtr b) { return binary(Expr::Kind::kGe, std::move(a), std::move(b)); }
ExprPtr and_(ExprPtr a, ExprPtr b) { return binary(Expr::Kind::kAnd, std::move(a), std::move(b)); }
ExprPtr or_(ExprPtr a, ExprPtr b) { return binary(Expr::Kind::kOr, std::move(a), std::move(b)); }

ExprPtr not_(ExprPtr a) {
  auto e = make(Expr::Kind::kNot);
  e->args = {std::move(a)};
  return e;
}

ExprPtr in(ExprPtr a, std::vector<ExprPtr> set) {
  auto e = make(Expr::Kind::kIn);
  e->args.reserve(set.size() + 1);
  e->args.push_back(std::move(a));
  for (auto& s : set) e->args.push_back(std::move(s));
  return e;
}

ExprPtr is_null(ExprPtr a) {
  auto e = make(Expr::Kind::kIsNull);
  e->args = {std::move(a)};
  return e;
}

ExprPtr is_not_null(ExprPtr a) {
  auto e = make(Expr::Kind::kIsNotNull);
  e->args = {std::move(a)};
  return e;
}

namespace {

using Code = detail::OpCode;
using Kind = Expr::Kind;

const char* type_name(ExprType t) {
  static constexpr const char* kNames[] = {"null", "bool", "int", "double", "string"};
  return kNames[static_cast<int>(t)];
}

bool is_number(ExprType t) { return t == ExprType::kInt || t == ExprType::kDouble; }

std::string_view op_symbol(Kind k) { return detail::syntax(k).symbol; }

// Comparison and arithmetic op codes follow Expr::Kind's order within their group.
Code shifted(Kind k, Kind first_kind, Code first_code) {
  return static_cast<Code>(static_cast<int>(first_code) + static_cast<int>(k) -
                           static_cast<int>(first_kind));
}

static_assert(static_cast<int>(ExprType::kString) == static_cast<int>(Value::Type::kString));

}  // namespace

// Walks the AST once: checks types, resolves fields, and emits the postfix program while
// tracking the stack height eval() will need.
struct ExprCompiler {
  using Op = CompiledExpr::Op;
  using Code = detail::OpCode;
  const serde::Schema& schema;
  const Expr& root;
  std::vector<Op> ops;
  int height = 0;

  Status error(const Expr& at, const std::string& msg) const {
    std::string where = at.column > 0 ? fmt::format(" (column {})", at.column) : "";
    return Status::InvalidArgument(
        fmt::format("expression `{}`{}: {}", to_string(root), where, msg));
  }

  Status push(Op op) {
    ops.push_back(std::move(op));
    if (++height > CompiledExpr::kMaxStack) {
      return Status::InvalidArgument(
          fmt::format("expression `{}` is nested too deeply", to_string(root)));
    }
    return Status::Ok();
  }

  Status emit_code(Code code, int pops) {
    height -= pops;
    Op op;
    op.code = code;
    return push(std::move(op));
  }

  // Value::Type and ExprType list the same types in the same order.
  static ExprType literal(const Expr& e, Op& op) {
    op.code = Code::kLiteral;
    op.value = e.literal;
    if (e.literal.type == Value::Type::kString) op.text = e.text;  // value.s is set at the end
    return static_cast<ExprType>(e.literal.type);
  }

  Result<ExprType> field_type(const Expr& e, serde::FieldRef& ref) {
    auto r = schema.resolve(e.path);
    if (!r.ok()) return error(e, r.status().message());
    ref = *r;
    switch (ref.type) {
      case serde::FieldType::kBool:
        return ExprType::kBool;
      case serde::FieldType::kInt64:
        return ExprType::kInt;
      case serde::FieldType::kDouble:
        return ExprType::kDouble;
      case serde::FieldType::kString:
        return ExprType::kString;
      case serde::FieldType::kList:
        break;
    }
    return error(e, fmt::format("field '{}' is a list; only 'is null' applies to it (explode it "
                                "to use its elements)",
                                e.path));
  }

  Status arity(const Expr& e, size_t n) const {
    if (e.args.size() != n || !e.args[0] || (n == 2 && !e.args[1])) {
      return error(e, fmt::format("malformed node: needs {} operand(s)", n));
    }
    return Status::Ok();
  }

  Result<ExprType> emit(const Expr& e) {
    if (detail::is_comparison(e.kind)) return comparison(e);
    if (detail::is_arithmetic(e.kind)) return arithmetic(e);
    switch (e.kind) {
      case Kind::kField: {
        serde::FieldRef ref;
        auto t = field_type(e, ref);
        if (!t.ok()) return t;
        Op op;
        op.code = Code::kField;
        op.slot = ref.slot;
        op.field_type = ref.type;
        SLUICE_RETURN_IF_ERROR(push(std::move(op)));
        return t;
      }
      case Kind::kLiteral: {
        Op op;
        const ExprType t = literal(e, op);
        SLUICE_RETURN_IF_ERROR(push(std::move(op)));
        return t;
      }
      case Kind::kAnd:
      case Kind::kOr:
        return logical(e);
      case Kind::kNot: {
        SLUICE_RETURN_IF_ERROR(arity(e, 1));
        auto t = emit(*e.args[0]);
        if (!t.ok()) return t;
        if (*t != ExprType::kBool) {
          return error(e, fmt::format("'not' needs a bool, got {} `{}`", type_name(*t),
                                      to_string(*e.args[0])));
        }
        SLUICE_RETURN_IF_ERROR(emit_code(Code::kNot, 1));
        return ExprType::kBool;
      }
      case Kind::kIsNull:
      case Kind::kIsNotNull:
        return null_test(e);
      case Kind::kIn:
        return membership(e);
      default:
        return error(e, "unknown node kind");
    }
  }

  Result<ExprType> comparison(const Expr& e) {
    SLUICE_RETURN_IF_ERROR(arity(e, 2));
    auto a = emit(*e.args[0]);
    if (!a.ok()) return a;
    auto b = emit(*e.args[1]);
    if (!b.ok()) return b;
    if (*a == ExprType::kNull || *b == ExprType::kNull) {
      return error(e, "comparing with null is never true; use 'is null' / 'is not null'");
    }
    const bool equality = e.kind == Kind::kEq || e.kind == Kind::kNe;
    const bool ok = (is_number(*a) && is_number(*b)) ||
                    (*a == ExprType::kString && *b == ExprType::kString) ||
                    (equality && *a == ExprType::kBool && *b == ExprType::kBool);
    if (!ok) {
      return error(e, fmt::format("'{}' cannot compare {} `{}` with {} `{}`", op_symbol(e.kind),
                                  type_name(*a), to_string(*e.args[0]), type_name(*b),
                                  to_string(*e.args[1])));
    }
    SLUICE_RETURN_IF_ERROR(emit_code(shifted(e.kind, Kind::kEq, Code::kEq), 2));
    return ExprType::kBool;
  }

  Result<ExprType> arithmetic(const Expr& e) {
    SLUICE_RETURN_IF_ERROR(arity(e, 2));
    auto a = emit(*e.args[0]);
    if (!a.ok()) return a;
    auto b = emit(*e.args[1]);
    if (!b.ok()) return b;
    if (!is_number(*a) || !is_number(*b)) {
      const bool first_bad = !is_number(*a);
      return error(
          e, fmt::format("'{}' needs numbers, but `{}` is {}", op_symbol(e.kind),
                         to_string(*e.args[first_bad ? 0 : 1]), type_name(first_bad ? *a : *b)));
    }
    SLUICE_RETURN_IF_ERROR(emit_code(shifted(e.kind, Kind::kAdd, Code::kAdd), 2));
    if (e.kind == Kind::kDiv) return ExprType::kDouble;
    return *a == ExprType::kInt && *b == ExprType::kInt ? ExprType::kInt : ExprType::kDouble;
  }

  Result<ExprType> logical(const Expr& e) {
    SLUICE_RETURN_IF_ERROR(arity(e, 2));
    size_t jump_at = 0;
    for (int side = 0; side < 2; ++side) {
      auto t = emit(*e.args[side]);
      if (!t.ok()) return t;
      if (*t != ExprType::kBool) {
        return error(e, fmt::format("'{}' needs bools, but `{}` is {}", op_symbol(e.kind),
                                    to_string(*e.args[side]), type_name(*t)));
      }
      if (side == 0) {
        jump_at = ops.size();
        Op jump;
        jump.code = e.kind == Kind::kAnd ? Code::kAndJump : Code::kOrJump;
        ops.push_back(std::move(jump));
        --height;  // the fall-through path pops the left operand
      }
    }
    SLUICE_RETURN_IF_ERROR(emit_code(Code::kToBool, 1));
    // The short-circuit lands after kToBool: its operand is already a bool.
    ops[jump_at].count = static_cast<uint32_t>(ops.size());
    return ExprType::kBool;
  }

  Result<ExprType> null_test(const Expr& e) {
    SLUICE_RETURN_IF_ERROR(arity(e, 1));
    const bool want_null = e.kind == Kind::kIsNull;
    const Expr& arg = *e.args[0];
    if (arg.kind == Kind::kField) {
      // Presence is a property of the slot, so this also works on list fields.
      auto r = schema.resolve(arg.path);
      if (!r.ok()) return error(arg, r.status().message());
      Op op;
      op.code = want_null ? Code::kAbsent : Code::kPresent;
      op.slot = r->slot;
      SLUICE_RETURN_IF_ERROR(push(std::move(op)));
      return ExprType::kBool;
    }
    auto t = emit(arg);
    if (!t.ok()) return t;
    SLUICE_RETURN_IF_ERROR(emit_code(want_null ? Code::kIsNull : Code::kIsNotNull, 1));
    return ExprType::kBool;
  }

  Result<ExprType> membership(const Expr& e) {
    if (e.args.size() < 2 || !e.args[0]) return error(e, "'in' needs a value and a list");
    auto a = emit(*e.args[0]);
    if (!a.ok()) return a;
    if (*a == ExprType::kNull) return error(e, "'in' on null is never true");
    SLUICE_RETURN_IF_ERROR(emit_code(Code::kIn, 1));
    ops.back().count = static_cast<uint32_t>(e.args.size() - 1);
    for (size_t i = 1; i < e.args.size(); ++i) {
      const Expr* item = e.args[i].get();
      if (!item || item->kind != Kind::kLiteral) {
        return error(e, "'in' needs a list of literals");
      }
      Op data;
      const ExprType t = literal(*item, data);
      data.code = Code::kInItem;
      const bool ok = (is_number(*a) && is_number(t)) || *a == t;
      if (!ok) {
        return error(*item,
                     fmt::format("'in' list item `{}` is {}, but `{}` is {}", to_string(*item),
                                 type_name(t), to_string(*e.args[0]), type_name(*a)));
      }
      ops.push_back(std::move(data));
    }
    return ExprType::kBool;
  }
};

Result<CompiledExpr> CompiledExpr::compile(const ExprPtr& expr, const serde::Schema& schema) {
  if (!expr) return Status::InvalidArgument("expression is missing");
  ExprCompiler c{schema, *expr, {}, 0};
  auto t = c.emit(*expr);
  if (!t.ok()) return t.status();
  auto ops = std::make_shared<std::vector<Op>>(std::move(c.ops));
  for (Op& op : *ops) {
    if (op.value.type == Value::Type::kString) op.value.s = op.text;
  }
  CompiledExpr out;
  out.ops_ = std::move(ops);
  out.type_ = *t;
  return out;
}

Value CompiledExpr::eval(const serde::Row& row) const {
  using detail::arithmetic;
  using detail::boolean;
  using detail::compare;
  if (!ops_) return {};
  // Raw storage: constructing kMaxStack Values per call would cost more than evaluating.
  alignas(Value) unsigned char storage[sizeof(Value) * kMaxStack];
  Value* stack = reinterpret_cast<Value*>(storage);
  int sp = 0;
  const Op* ops = ops_->data();
  const size_t n = ops_->size();
  for (size_t pc = 0; pc < n; ++pc) {
    const Op& op = ops[pc];
    switch (op.code) {
      case Code::kField:
        new (&stack[sp++]) Value(detail::load(row, op.slot, op.field_type));
        break;
      case Code::kPresent:
        new (&stack[sp++]) Value(boolean(row.has(op.slot)));
        break;
      case Code::kAbsent:
        new (&stack[sp++]) Value(boolean(!row.has(op.slot)));
        break;
      case Code::kLiteral:
        new (&stack[sp++]) Value(op.value);
        break;
      case Code::kEq:
      case Code::kNe:
      case Code::kLt:
      case Code::kLe:
      case Code::kGt:
      case Code::kGe:
        --sp;
        stack[sp - 1] = boolean(compare(op.code, stack[sp - 1], stack[sp]));
        break;
      case Code::kAdd:
      case Code::kSub:
      case Code::kMul:
      case Code::kDiv:
        --sp;
        stack[sp - 1] = arithmetic(op.code, stack[sp - 1], stack[sp]);
        break;
      case Code::kNot:
        stack[sp - 1] = boolean(!stack[sp - 1].truthy());
        break;
      case Code::kIsNull:
        stack[sp - 1] = boolean(stack[sp - 1].is_null());
        break;
      case Code::kIsNotNull:
        stack[sp - 1] = boolean(!stack[sp - 1].is_null());
        break;
      case Code::kIn: {
        bool found = false;
        for (uint32_t k = 1; k <= op.count && !found; ++k) {
          found = compare(Code::kEq, stack[sp - 1], ops[pc + k].value);
        }
        stack[sp - 1] = boolean(found);
        pc += op.count;
        break;
      }
      case Code::kInItem:
        break;
      case Code::kAndJump:
      case Code::kOrJump: {
        const bool t = stack[sp - 1].truthy();
        if (t == (op.code == Code::kOrJump)) {
          stack[sp - 1] = boolean(t);
          pc = op.count - 1;  // the loop's ++pc lands on the target
        } else {
          --sp;
        }
        break;
      }
      case Code::kToBool:
        stack[sp - 1] = boolean(stack[sp - 1].truthy());
        break;
    }
  }
  return stack[0];
}

}  // namespace sluice::ops
