// The compiled form of an expression: a postfix program of Ops, and the value semantics its
// instructions apply (SQL-like nulls, wrapping integer arithmetic, null on division by zero).
// Internal to operators/ (used by expression.cpp only).
#pragma once

#include <cstdint>
#include <string>

#include "operators/expression.h"

namespace sluice::ops::detail {

// kField pushes slot `slot` (null when absent); kPresent/kAbsent push has(slot) (`is [not]
// null` on a field, so list fields work too); kLiteral pushes `value`. kIn replaces the top
// with whether it equals one of the `count` kInItem ops that follow (data, never executed).
// kAndJump: a falsy top becomes false and control jumps to `count`, else the top is popped;
// kOrJump likewise for a truthy top. Every other op pops its operands and pushes the result.
// clang-format off
enum class OpCode : uint8_t {
  kField, kPresent, kAbsent, kLiteral,
  kEq, kNe, kLt, kLe, kGt, kGe,  // same order as Expr::Kind
  kAdd, kSub, kMul, kDiv,        // same order as Expr::Kind
  kNot, kIsNull, kIsNotNull, kIn, kInItem, kAndJump, kOrJump, kToBool,
};
// clang-format on

}  // namespace sluice::ops::detail

namespace sluice::ops {

// One instruction of the postfix program.
struct CompiledExpr::Op {
  detail::OpCode code = detail::OpCode::kLiteral;
  serde::FieldType field_type = serde::FieldType::kString;
  uint32_t slot = 0;
  uint32_t count = 0;
  Value value;
  std::string text;  // owns value.s for string literals
};

}  // namespace sluice::ops

namespace sluice::ops::detail {

// The value of a field operand; null when absent.
inline Value load(const serde::Row& row, uint32_t slot, serde::FieldType type) {
  Value v;
  if (!row.has(slot)) return v;
  switch (type) {
    case serde::FieldType::kBool:
      v.type = Value::Type::kBool;
      v.b = row.get_bool(slot);
      break;
    case serde::FieldType::kInt64:
      v.type = Value::Type::kInt;
      v.i = row.get_int(slot);
      break;
    case serde::FieldType::kDouble:
      v.type = Value::Type::kDouble;
      v.d = row.get_double(slot);
      break;
    case serde::FieldType::kString:
      v.type = Value::Type::kString;
      v.s = row.get_string(slot);
      break;
    case serde::FieldType::kList:
      break;  // only `is [not] null` applies, via kPresent/kAbsent
  }
  return v;
}

inline bool compare(OpCode code, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return false;  // SQL-like: comparisons with null are false
  auto decide = [code](auto x, auto y) {
    switch (code) {
      case OpCode::kEq:
        return x == y;
      case OpCode::kNe:
        return x != y;
      case OpCode::kLt:
        return x < y;
      case OpCode::kLe:
        return x <= y;
      case OpCode::kGt:
        return x > y;
      default:
        return x >= y;
    }
  };
  if (a.type == Value::Type::kInt && b.type == Value::Type::kInt) return decide(a.i, b.i);
  if (a.is_number() && b.is_number()) return decide(a.as_double(), b.as_double());
  if (a.type == Value::Type::kString) return decide(a.s, b.s);
  return decide(a.b, b.b);
}

inline Value arithmetic(OpCode code, const Value& a, const Value& b) {
  Value r;
  if (a.is_null() || b.is_null()) return r;
  if (code != OpCode::kDiv && a.type == Value::Type::kInt && b.type == Value::Type::kInt) {
    // Wrap on overflow (two's complement) instead of invoking undefined behaviour.
    const auto x = static_cast<uint64_t>(a.i), y = static_cast<uint64_t>(b.i);
    r.type = Value::Type::kInt;
    r.i = static_cast<int64_t>(code == OpCode::kAdd ? x + y : code == OpCode::kSub ? x - y : x * y);
    return r;
  }
  const double x = a.as_double(), y = b.as_double();
  if (code == OpCode::kDiv && y == 0) return r;  // division by zero yields null
  r.type = Value::Type::kDouble;
  r.d = code == OpCode::kAdd   ? x + y
        : code == OpCode::kSub ? x - y
        : code == OpCode::kMul ? x * y
                               : x / y;
  return r;
}

inline Value boolean(bool b) {
  Value v;
  v.type = Value::Type::kBool;
  v.b = b;
  return v;
}

}  // namespace sluice::ops::detail
