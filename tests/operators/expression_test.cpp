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

serde::SchemaPtr test_schema() {
  auto element = serde::Schema::Builder("Item").add("sku", serde::FieldType::kString).build();
  return serde::Schema::Builder("T")
      .add("i1", serde::FieldType::kInt64)
      .add("i2", serde::FieldType::kInt64)
      .add("d1", serde::FieldType::kDouble)
      .add("d2", serde::FieldType::kDouble)
      .add("s1", serde::FieldType::kString)
      .add("s2", serde::FieldType::kString)
      .add("b1", serde::FieldType::kBool)
      .add("n.b2", serde::FieldType::kBool)
      .add("items", serde::FieldType::kList, element)
      .build();
}

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

// --- a reference interpreter, written from the rules, for random trees ----------------------

enum class T { kNull, kBool, kInt, kDouble, kString, kList, kError };

struct RV {
  T t = T::kNull;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
};

const std::map<std::string, T> kFieldTypes = {
    {"i1", T::kInt},    {"i2", T::kInt},    {"d1", T::kDouble},
    {"d2", T::kDouble}, {"s1", T::kString}, {"s2", T::kString},
    {"b1", T::kBool},   {"n.b2", T::kBool}, {"items", T::kList}};

struct TestRow {
  std::map<std::string, RV> fields;  // present scalar fields
  bool has_items = false;
};

bool num(T t) { return t == T::kInt || t == T::kDouble; }
bool is_cmp(Kind k) { return k >= Kind::kEq && k <= Kind::kGe; }
bool is_arith(Kind k) { return k >= Kind::kAdd && k <= Kind::kDiv; }

T literal_type(const Value& v) {
  switch (v.type) {
    case Value::Type::kNull:
      return T::kNull;
    case Value::Type::kBool:
      return T::kBool;
    case Value::Type::kInt:
      return T::kInt;
    case Value::Type::kDouble:
      return T::kDouble;
    case Value::Type::kString:
      return T::kString;
  }
  return T::kError;
}

T ref_type(const Expr& e) {
  auto arg = [&](size_t i) { return ref_type(*e.args[i]); };
  if (e.kind == Kind::kField) {
    auto it = kFieldTypes.find(e.path);
    return it == kFieldTypes.end() ? T::kError : it->second;
  }
  if (e.kind == Kind::kLiteral) return literal_type(e.literal);
  if (e.kind == Kind::kIsNull || e.kind == Kind::kIsNotNull) {
    T a = arg(0);
    return a == T::kError || (a == T::kList && e.args[0]->kind != Kind::kField) ? T::kError
                                                                                : T::kBool;
  }
  if (e.kind == Kind::kNot) return arg(0) == T::kBool ? T::kBool : T::kError;
  if (e.kind == Kind::kIn) {
    T a = arg(0);
    if (a == T::kError || a == T::kList || a == T::kNull) return T::kError;
    for (size_t i = 1; i < e.args.size(); ++i) {
      if (e.args[i]->kind != Kind::kLiteral) return T::kError;
      T t = arg(i);
      if (!(num(a) && num(t)) && a != t) return T::kError;
    }
    return T::kBool;
  }
  T a = arg(0), b = arg(1);
  auto bad = [](T t) { return t == T::kError || t == T::kList || t == T::kNull; };
  if (bad(a) || bad(b)) return T::kError;
  if (e.kind == Kind::kAnd || e.kind == Kind::kOr) {
    return a == T::kBool && b == T::kBool ? T::kBool : T::kError;
  }
  if (is_arith(e.kind)) {
    if (!num(a) || !num(b)) return T::kError;
    if (e.kind == Kind::kDiv) return T::kDouble;
    return a == T::kInt && b == T::kInt ? T::kInt : T::kDouble;
  }
  const bool equality = e.kind == Kind::kEq || e.kind == Kind::kNe;
  if ((num(a) && num(b)) || (a == T::kString && b == T::kString) ||
      (equality && a == T::kBool && b == T::kBool)) {
    return T::kBool;
  }
  return T::kError;
}

