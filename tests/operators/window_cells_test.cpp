// detail::WindowCells, the window aggregate's per-window cell table, against std::map over
// random keys with long shared prefixes (as group keys have): lookups, inserts across slot
// growth, accumulators kept in place, block reuse, and the store-order sort.
#include "operators/detail/window_cells.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace sluice::ops::detail {
namespace {

std::string random_key(std::mt19937_64& rng) {
  static const char* const kPrefixes[] = {"", "origin_", "origin_1", "brand_0000000000000000_"};
  std::string key(kPrefixes[rng() % 4]);
  for (size_t i = 0, n = rng() % 24; i < n; ++i) key.push_back(static_cast<char>(rng() % 4));
  if (rng() % 50 == 0) key.append(300'000, 'x');  // now and then one too big to share a block
  return key;
}

TEST(WindowCells, FindsWhatWasInsertedAndKeepsAccumulatorsInPlace) {
  std::mt19937_64 rng(7);
  BlockPool pool(4);
  constexpr size_t kAcc = 12;
  for (int round = 0; round < 3; ++round) {  // later rounds run on recycled blocks
    WindowCells cells(kAcc, pool, round == 2 ? 5000 : 0);
    std::map<std::string, uint64_t> model;  // key -> accumulator (first 8 bytes)
    for (int op = 0; op < 20'000; ++op) {
      const std::string key = random_key(rng);
      const uint64_t h = WindowCells::hash(key);
      WindowCells::Cell* c = cells.find(key, h);
      auto it = model.find(key);
      ASSERT_EQ(c != nullptr, it != model.end()) << op;
      if (c == nullptr) {
        std::string acc(kAcc, '\0');
        c = &cells.insert(key, h, acc, WindowCells::kDirty);
        it = model.emplace(key, 0).first;
      }
      ASSERT_EQ(c->key(kAcc), key);
      uint64_t v;
      std::memcpy(&v, c->acc, 8);
      ASSERT_EQ(v, it->second);
      ++v;
      std::memcpy(c->acc, &v, 8);
      ++it->second;
    }
    ASSERT_EQ(cells.size(), model.size());
    for (size_t i = 0; i < cells.size(); ++i) {
      uint64_t v;
      std::memcpy(&v, cells.cell(i).acc, 8);
      EXPECT_EQ(v, model.at(std::string(cells.cell(i).key(kAcc))));
    }
  }
}

TEST(WindowCells, SortsKeysByLengthThenBytesAsTheWindowStoreOrdersThem) {
  std::mt19937_64 rng(11);
  BlockPool pool(4);
  WindowCells cells(4, pool);
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) {
    std::string key = random_key(rng);
    const uint64_t h = WindowCells::hash(key);
    if (cells.find(key, h) != nullptr) continue;
    cells.insert(key, h, "acc!", 0);
    keys.push_back(std::move(key));
  }
  // Subsets big enough for the radix sort and small enough for the comparison sort.
  for (const uint32_t every : {1u, 2u, 50u}) {
    std::vector<uint32_t> order;
    for (uint32_t i = 0; i < cells.size(); i += every + i % 2) order.push_back(i);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::string> expected;
    for (uint32_t i : order) expected.push_back(keys[i]);
    std::sort(expected.begin(), expected.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    cells.sort_by_key(order);
    std::vector<std::string> got;
    for (uint32_t i : order) got.emplace_back(cells.cell(i).key(4));
    EXPECT_EQ(got, expected) << "every " << every;
  }
}

}  // namespace
}  // namespace sluice::ops::detail
