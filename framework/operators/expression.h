// Expressions over a Row: field paths, literals, comparisons, and/or/not, `in`, arithmetic.
// An Expr is an AST built in C++ or parsed from text (`price > 100 and action == 'BUY'`);
// compile() resolves every field path against a Schema once, when the topology is built, so
// evaluation per record touches slots only and never allocates.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "serde/row.h"

namespace sluice::ops {

// A value produced by evaluating an expression. Strings point into the evaluated Row or into
// the compiled expression's literals.
struct Value {
  enum class Type : uint8_t { kNull, kBool, kInt, kDouble, kString };
  Type type = Type::kNull;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string_view s;
  bool is_null() const { return type == Type::kNull; }
  double as_double() const { return type == Type::kInt ? static_cast<double>(i) : d; }
  bool is_number() const { return type == Type::kInt || type == Type::kDouble; }
  // Truthiness for filters: null and false are false.
  bool truthy() const { return type == Type::kBool ? b : type != Type::kNull; }
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
  enum class Kind : uint8_t {
    kField,
    kLiteral,
    kEq,
    kNe,
    kLt,
    kLe,
    kGt,
    kGe,
    kAnd,
    kOr,
    kNot,
    kIn,
    kAdd,
    kSub,
    kMul,
    kDiv,
    kIsNull,
    kIsNotNull,
  };
  Kind kind = Kind::kLiteral;
  std::string path;           // kField
  Value literal;              // kLiteral (strings owned by `text`)
  std::string text;           // kLiteral string storage
  std::vector<ExprPtr> args;  // operands; kIn: args[0] in args[1..]
  // Source position in the text it was parsed from (1-based; 0 when built in C++).
  int line = 0;
  int column = 0;
};

// Builders for C++ callers.
ExprPtr field(std::string path);
ExprPtr lit(int64_t v);
ExprPtr lit(double v);
ExprPtr lit(bool v);
ExprPtr lit(std::string v);
// Without this overload a string literal would convert to bool and pick lit(bool).
ExprPtr lit(const char* v);
ExprPtr lit_str(std::string v);
ExprPtr binary(Expr::Kind kind, ExprPtr a, ExprPtr b);
ExprPtr eq(ExprPtr a, ExprPtr b);
ExprPtr ne(ExprPtr a, ExprPtr b);
ExprPtr lt(ExprPtr a, ExprPtr b);
ExprPtr le(ExprPtr a, ExprPtr b);
ExprPtr gt(ExprPtr a, ExprPtr b);
ExprPtr ge(ExprPtr a, ExprPtr b);
ExprPtr and_(ExprPtr a, ExprPtr b);
ExprPtr or_(ExprPtr a, ExprPtr b);
ExprPtr not_(ExprPtr a);
ExprPtr in(ExprPtr a, std::vector<ExprPtr> set);
ExprPtr is_null(ExprPtr a);
ExprPtr is_not_null(ExprPtr a);

// The textual form, parenthesized only where precedence needs it, so that
// parse_expression(to_string(e)) gives back the same tree. Used in describe() and errors.
std::string to_string(const Expr& e);

// Parses the textual form. Grammar (lowest precedence first):
//   or: and ('or' and)* ; and: not ('and' not)* ; not: 'not' not | cmp
//   cmp: sum (('=='|'!='|'<'|'<='|'>'|'>=') sum | 'in' '[' lit (',' lit)* ']'
//        | 'is' 'null' | 'is' 'not' 'null')?
//   sum: prod (('+'|'-') prod)* ; prod: unary (('*'|'/') unary)* ; unary: '-' unary | atom
//   atom: number | 'string' | "string" | true | false | null | path | '(' or ')'
// Errors carry the column of the offending token.
Result<ExprPtr> parse_expression(std::string_view text);

// The static type of an expression against a schema.
enum class ExprType : uint8_t { kNull, kBool, kInt, kDouble, kString };

class CompiledExpr {
 public:
  // Resolves paths and checks types (e.g. `cookie + 1` or `price > 'x'` is an error whose
  // message names the expression). Errors are build-time errors.
  // Expressions needing more than kMaxStack evaluation slots (very deep nesting) are rejected.
  static constexpr int kMaxStack = 64;
  static Result<CompiledExpr> compile(const ExprPtr& expr, const serde::Schema& schema);
  Value eval(const serde::Row& row) const;
  ExprType type() const { return type_; }

 private:
  struct Op;
  std::shared_ptr<const std::vector<Op>> ops_;  // postfix program
  ExprType type_ = ExprType::kNull;
  friend struct ExprCompiler;
};

}  // namespace sluice::ops
