// The textual form of expressions: a recursive-descent parser for the grammar in expression.h
// and the printer that is its inverse. Parsing happens at build time, so it reports errors by
// throwing internally (one catch turns them into a Result) rather than threading Results.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

#include "operators/detail/expr_lexer.h"
#include "operators/detail/expr_syntax.h"
#include "operators/expression.h"

namespace sluice::ops {

namespace {

using Kind = Expr::Kind;

// Deeper nesting is rejected before it can exhaust the parser's native stack.
constexpr int kMaxDepth = 256;

using detail::is_keyword;
using detail::keyword_eq;
using detail::Lexer;
using detail::Token;

class Parser {
 public:
  explicit Parser(std::string_view text) : lex_(text), tok_(lex_.token()) {}

  ExprPtr parse() {
    ExprPtr e = parse_or(0);
    if (tok_.type != Token::Type::kEnd) fail(tok_, "an operator or end of input");
    return e;
  }

 private:
  bool at_symbol(std::string_view s) const {
    return tok_.type == Token::Type::kSymbol && tok_.text == s;
  }
  bool at_keyword(std::string_view kw) const {
    return tok_.type == Token::Type::kWord && keyword_eq(tok_.text, kw);
  }
  void expect_symbol(std::string_view s) {
    if (!at_symbol(s)) fail(tok_, fmt::format("'{}'", s));
    advance();
  }

  static std::shared_ptr<Expr> node(Kind kind, const Token& at) {
    auto e = std::make_shared<Expr>();
    e->kind = kind;
    e->line = at.line;
    e->column = at.column;
    return e;
  }
  static ExprPtr bin(Kind kind, const Token& at, ExprPtr a, ExprPtr b) {
    auto e = node(kind, at);
    e->args = {std::move(a), std::move(b)};
    return e;
  }
  void enter(int depth) {
    if (depth > kMaxDepth) fail_at(tok_.line, tok_.column, "expression nested too deeply");
  }

  // --- grammar, lowest precedence first ---
  ExprPtr parse_or(int depth) {
    enter(depth);
    ExprPtr e = parse_and(depth);
    while (at_keyword("or")) {
      Token op = tok_;
      advance();
      e = bin(Kind::kOr, op, e, parse_and(depth));
    }
    return e;
  }

  ExprPtr parse_and(int depth) {
    ExprPtr e = parse_not(depth);
    while (at_keyword("and")) {
      Token op = tok_;
      advance();
      e = bin(Kind::kAnd, op, e, parse_not(depth));
    }
    return e;
  }

  ExprPtr parse_not(int depth) {
    if (!at_keyword("not")) return parse_cmp(depth);
    enter(depth + 1);
    auto e = node(Kind::kNot, tok_);
    advance();
    e->args = {parse_not(depth + 1)};
    return e;
  }

  ExprPtr parse_cmp(int depth) {
    ExprPtr left = parse_sum(depth);
    static constexpr std::pair<std::string_view, Kind> kOps[] = {
        {"==", Kind::kEq}, {"!=", Kind::kNe}, {"<", Kind::kLt},
        {"<=", Kind::kLe}, {">", Kind::kGt},  {">=", Kind::kGe}};
    for (const auto& [sym, kind] : kOps) {
      if (at_symbol(sym)) {
        Token op = tok_;
        advance();
        return bin(kind, op, left, parse_sum(depth));
      }
    }
    if (at_keyword("in")) {
      auto e = node(Kind::kIn, tok_);
      advance();
      expect_symbol("[");
      e->args.push_back(left);
      for (;;) {
        e->args.push_back(parse_literal());
        if (at_symbol("]")) break;
        if (!at_symbol(",")) fail(tok_, "',' or ']'");
        advance();
      }
      advance();
      return e;
    }
    if (at_keyword("is")) {
      Token op = tok_;
      advance();
      bool negated = false;
      if (at_keyword("not")) {
        negated = true;
        advance();
      }
      if (!at_keyword("null")) fail(tok_, negated ? "'null'" : "'null' or 'not null'");
      advance();
      auto e = node(negated ? Kind::kIsNotNull : Kind::kIsNull, op);
      e->args = {left};
      return e;
    }
    return left;
  }

