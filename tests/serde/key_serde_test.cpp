#include "serde/key_serde.h"

#include <gtest/gtest.h>

#include <limits>

namespace sluice::serde {
namespace {

TEST(KeySerde, StringAndBytesKeysAreTheirBytes) {
  std::string out;
  StringSerde::serialize("user-1", out);
  BytesSerde::serialize(std::string_view("\0\xff", 2), out);
  EXPECT_EQ(out, std::string("user-1\0\xff", 8));
  EXPECT_EQ(StringSerde::deserialize("abc"), "abc");
  EXPECT_EQ(BytesSerde::deserialize(std::string_view("\0", 1)).size(), 1u);
}

TEST(KeySerde, Int64KeysAreEightBytesBigEndianAsKafkaWritesThem) {
  EXPECT_EQ(Int64Serde::serialize(1), std::string("\0\0\0\0\0\0\0\x01", 8));
  EXPECT_EQ(Int64Serde::serialize(-2), std::string("\xff\xff\xff\xff\xff\xff\xff\xfe", 8));
  EXPECT_EQ(Int64Serde::serialize(0x0102030405060708), "\x01\x02\x03\x04\x05\x06\x07\x08");
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{1} << 40,
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    auto back = Int64Serde::deserialize(Int64Serde::serialize(v));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, v);
  }
}

TEST(KeySerde, Int64KeysOfTheWrongSizeAreRecordErrors) {
  for (const char* bad : {"", "1234567", "123456789"}) {
    auto r = Int64Serde::deserialize(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidRecord);
  }
}

}  // namespace
}  // namespace sluice::serde