RV rbool(bool b) { return RV{T::kBool, b}; }
bool truthy(const RV& v) { return v.t == T::kBool ? v.b : v.t != T::kNull; }
double dbl(const RV& v) { return v.t == T::kInt ? static_cast<double>(v.i) : v.d; }

bool ref_compare(Kind k, const RV& a, const RV& b) {
  if (a.t == T::kNull || b.t == T::kNull) return false;
  int c;  // -1, 0, 1, or 2 for unordered (NaN)
  if (a.t == T::kInt && b.t == T::kInt) {
    c = a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  } else if (num(a.t)) {
    const double x = dbl(a), y = dbl(b);
    c = x < y ? -1 : x > y ? 1 : x == y ? 0 : 2;
  } else if (a.t == T::kString) {
    c = a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
  } else {
    c = a.b == b.b ? 0 : 1;
  }
  switch (k) {
    case Kind::kEq:
      return c == 0;
    case Kind::kNe:
      return c != 0;
    case Kind::kLt:
      return c == -1;
    case Kind::kLe:
      return c == -1 || c == 0;
    case Kind::kGt:
      return c == 1;
    default:
      return c == 1 || c == 0;
  }
}

RV ref_eval(const Expr& e, const TestRow& row) {
  auto arg = [&](size_t i) { return ref_eval(*e.args[i], row); };
  switch (e.kind) {
    case Kind::kField: {
      auto it = row.fields.find(e.path);
      return it == row.fields.end() ? RV{} : it->second;
    }
    case Kind::kLiteral: {
      RV v{literal_type(e.literal), e.literal.b, e.literal.i, e.literal.d, e.text};
      return v;
    }
    case Kind::kIsNull:
    case Kind::kIsNotNull: {
      bool present = e.args[0]->kind == Kind::kField && e.args[0]->path == "items"
                         ? row.has_items
                         : arg(0).t != T::kNull;
      return rbool(present == (e.kind == Kind::kIsNotNull));
    }
    case Kind::kNot:
      return rbool(!truthy(arg(0)));
    case Kind::kAnd:
      return rbool(truthy(arg(0)) && truthy(arg(1)));
    case Kind::kOr:
      return rbool(truthy(arg(0)) || truthy(arg(1)));
    case Kind::kIn: {
      RV a = arg(0);
      for (size_t i = 1; i < e.args.size(); ++i) {
        if (ref_compare(Kind::kEq, a, arg(i))) return rbool(true);
      }
      return rbool(false);
    }
    default:
      break;
  }
  RV a = arg(0), b = arg(1);
  if (is_cmp(e.kind)) return rbool(ref_compare(e.kind, a, b));
  if (a.t == T::kNull || b.t == T::kNull) return RV{};
  if (e.kind == Kind::kDiv) {
    if (dbl(b) == 0) return RV{};
    return RV{T::kDouble, false, 0, dbl(a) / dbl(b)};
  }
  if (a.t == T::kInt && b.t == T::kInt) {
    const uint64_t x = static_cast<uint64_t>(a.i), y = static_cast<uint64_t>(b.i);
    const uint64_t r = e.kind == Kind::kAdd ? x + y : e.kind == Kind::kSub ? x - y : x * y;
    return RV{T::kInt, false, static_cast<int64_t>(r)};
  }
  const double x = dbl(a), y = dbl(b);
  return RV{T::kDouble, false, 0,
            e.kind == Kind::kAdd   ? x + y
            : e.kind == Kind::kSub ? x - y
                                   : x * y};
}