  ExprPtr parse_sum(int depth) {
    ExprPtr e = parse_prod(depth);
    while (at_symbol("+") || at_symbol("-")) {
      Token op = tok_;
      advance();
      e = bin(op.text == "+" ? Kind::kAdd : Kind::kSub, op, e, parse_prod(depth));
    }
    return e;
  }

  ExprPtr parse_prod(int depth) {
    ExprPtr e = parse_unary(depth);
    while (at_symbol("*") || at_symbol("/")) {
      Token op = tok_;
      advance();
      e = bin(op.text == "*" ? Kind::kMul : Kind::kDiv, op, e, parse_unary(depth));
    }
    return e;
  }

  ExprPtr parse_unary(int depth) {
    if (!at_symbol("-")) return parse_atom(depth);
    enter(depth + 1);
    Token op = tok_;
    advance();
    if (tok_.type == Token::Type::kNumber) {
      // Folded into the literal, which also makes -9223372036854775808 expressible.
      Token num = tok_;
      advance();
      return number(num, op, true);
    }
    ExprPtr operand = parse_unary(depth + 1);
    if (operand->kind == Kind::kLiteral && operand->literal.type == Value::Type::kInt &&
        operand->literal.i != INT64_MIN) {
      return negated_literal(*operand, op);
    }
    if (operand->kind == Kind::kLiteral && operand->literal.type == Value::Type::kDouble) {
      return negated_literal(*operand, op);
    }
    // No unary node in the AST: -x is 0 - x.
    auto zero = node(Kind::kLiteral, op);
    zero->literal.type = Value::Type::kInt;
    return bin(Kind::kSub, op, zero, operand);
  }

  static ExprPtr negated_literal(const Expr& lit, const Token& at) {
    auto e = node(Kind::kLiteral, at);
    e->literal = lit.literal;
    if (lit.literal.type == Value::Type::kInt) {
      e->literal.i = -lit.literal.i;
    } else {
      e->literal.d = -lit.literal.d;
    }
    return e;
  }

  ExprPtr number(const Token& num, const Token& at, bool negative) {
    char buf[400];
    if (num.text.size() + 1 >= sizeof buf) fail(num, "a shorter number");
    size_t n = 0;
    if (negative) buf[n++] = '-';
    std::memcpy(buf + n, num.text.data(), num.text.size());
    n += num.text.size();
    auto e = node(Kind::kLiteral, at);
    const bool integral = num.text.find_first_of(".eE") == std::string_view::npos;
    if (integral) {
      int64_t v = 0;
      auto r = std::from_chars(buf, buf + n, v);
      if (r.ec == std::errc() && r.ptr == buf + n) {
        e->literal.type = Value::Type::kInt;
        e->literal.i = v;
        return e;
      }
    }
    double d = 0;
    auto r = std::from_chars(buf, buf + n, d);
    if (r.ec != std::errc() || r.ptr != buf + n || !std::isfinite(d)) {
      fail_at(num.line, num.column, fmt::format("number '{}' is out of range", num.text));
    }
    e->literal.type = Value::Type::kDouble;
    e->literal.d = d;
    return e;
  }

  // A literal inside an `in` list: number (optionally negative), string, true, false, null.
  ExprPtr parse_literal() {
    Token t = tok_;
    if (at_symbol("-")) {
      advance();
      if (tok_.type != Token::Type::kNumber) fail(tok_, "a number");
      Token num = tok_;
      advance();
      return number(num, t, true);
    }
    if (t.type == Token::Type::kNumber || t.type == Token::Type::kString || at_keyword("true") ||
        at_keyword("false") || at_keyword("null")) {
      return parse_atom(0);
    }
    fail(t, "a literal (number, string, true, false or null)");
  }

