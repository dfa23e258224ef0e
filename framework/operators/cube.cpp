// cube(): the grouping sets of SQL's CUBE, for WindowAggregateOptions::grouping_sets.
#include <fmt/format.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "operators/options.h"

namespace sluice::ops {

namespace {
// 2^16 grouping sets would already be far more state than any deployment wants.
constexpr size_t kMaxOptional = 16;
}  // namespace

std::vector<std::vector<std::string>> cube(const std::vector<std::string>& required,
                                           const std::vector<std::string>& optional) {
  if (optional.size() > kMaxOptional) {
    throw std::invalid_argument(
        fmt::format("cube: {} optional fields give 2^{} grouping sets; "
                    "at most {} are supported",
                    optional.size(), optional.size(), kMaxOptional));
  }
  std::set<std::string> seen;
  for (const auto* list : {&required, &optional}) {
    for (const auto& f : *list) {
      if (!seen.insert(f).second) {
        throw std::invalid_argument(fmt::format("cube: field '{}' is listed twice", f));
      }
    }
  }
  // Set `mask` holds optional[j] for every bit j of mask, after the required fields; so the
  // first set is the required fields alone and the last holds every field.
  const size_t n = size_t{1} << optional.size();
  std::vector<std::vector<std::string>> sets;
  sets.reserve(n);
  for (size_t mask = 0; mask < n; ++mask) {
    std::vector<std::string> set = required;
    for (size_t j = 0; j < optional.size(); ++j) {
      if (mask & (size_t{1} << j)) set.push_back(optional[j]);
    }
    sets.push_back(std::move(set));
  }
  return sets;
}

}  // namespace sluice::ops
