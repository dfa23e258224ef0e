// The tokenizer of the expression language, with the error helpers the parser shares.
// Internal to operators/ (used by expression_parser.cpp only).
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sluice::ops::detail {

// Thrown inside the parser only; parse_expression() turns it into a Status.
struct ParseError {
  std::string message;
};

struct Token {
  enum class Type : uint8_t { kEnd, kNumber, kString, kWord, kSymbol };
  Type type = Type::kEnd;
  std::string_view text;  // as written (strings with their quotes)
  std::string value;      // kString: the unescaped contents
  int line = 1;
  int column = 1;
};

inline bool is_word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
inline bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline bool keyword_eq(std::string_view word, std::string_view kw) {
  if (word.size() != kw.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(word[i])) != kw[i]) return false;
  }
  return true;
}

inline bool is_keyword(std::string_view w) {
  for (const char* kw : {"and", "or", "not", "in", "is", "null", "true", "false"}) {
    if (keyword_eq(w, kw)) return true;
  }
  return false;
}

inline void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) { advance(); }
  Token& token() { return tok_; }
  const Token& token() const { return tok_; }

  [[noreturn]] static void fail_at(int line, int column, const std::string& msg) {
    std::string where = line > 1 ? fmt::format("line {}, column {}", line, column)
                                 : fmt::format("column {}", column);
    throw ParseError{where + ": " + msg};
  }
  // "column N: expected <expected> but found <t>".
  [[noreturn]] static void fail(const Token& t, std::string_view expected) {
    std::string found = t.type == Token::Type::kEnd ? "end of input" : fmt::format("'{}'", t.text);
    fail_at(t.line, t.column, fmt::format("expected {} but found {}", expected, found));
  }

  // Reads the next token into token().
  void advance() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) step();
    tok_ = Token{};
    tok_.line = line_;
    tok_.column = static_cast<int>(pos_ - line_start_) + 1;
    const size_t start = pos_;
    if (pos_ >= text_.size()) return;
    const char c = text_[pos_];
    if (is_digit(c)) {
      lex_number();
    } else if (c == '\'' || c == '"') {
      lex_string(c);
    } else if (is_word_start(c)) {
      tok_.type = Token::Type::kWord;
      for (;;) {
        while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
        if (pos_ + 1 < text_.size() && text_[pos_] == '.' && is_word_start(text_[pos_ + 1])) {
          ++pos_;  // a dotted path is one token: "product_info.price"
          continue;
        }
        break;
      }
    } else {
      tok_.type = Token::Type::kSymbol;
      const std::string_view two = text_.substr(pos_, 2);
      if (two == "==" || two == "!=" || two == "<=" || two == ">=") {
        pos_ += 2;
      } else if (std::strchr("<>+-*/()[],", c) != nullptr) {
        ++pos_;
      } else {
        tok_.text = text_.substr(pos_, 1);
        fail(tok_, "an operand or an operator");
      }
    }
    tok_.text = text_.substr(start, pos_ - start);
  }

 private:
  void step() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  void lex_number() {
    tok_.type = Token::Type::kNumber;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (pos_ >= text_.size() || !is_digit(text_[pos_])) {
        fail_at(line_, static_cast<int>(pos_ - line_start_) + 1, "expected a digit after '.'");
      }
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (pos_ >= text_.size() || !is_digit(text_[pos_])) {
        fail_at(line_, static_cast<int>(pos_ - line_start_) + 1, "expected an exponent");
      }
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && is_word_char(text_[pos_])) {
      fail_at(line_, static_cast<int>(pos_ - line_start_) + 1,
              fmt::format("expected an operator after a number but found '{}'", text_[pos_]));
    }
  }

  void lex_string(char quote) {
    tok_.type = Token::Type::kString;
    step();
    for (;;) {
      if (pos_ >= text_.size()) {
        fail_at(line_, static_cast<int>(pos_ - line_start_) + 1,
                fmt::format("expected closing {} but found end of input", quote));
      }
      const char c = text_[pos_];
      if (c == quote) {
        step();
        return;
      }
      if (c != '\\') {
        tok_.value += c;
        step();
        continue;
      }
      const int col = static_cast<int>(pos_ - line_start_) + 1;
      step();
      const char e = pos_ < text_.size() ? text_[pos_] : '\0';
      // A view with its explicit size: the meanings include a NUL.
      static constexpr std::string_view kEscapes = "ntr0\\'\"/";
      static constexpr std::string_view kMeanings("\n\t\r\0\\'\"/", 8);
      if (const size_t k = kEscapes.find(e); e != '\0' && k != std::string_view::npos) {
        tok_.value += kMeanings[k];
      } else if (e == 'u') {
        uint32_t cp = 0;
        auto r = std::from_chars(text_.data() + pos_ + 1,
                                 text_.data() + std::min(text_.size(), pos_ + 5), cp, 16);
        if (r.ptr != text_.data() + pos_ + 5) {
          fail_at(line_, col, "expected four hex digits after \\u");
        }
        append_utf8(tok_.value, cp);
        pos_ += 4;
      } else {
        fail_at(line_, col,
                fmt::format("expected an escape (\\n \\t \\r \\0 \\\\ \\' \\\" \\/ \\uXXXX) "
                            "but found '\\{}'",
                            e == '\0' ? std::string() : std::string(1, e)));
      }
      step();
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  int line_ = 1;
  Token tok_;
};

}  // namespace sluice::ops::detail