  ExprPtr parse_atom(int depth) {
    Token t = tok_;
    switch (t.type) {
      case Token::Type::kNumber:
        advance();
        return number(t, t, false);
      case Token::Type::kString: {
        auto e = node(Kind::kLiteral, t);
        e->text = std::move(lex_.token().value);
        e->literal.type = Value::Type::kString;
        e->literal.s = e->text;
        advance();
        return e;
      }
      case Token::Type::kWord: {
        auto e = node(Kind::kLiteral, t);
        if (keyword_eq(t.text, "true") || keyword_eq(t.text, "false")) {
          e->literal.type = Value::Type::kBool;
          e->literal.b = keyword_eq(t.text, "true");
        } else if (keyword_eq(t.text, "null")) {
          e->literal.type = Value::Type::kNull;
        } else if (is_keyword(t.text)) {
          fail(t, "an operand");
        } else {
          e->kind = Kind::kField;
          e->path = std::string(t.text);
        }
        advance();
        return e;
      }
      case Token::Type::kSymbol:
        if (at_symbol("(")) {
          advance();
          ExprPtr e = parse_or(depth + 1);
          expect_symbol(")");
          return e;
        }
        break;
      case Token::Type::kEnd:
        break;
    }
    fail(t, "an operand (number, string, field, true, false, null or '(')");
  }

  void advance() { lex_.advance(); }
  [[noreturn]] static void fail(const Token& t, std::string_view expected) {
    Lexer::fail(t, expected);
  }
  [[noreturn]] static void fail_at(int line, int column, const std::string& msg) {
    Lexer::fail_at(line, column, msg);
  }

  Lexer lex_;
  const Token& tok_;  // the lexer's current token
};

// --- printer ---

int precedence(const Expr& e) { return detail::syntax(e.kind).precedence; }

void print_literal(const Expr& e, std::string& out) {
  const Value& v = e.literal;
  switch (v.type) {
    case Value::Type::kNull:
      out += "null";
      return;
    case Value::Type::kBool:
      out += v.b ? "true" : "false";
      return;
    case Value::Type::kInt:
      out += std::to_string(v.i);
      return;
    case Value::Type::kDouble: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v.d);
      std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
      out += s;
      // Keep it a double when parsed back: "2" would be an int.
      if (std::isfinite(v.d) && s.find_first_of(".e") == std::string_view::npos) out += ".0";
      return;
    }
    case Value::Type::kString:
      out += '\'';
      for (char c : e.text) {
        switch (c) {
          case '\\':
            out += "\\\\";
            break;
          case '\'':
            out += "\\'";
            break;
          case '\n':
            out += "\\n";
            break;
          case '\t':
            out += "\\t";
            break;
          case '\r':
            out += "\\r";
            break;
          case '\0':
            out += "\\0";
            break;
          default:
            out += c;
        }
      }
      out += '\'';
      return;
  }
}

void print(const Expr& e, std::string& out);

void print_operand(const ExprPtr& child, bool parens, std::string& out) {
  if (!child) {
    out += "?";
    return;
  }
  if (parens) out += '(';
  print(*child, out);
  if (parens) out += ')';
}

void print(const Expr& e, std::string& out) {
  const int p = precedence(e);
  auto arg = [&](size_t i) { return i < e.args.size() ? e.args[i] : nullptr; };
  auto prec = [&](size_t i) { return arg(i) ? precedence(*arg(i)) : 7; };
  switch (e.kind) {
    case Kind::kField:
      out += e.path;
      return;
    case Kind::kLiteral:
      print_literal(e, out);
      return;
    case Kind::kNot:
      out += "not ";
      print_operand(arg(0), prec(0) < p, out);
      return;
    case Kind::kIsNull:
    case Kind::kIsNotNull:
      print_operand(arg(0), prec(0) <= p, out);
      out += ' ';
      out += detail::syntax(e.kind).symbol;
      return;
    case Kind::kIn:
      print_operand(arg(0), prec(0) <= p, out);
      out += " in [";
      for (size_t i = 1; i < e.args.size(); ++i) {
        if (i > 1) out += ", ";
        print_operand(arg(i), false, out);
      }
      out += ']';
      return;
    default:
      // Left-associative binary operators; comparisons do not chain at all.
      print_operand(arg(0), prec(0) < p || (p == 4 && prec(0) == 4), out);
      out += ' ';
      out += detail::syntax(e.kind).symbol;
      out += ' ';
      print_operand(arg(1), prec(1) <= p, out);
      return;
  }
}

}  // namespace

std::string to_string(const Expr& e) {
  std::string out;
  print(e, out);
  return out;
}

Result<ExprPtr> parse_expression(std::string_view text) {
  try {
    return Parser(text).parse();
  } catch (const detail::ParseError& e) {
    return Status::InvalidArgument(e.message);
  }
}

}  // namespace sluice::ops
