#include "state/window_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "state/store_test_support.h"

namespace sluice::state {
namespace {

TEST(WindowKey, RoundTripsKeysAndStartsIncludingExtremes) {
  for (int64_t start : {INT64_MIN, int64_t{-1}, int64_t{0}, int64_t{1}, INT64_MAX}) {
    for (std::string key : {std::string(), std::string("a"), std::string("a\0b", 3)}) {
      const std::string bytes = encode_window_key(key, Timestamp(start));
      EXPECT_EQ(bytes.size(), key.size() + kWindowKeyOverhead);
      auto decoded = decode_window_key(bytes);
      ASSERT_TRUE(decoded.has_value());
      EXPECT_EQ(decoded->key, key);
      EXPECT_EQ(decoded->window_start, Timestamp(start));
    }
  }
}

TEST(WindowKey, IsBigEndianLengthKeyThenSignFlippedStart) {
  const std::string bytes = encode_window_key("ab", Timestamp(1));
  EXPECT_EQ(bytes, std::string("\0\0\0\x02"
                               "ab"
                               "\x80\0\0\0\0\0\0\x01",
                               14));
}

TEST(WindowKey, ByteOrderIsLengthThenKeyThenStart) {
  std::mt19937_64 rng(7);
  std::vector<std::tuple<size_t, std::string, int64_t>> plain;
  std::vector<std::string> encoded;
  for (int i = 0; i < 2000; ++i) {
    std::string key = test::random_key(rng, 3);
    int64_t start = static_cast<int64_t>(rng() % 2001) - 1000;
    if (i % 50 == 0) start = (i % 100 == 0) ? INT64_MIN : INT64_MAX;
    plain.emplace_back(key.size(), key, start);
    encoded.push_back(encode_window_key(key, Timestamp(start)));
  }
  std::vector<size_t> by_plain(plain.size()), by_bytes(plain.size());
  for (size_t i = 0; i < plain.size(); ++i) by_plain[i] = by_bytes[i] = i;
  std::stable_sort(by_plain.begin(), by_plain.end(),
                   [&](size_t a, size_t b) { return plain[a] < plain[b]; });
  std::stable_sort(by_bytes.begin(), by_bytes.end(),
                   [&](size_t a, size_t b) { return encoded[a] < encoded[b]; });
  EXPECT_EQ(by_plain, by_bytes);
}

TEST(WindowKey, AKeyIsNeverAPrefixOfALongerKeysWindows) {
  const std::string a = encode_window_key("a", Timestamp(5));
  const std::string ab = encode_window_key("ab", Timestamp(5));
  EXPECT_FALSE(ab.starts_with(a.substr(0, 5)));
}

TEST(WindowKey, RejectsMalformedBytes) {
  EXPECT_FALSE(decode_window_key("").has_value());
  EXPECT_FALSE(decode_window_key(std::string(11, '\0')).has_value());
  std::string bytes = encode_window_key("abc", Timestamp(9));
  bytes.push_back('x');
  EXPECT_FALSE(decode_window_key(bytes).has_value());
}

}  // namespace
}  // namespace sluice::state
