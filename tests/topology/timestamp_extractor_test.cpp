#include "topology/timestamp_extractor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>

namespace sluice {
namespace {

TEST(Iso8601, ParsesAndFormatsRoundTripAgainstChrono) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20000; ++i) {
    // Any millisecond between 1900 and 2200.
    const int64_t ms = -2'208'988'800'000LL + static_cast<int64_t>(rng() % 9'467'280'000'000ULL);
    const std::string text = format_iso8601(Timestamp(ms));
    auto parsed = parse_iso8601(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(parsed->ms(), ms) << text;
    // Independent check of the calendar fields with <chrono>.
    using namespace std::chrono;
    const sys_time<milliseconds> tp{milliseconds(ms)};
    const auto day = floor<days>(tp);
    const year_month_day ymd{day};
    char expect[16];
    std::snprintf(expect, sizeof expect, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    EXPECT_EQ(text.substr(0, 10), expect);
  }
}

TEST(Iso8601, AcceptsOffsetsAndFractionsAndRejectsGarbage) {
  EXPECT_EQ(parse_iso8601("2022-03-22T12:15:00.000Z")->ms(), 1647951300000);
  EXPECT_EQ(parse_iso8601("2022-03-22T12:15:00Z")->ms(), 1647951300000);
  EXPECT_EQ(parse_iso8601("2022-03-22T13:15:00.5+01:00")->ms(), 1647951300500);
  EXPECT_EQ(parse_iso8601("2022-03-22T11:15:00.123456-01:00")->ms(), 1647951300123);
  EXPECT_FALSE(parse_iso8601("2022-03-22").has_value());
  EXPECT_FALSE(parse_iso8601("2022-13-22T12:15:00Z").has_value());
  EXPECT_FALSE(parse_iso8601("2022-03-22T12:15:00.Z").has_value());
  EXPECT_FALSE(parse_iso8601("2022-03-22T12:15:00Zjunk").has_value());
  EXPECT_FALSE(parse_iso8601("").has_value());
}

}  // namespace
}  // namespace sluice