// --- random trees and rows --------------------------------------------------------------------

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  ExprPtr literal(T t) {
    static const double kDoubles[] = {-2.5, -1.0, 0.0, 0.5, 1.0, 2.0, 3.25};
    static const char* kStrings[] = {"", "a", "b", "ab", "b'a"};
    switch (t) {
      case T::kBool:
        return lit(chance(0.5));
      case T::kInt:
        // Now and then 2^53 or 2^53 + 1, which only integer comparison tells apart.
        if (chance(0.15)) return lit(int64_t{1} << 53 | pick(2));
        return lit(static_cast<int64_t>(pick(9) - 4));
      case T::kDouble:
        return lit(kDoubles[pick(7)]);
      case T::kString:
        return lit_str(kStrings[pick(5)]);
      default: {
        auto e = std::make_shared<Expr>();  // the null literal
        return e;
      }
    }
  }

  ExprPtr field_of(T t) {
    std::vector<std::string> names;
    for (const auto& [name, type] : kFieldTypes) {
      if (type == t) names.push_back(name);
    }
    return field(names[pick(static_cast<int>(names.size()))]);
  }

  T scalar() { return static_cast<T>(1 + pick(4)); }  // bool, int, double, string
  T number() { return chance(0.5) ? T::kInt : T::kDouble; }

  // A well-typed tree of type t.
  ExprPtr typed(T t, int depth) {
    if (depth == 0 || chance(0.25)) return chance(0.6) ? field_of(t) : literal(t);
    switch (t) {
      case T::kBool: {
        switch (pick(7)) {
          case 0: {
            static const Kind kCmp[] = {Kind::kEq, Kind::kNe, Kind::kLt,
                                        Kind::kLe, Kind::kGt, Kind::kGe};
            const int family = pick(3);
            Kind k = kCmp[family == 2 ? pick(2) : pick(6)];
            T a = family == 0 ? number() : family == 1 ? T::kString : T::kBool;
            T b = family == 0 ? number() : a;
            return binary(k, typed(a, depth - 1), typed(b, depth - 1));
          }
          case 1:
            return and_(typed(T::kBool, depth - 1), typed(T::kBool, depth - 1));
          case 2:
            return or_(typed(T::kBool, depth - 1), typed(T::kBool, depth - 1));
          case 3:
            return not_(typed(T::kBool, depth - 1));
          case 4: {
            T a = chance(0.5) ? number() : T::kString;
            std::vector<ExprPtr> items;
            for (int i = 0, n = 1 + pick(3); i < n; ++i) {
              items.push_back(literal(a == T::kString ? T::kString : number()));
            }
            return in(typed(a, depth - 1), std::move(items));
          }
          case 5:
            return is_null(chance(0.2) ? field("items") : typed(scalar(), depth - 1));
          default:
            return is_not_null(typed(scalar(), depth - 1));
        }
      }
      case T::kInt: {
        static const Kind kOps[] = {Kind::kAdd, Kind::kSub, Kind::kMul};
        if (chance(0.15)) return binary(Kind::kSub, lit(int64_t{0}), typed(T::kInt, depth - 1));
        return binary(kOps[pick(3)], typed(T::kInt, depth - 1), typed(T::kInt, depth - 1));
      }
      case T::kDouble: {
        static const Kind kOps[] = {Kind::kAdd, Kind::kSub, Kind::kMul, Kind::kDiv};
        Kind k = kOps[pick(4)];
        if (k == Kind::kDiv)
          return binary(k, typed(number(), depth - 1), typed(number(), depth - 1));
        const bool left_double = chance(0.5);
        return binary(k, typed(left_double ? T::kDouble : number(), depth - 1),
                      typed(left_double ? number() : T::kDouble, depth - 1));
      }
      default:
        return chance(0.6) ? field_of(t) : literal(t);
    }
  }

  // Any tree at all, well-typed or not (leaves may name unknown or list fields).
  ExprPtr any(int depth, bool literal_items = true) {
    if (depth == 0 || chance(0.2)) {
      const int r = pick(10);
      if (r == 0) return field("zz");
      if (r == 1) return field("items");
      if (r == 2) return literal(T::kNull);
      return chance(0.5) ? field_of(scalar()) : literal(scalar());
    }
    const Kind k = static_cast<Kind>(2 + pick(16));  // every operator kind
    auto sub = [&] {
      return chance(0.3) ? typed(scalar(), depth - 1) : any(depth - 1, literal_items);
    };
    switch (k) {
      case Kind::kNot:
        return not_(sub());
      case Kind::kIsNull:
        return is_null(sub());
      case Kind::kIsNotNull:
        return is_not_null(sub());
      case Kind::kIn: {
        std::vector<ExprPtr> items;
        for (int i = 0, n = 1 + pick(3); i < n; ++i) {
          items.push_back(!literal_items && chance(0.1)
                              ? field_of(scalar())
                              : literal(chance(0.1) ? T::kNull : scalar()));
        }
        return in(sub(), std::move(items));
      }
      default:
        return binary(k, sub(), sub());
    }
  }

  TestRow row() {
    TestRow r;
    for (const auto& [name, type] : kFieldTypes) {
      if (type == T::kList) {
        r.has_items = chance(0.5);
        continue;
      }
      if (!chance(0.8)) continue;
      ExprPtr v = literal(type);
      r.fields[name] = RV{type, v->literal.b, v->literal.i, v->literal.d, v->text};
    }
    return r;
  }

 private:
  std::mt19937_64 rng_;
};

