// The expression language: parser shape and errors, type checking, and compile/eval checked
// against a plain recursive interpreter (written here, from the rules) on random trees and rows.
#include "operators/expression.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cstdlib>
#include <map>
#include <new>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "operators/expression_support.h"
#include "serde/row.h"

// --- allocation counting, used here and by stateless_ops_test.cpp ---------------------------
// Replacing operator new is how allocations are counted; under AddressSanitizer, which owns
// operator new itself, nothing is replaced and the allocation checks are skipped.
#if defined(__SANITIZE_ADDRESS__)
#define SLUICE_COUNT_ALLOCATIONS 0
#else
#define SLUICE_COUNT_ALLOCATIONS 1
#endif

namespace {
thread_local bool g_counting = false;
thread_local size_t g_allocations = 0;
}  // namespace

namespace sluice::test_alloc {
bool supported() { return SLUICE_COUNT_ALLOCATIONS != 0; }
void start() {
  g_allocations = 0;
  g_counting = true;
}
size_t stop() {
  g_counting = false;
  return g_allocations;
}
}  // namespace sluice::test_alloc

#if SLUICE_COUNT_ALLOCATIONS
// Replacement operators pair malloc with free by design; GCC cannot see that across them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t n) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop
#endif

namespace sluice::ops {
namespace {

using ::testing::HasSubstr;
using Kind = Expr::Kind;

// S-expression form, independent of to_string(), to pin the parsed shape.
std::string sexpr(const Expr& e) {
  static const std::map<Kind, std::string> kNames = {
      {Kind::kEq, "=="},         {Kind::kNe, "!="},
      {Kind::kLt, "<"},          {Kind::kLe, "<="},
      {Kind::kGt, ">"},          {Kind::kGe, ">="},
      {Kind::kAnd, "and"},       {Kind::kOr, "or"},
      {Kind::kNot, "not"},       {Kind::kIn, "in"},
      {Kind::kAdd, "+"},         {Kind::kSub, "-"},
      {Kind::kMul, "*"},         {Kind::kDiv, "/"},
      {Kind::kIsNull, "isnull"}, {Kind::kIsNotNull, "notnull"}};
  if (e.kind == Kind::kField) return e.path;
  if (e.kind == Kind::kLiteral) {
    switch (e.literal.type) {
      case Value::Type::kNull:
        return "NULL";
      case Value::Type::kBool:
        return e.literal.b ? "T" : "F";
      case Value::Type::kInt:
        return std::to_string(e.literal.i);
      case Value::Type::kDouble:
        return "d" + std::to_string(e.literal.d);
      case Value::Type::kString:
        return "'" + e.text + "'";
    }
  }
  std::string out = "(" + kNames.at(e.kind);
  for (const auto& a : e.args) out += " " + sexpr(*a);
  return out + ")";
}

std::string parsed(std::string_view text) {
  auto r = parse_expression(text);
  if (!r.ok()) return "ERROR " + r.status().message();
  return sexpr(**r);
}

std::string parse_error(std::string_view text) {
  auto r = parse_expression(text);
  return r.ok() ? "parsed: " + sexpr(**r) : r.status().message();
}

TEST(ExpressionParser, FollowsPrecedenceAndLeftAssociativity) {
  EXPECT_EQ(parsed("a + b * c"), "(+ a (* b c))");
  EXPECT_EQ(parsed("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(parsed("a / b * c"), "(* (/ a b) c)");
  EXPECT_EQ(parsed("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(parsed("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(parsed("a and b or c and d"), "(or (and a b) (and c d))");
  EXPECT_EQ(parsed("a or b or c"), "(or (or a b) c)");
  EXPECT_EQ(parsed("not a and b"), "(and (not a) b)");
  EXPECT_EQ(parsed("not a == b"), "(not (== a b))");
  EXPECT_EQ(parsed("not not a"), "(not (not a))");
  EXPECT_EQ(parsed("a + b < c * d"), "(< (+ a b) (* c d))");
  EXPECT_EQ(parsed("-a * b"), "(* (- 0 a) b)");
  EXPECT_EQ(parsed("a - -5"), "(- a -5)");
  EXPECT_EQ(parsed("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(parsed("x.y in [1, -2, 3.5]"), "(in x.y 1 -2 d3.500000)");
  EXPECT_EQ(parsed("a + 1 is null or b is not null"), "(or (isnull (+ a 1)) (notnull b))");
  EXPECT_EQ(parsed("A AND b Or NOT c"), "(or (and A b) (not c))");
  EXPECT_EQ(parsed("x == true and y != null"), "(and (== x T) (!= y NULL))");
  EXPECT_EQ(parsed("1e3 + 2.5E-1"), "(+ d1000.000000 d0.250000)");
}

TEST(ExpressionParser, ReadsStringsInEitherQuoteWithEscapes) {
  EXPECT_EQ(parsed(R"(s == 'it\'s')"), "(== s 'it's')");
  EXPECT_EQ(parsed(R"(s == "say \"hi\"\n")"), "(== s 'say \"hi\"\n')");
  EXPECT_EQ(parsed(R"(s == 'a\\b\t\u00e9')"), "(== s 'a\\b\t\xc3\xa9')");
  EXPECT_EQ(parsed(R"(s in ["x", 'y'])"), "(in s 'x' 'y')");
}

TEST(ExpressionParser, ReportsTheColumnOfTheOffendingToken) {
  EXPECT_THAT(parse_error("price > "), HasSubstr("column 9: expected an operand"));
  EXPECT_THAT(parse_error("price > "), HasSubstr("but found end of input"));
  EXPECT_THAT(parse_error("a +* b"), HasSubstr("column 4: expected an operand"));
  EXPECT_THAT(parse_error("a +* b"), HasSubstr("but found '*'"));
  EXPECT_EQ(parse_error("a == b == c"),
            "column 8: expected an operator or end of input but found '=='");
  EXPECT_EQ(parse_error("x in 1"), "column 6: expected '[' but found '1'");
  EXPECT_EQ(parse_error("x in [1, 2"), "column 11: expected ',' or ']' but found end of input");
  EXPECT_EQ(parse_error("x in [a]"),
            "column 7: expected a literal (number, string, true, false or null) but found 'a'");
  EXPECT_EQ(parse_error("'abc"), "column 5: expected closing ' but found end of input");
  EXPECT_EQ(parse_error("(a"), "column 3: expected ')' but found end of input");
  EXPECT_EQ(parse_error("a ? b"), "column 3: expected an operand or an operator but found '?'");
  EXPECT_EQ(parse_error("x is nul"), "column 6: expected 'null' or 'not null' but found 'nul'");
  EXPECT_THAT(parse_error("a ==\n  == b"), HasSubstr("line 2, column 3: expected an operand"));
  EXPECT_EQ(parse_error("1.x"), "column 3: expected a digit after '.'");
  EXPECT_THAT(parse_error("s == 'a\\qb'"), HasSubstr("column 8: expected an escape"));
  EXPECT_THAT(parse_error("and"), HasSubstr("column 1: expected an operand"));
  EXPECT_THAT(parse_error("1e999"), HasSubstr("out of range"));
  EXPECT_THAT(parse_error(std::string(1000, '(') + "a" + std::string(1000, ')')),
              HasSubstr("nested too deeply"));
}

// --- a schema and rows for evaluation -------------------------------------------------------

Value eval_text(std::string_view text, const serde::Row& row) {
  auto e = parse_expression(text);
  EXPECT_TRUE(e.ok()) << e.status().message();
  auto c = CompiledExpr::compile(*e, *row.schema());
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? c->eval(row) : Value{};
}

std::string compile_error(std::string_view text) {
  auto schema = test_schema();
  auto e = parse_expression(text);
  if (!e.ok()) return "parse error: " + e.status().message();
  auto c = CompiledExpr::compile(*e, *schema);
  return c.ok() ? "compiled" : c.status().message();
}

TEST(CompiledExpr, RejectsIllTypedExpressionsNamingThem) {
  EXPECT_THAT(compile_error("s1 + 1"), HasSubstr("`s1 + 1`"));
  EXPECT_THAT(compile_error("s1 + 1"), HasSubstr("'+' needs numbers"));
  EXPECT_THAT(compile_error("i1 > 'x'"), HasSubstr("cannot compare int `i1` with string `'x'`"));
  EXPECT_THAT(compile_error("i1 > 'x'"), HasSubstr("(column 4)"));
  EXPECT_THAT(compile_error("b1 and i1"), HasSubstr("'and' needs bools"));
  EXPECT_THAT(compile_error("not s1"), HasSubstr("'not' needs a bool"));
  EXPECT_THAT(compile_error("b1 < n.b2"), HasSubstr("cannot compare bool"));
  EXPECT_THAT(compile_error("i1 in [1, 'a']"), HasSubstr("'in' list item `'a'` is string"));
  EXPECT_THAT(compile_error("i1 == null"), HasSubstr("use 'is null'"));
  EXPECT_THAT(compile_error("items == 1"), HasSubstr("'items' is a list"));
  EXPECT_THAT(compile_error("nope > 1"), HasSubstr("nope"));
  EXPECT_EQ(compile_error("items is not null and i1 in [1, 2.5]"), "compiled");
  EXPECT_EQ(compile_error("b1 == n.b2 and d1 >= i1"), "compiled");
}

TEST(CompiledExpr, FollowsNullAndDivisionRules) {
  auto schema = test_schema();
  serde::Row row(schema.get());
  row.set_int(0, 7);         // i1
  row.set_int(1, 0);         // i2
  row.set_string(4, "abc");  // s1
  // d1, d2, s2, b1, n.b2 absent
  EXPECT_EQ(eval_text("i1 / 2", row).d, 3.5);
  EXPECT_EQ(eval_text("i1 / 2", row).type, Value::Type::kDouble);
  EXPECT_EQ(eval_text("i1 * 3 - 1", row).i, 20);
  EXPECT_TRUE(eval_text("i1 / i2", row).is_null());
  EXPECT_TRUE(eval_text("d1 + 1", row).is_null());
  EXPECT_FALSE(eval_text("d1 > 1", row).b);
  EXPECT_FALSE(eval_text("d1 <= 1", row).b);
  EXPECT_FALSE(eval_text("d1 != 1", row).b);
  EXPECT_TRUE(eval_text("not (d1 > 1)", row).b);
  EXPECT_TRUE(eval_text("d1 is null and i1 is not null", row).b);
  EXPECT_TRUE(eval_text("i1 / i2 is null", row).b);
  EXPECT_TRUE(eval_text("s1 in ['x', 'abc'] and s1 > 'ab'", row).b);
  EXPECT_FALSE(eval_text("s2 in ['x', 'abc']", row).b);
  EXPECT_TRUE(eval_text("i1 == 7.0 and i1 in [7.0]", row).b);
  EXPECT_EQ(eval_text("s1", row).s, "abc");
  EXPECT_TRUE(eval_text("items is null", row).b);
}

}  // namespace
}  // namespace sluice::ops
