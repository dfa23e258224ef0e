// Facts about each Expr::Kind shared by the parser, the printer and the compiler's messages.
// Internal to operators/.
#pragma once

#include <cstddef>
#include <string_view>

#include "operators/expression.h"

namespace sluice::ops::detail {

struct KindSyntax {
  std::string_view symbol;  // as written between or after operands
  int precedence;           // binding strength as in the grammar; operands bind tightest (7)
};

// Indexed by Expr::Kind, in its declaration order.
// clang-format off
inline constexpr KindSyntax kKindSyntax[] = {
    {"", 7}, {"", 7},                                                     // kField, kLiteral
    {"==", 4}, {"!=", 4}, {"<", 4}, {"<=", 4}, {">", 4}, {">=", 4},       // comparisons
    {"and", 2}, {"or", 1}, {"not", 3}, {"in", 4},
    {"+", 5}, {"-", 5}, {"*", 6}, {"/", 6},                               // arithmetic
    {"is null", 4}, {"is not null", 4},
};
// clang-format on
static_assert(std::size(kKindSyntax) == static_cast<size_t>(Expr::Kind::kIsNotNull) + 1);

inline const KindSyntax& syntax(Expr::Kind k) { return kKindSyntax[static_cast<size_t>(k)]; }

inline bool is_comparison(Expr::Kind k) { return k >= Expr::Kind::kEq && k <= Expr::Kind::kGe; }
inline bool is_arithmetic(Expr::Kind k) { return k >= Expr::Kind::kAdd && k <= Expr::Kind::kDiv; }

}  // namespace sluice::ops::detail
