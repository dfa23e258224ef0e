#include "runtime/origin_filter.h"

#include <cstdint>
#include <tuple>

namespace sluice::runtime {

namespace {

// Layout: partition (4 bytes), offset (8), index (4), all big-endian, then the topic name.
constexpr size_t kFixed = 16;

void put(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t get(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(in[at + i]);
  return v;
}

}  // namespace

void encode_origin(const RecordOrigin& origin, std::string& out) {
  out.clear();
  put(out, static_cast<uint32_t>(origin.partition.value()), 4);
  put(out, static_cast<uint64_t>(origin.offset.value()), 8);
  put(out, static_cast<uint32_t>(origin.index), 4);
  out.append(origin.topic);
}

bool OriginFilter::admit(std::string_view v) {
  if (v.size() < kFixed) return true;
  const Partition partition(static_cast<int32_t>(get(v, 0, 4)));
  const Offset offset(static_cast<int64_t>(get(v, 4, 8)));
  const auto index = static_cast<int32_t>(get(v, 12, 4));
  const std::string_view topic = v.substr(kFixed);
  for (auto& m : marks_) {
    if (m.partition != partition || m.topic != topic) continue;
    if (std::tie(offset, index) <= std::tie(m.offset, m.index)) return false;
    m.offset = offset;
    m.index = index;
    return true;
  }
  marks_.push_back({std::string(topic), partition, offset, index});
  return true;
}

}  // namespace sluice::runtime
