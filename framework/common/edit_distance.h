// Levenshtein distance, for "did you mean" suggestions in messages a person reads (unknown
// config keys, field paths, operators). Load-time only; O(|a| * |b|).
#pragma once

#include <cstddef>
#include <string_view>

namespace sluice {

size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace sluice