serde::Row to_row(const TestRow& r, const serde::SchemaPtr& schema) {
  serde::Row row(schema.get());
  for (const auto& [name, v] : r.fields) {
    const uint32_t slot = *schema->find(name);
    switch (v.t) {
      case T::kBool:
        row.set_bool(slot, v.b);
        break;
      case T::kInt:
        row.set_int(slot, v.i);
        break;
      case T::kDouble:
        row.set_double(slot, v.d);
        break;
      case T::kString:
        row.set_string(slot, v.s);
        break;
      default:
        break;
    }
  }
  if (r.has_items) row.add_list_element(*schema->find("items")).set_string(0, "sku-1");
  return row;
}

bool same_value(const Value& v, const RV& r) {
  switch (v.type) {
    case Value::Type::kNull:
      return r.t == T::kNull;
    case Value::Type::kBool:
      return r.t == T::kBool && v.b == r.b;
    case Value::Type::kInt:
      return r.t == T::kInt && v.i == r.i;
    case Value::Type::kDouble:
      return r.t == T::kDouble && std::bit_cast<uint64_t>(v.d) == std::bit_cast<uint64_t>(r.d);
    case Value::Type::kString:
      return r.t == T::kString && v.s == r.s;
  }
  return false;
}

ExprType expr_type(T t) {
  switch (t) {
    case T::kBool:
      return ExprType::kBool;
    case T::kInt:
      return ExprType::kInt;
    case T::kDouble:
      return ExprType::kDouble;
    case T::kString:
      return ExprType::kString;
    default:
      return ExprType::kNull;
  }
}

bool same_tree(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.path != b.path || a.args.size() != b.args.size()) return false;
  if (a.kind == Kind::kLiteral) {
    if (a.literal.type != b.literal.type || a.literal.b != b.literal.b ||
        a.literal.i != b.literal.i || a.text != b.text ||
        std::bit_cast<uint64_t>(a.literal.d) != std::bit_cast<uint64_t>(b.literal.d)) {
      return false;
    }
  }
  for (size_t i = 0; i < a.args.size(); ++i) {
    if (!same_tree(*a.args[i], *b.args[i])) return false;
  }
  return true;
}

