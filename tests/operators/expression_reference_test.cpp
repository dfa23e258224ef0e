// The expression language's compile/eval checked against a plain recursive interpreter
// (written here, from the rules) on random trees and rows, and printing checked by re-parsing.
#include <gtest/gtest.h>

#include <bit>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "operators/expression.h"
#include "operators/expression_support.h"
#include "serde/row.h"

namespace sluice::test_alloc {  // defined in expression_test.cpp
void start();
size_t stop();
bool supported();
}  // namespace sluice::test_alloc

namespace sluice::ops {
namespace {

using Kind = Expr::Kind;

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
