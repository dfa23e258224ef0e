#include "common/edit_distance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace sluice {
namespace {

// The textbook recursion, exponential but independent of the row-based implementation.
size_t brute_force(std::string_view a, std::string_view b) {
  if (a.empty()) return b.size();
  if (b.empty()) return a.size();
  const size_t sub = brute_force(a.substr(1), b.substr(1)) + (a[0] == b[0] ? 0 : 1);
  return std::min({sub, brute_force(a.substr(1), b) + 1, brute_force(a, b.substr(1)) + 1});
}

TEST(EditDistance, MatchesTheRecursiveDefinitionOnRandomShortStrings) {
  std::mt19937 rng(3);
  auto word = [&] {
    std::string s(rng() % 7, 'a');
    for (char& c : s) c = static_cast<char>('a' + rng() % 3);
    return s;
  };
  for (int i = 0; i < 500; ++i) {
    const std::string a = word(), b = word();
    EXPECT_EQ(edit_distance(a, b), brute_force(a, b)) << a << " / " << b;
  }
}

}  // namespace
}  // namespace sluice