TEST(CompiledExpr, MatchesAReferenceInterpreterOnRandomTreesAndRows) {
  auto schema = test_schema();
  Gen gen(20240601);
  std::vector<TestRow> rows;
  std::vector<serde::Row> decoded;
  for (int i = 0; i < 200; ++i) {
    rows.push_back(gen.row());
    decoded.push_back(to_row(rows.back(), schema));
  }
  int evaluated = 0;
  for (int n = 0; n < 3000; ++n) {
    const T want = static_cast<T>(1 + n % 4);
    ExprPtr e = gen.typed(want, 1 + n % 6);
    ASSERT_EQ(ref_type(*e), want) << to_string(*e);
    auto c = CompiledExpr::compile(e, *schema);
    ASSERT_TRUE(c.ok()) << to_string(*e) << ": " << c.status().message();
    ASSERT_EQ(c->type(), expr_type(want)) << to_string(*e);
    for (size_t r = n % 10; r < rows.size(); r += 10, ++evaluated) {
      const Value v = c->eval(decoded[r]);
      const RV expected = ref_eval(*e, rows[r]);
      ASSERT_TRUE(same_value(v, expected))
          << to_string(*e) << " on " << decoded[r].debug_string() << ": expected type "
          << static_cast<int>(expected.t) << " i=" << expected.i << " d=" << expected.d
          << " b=" << expected.b << ", got type " << static_cast<int>(v.type) << " i=" << v.i
          << " d=" << v.d << " b=" << v.b;
    }
  }
  EXPECT_EQ(evaluated, 3000 * 20);
}

TEST(CompiledExpr, AcceptsExactlyTheTreesTheTypeRulesAllow) {
  auto schema = test_schema();
  Gen gen(77);
  std::vector<TestRow> rows;
  for (int i = 0; i < 20; ++i) rows.push_back(gen.row());
  int accepted = 0, rejected = 0;
  for (int n = 0; n < 5000; ++n) {
    ExprPtr e = gen.any(1 + n % 4, /*literal_items=*/false);
    T want = ref_type(*e);
    if (want == T::kList) want = T::kError;  // a bare list field is no value
    auto c = CompiledExpr::compile(e, *schema);
    ASSERT_EQ(c.ok(), want != T::kError) << to_string(*e) << ": " << c.status().message();
    if (!c.ok()) {
      ++rejected;
      continue;
    }
    ++accepted;
    ASSERT_EQ(c->type(), expr_type(want)) << to_string(*e);
    for (const auto& r : rows) {
      ASSERT_TRUE(same_value(c->eval(to_row(r, schema)), ref_eval(*e, r))) << to_string(*e);
    }
  }
  // Both outcomes must be well represented for the comparison to mean anything.
  EXPECT_GT(accepted, 500);
  EXPECT_GT(rejected, 500);
}

TEST(ExpressionText, PrintsTreesThatParseBackToTheSameTree) {
  Gen gen(5);
  for (int n = 0; n < 5000; ++n) {
    ExprPtr e = n % 2 ? gen.any(1 + n % 5) : gen.typed(static_cast<T>(1 + n % 4), 1 + n % 6);
    const std::string text = to_string(*e);
    auto back = parse_expression(text);
    ASSERT_TRUE(back.ok()) << text << ": " << back.status().message();
    ASSERT_TRUE(same_tree(*e, **back)) << text << " came back as " << to_string(**back);
  }
}

TEST(CompiledExpr, EvaluationDoesNotAllocate) {
  auto schema = test_schema();
  Gen gen(11);
  std::vector<CompiledExpr> compiled;
  for (int n = 0; n < 200; ++n) {
    compiled.push_back(*CompiledExpr::compile(gen.typed(static_cast<T>(1 + n % 4), 5), *schema));
  }
  std::vector<serde::Row> rows;
  for (int i = 0; i < 50; ++i) rows.push_back(to_row(gen.row(), schema));
  size_t truthy = 0;
  test_alloc::start();
  for (const auto& c : compiled) {
    for (const auto& r : rows) truthy += c.eval(r).truthy();
  }
  const size_t allocations = test_alloc::stop();
  if (test_alloc::supported()) {
    EXPECT_EQ(allocations, 0u);
  }
  EXPECT_GT(truthy, 0u);
}

}  // namespace
}  // namespace sluice::ops
