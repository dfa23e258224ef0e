// Key serdes. Record keys travel as bytes; these name the conventions for reading and writing
// them. String and bytes keys are the bytes themselves. Int64 keys are 8 bytes big-endian two's
// complement, the layout of Kafka's LongSerializer, so that keys written by Java clients match.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sluice::serde {

struct BytesSerde {
  static void serialize(std::string_view value, std::string& out) { out.append(value); }
  static std::string_view deserialize(std::string_view bytes) { return bytes; }
};

// UTF-8 text; like BytesSerde, the text is not validated.
struct StringSerde : BytesSerde {};

struct Int64Serde {
  static constexpr size_t kSize = 8;

  static void serialize(int64_t value, std::string& out) {
    char buf[kSize];
    auto u = static_cast<uint64_t>(value);
    for (size_t i = kSize; i-- > 0; u >>= 8) buf[i] = static_cast<char>(u & 0xff);
    out.append(buf, kSize);
  }
  static std::string serialize(int64_t value) {
    std::string out;
    serialize(value, out);
    return out;
  }
  // InvalidRecord unless exactly 8 bytes.
  static Result<int64_t> deserialize(std::string_view bytes) {
    if (bytes.size() != kSize) {
      return Status::InvalidRecord("int64 key must be 8 bytes, got " +
                                   std::to_string(bytes.size()));
    }
    uint64_t u = 0;
    for (char c : bytes) u = (u << 8) | static_cast<unsigned char>(c);
    return static_cast<int64_t>(u);
  }
};

}  // namespace sluice::serde
