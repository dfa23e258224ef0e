#include "state/window_key.h"

#include <cstdint>

namespace sluice::state {
namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;

void append_be(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t read_be(std::string_view in, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

}  // namespace

void append_window_key(std::string& out, std::string_view key, Timestamp window_start) {
  out.reserve(out.size() + key.size() + kWindowKeyOverhead);
  append_be(out, static_cast<uint32_t>(key.size()), 4);
  out.append(key);
  append_be(out, static_cast<uint64_t>(window_start.ms()) ^ kSignBit, 8);
}

void assign_window_key(std::string& out, std::string_view key, Timestamp window_start) {
  out.clear();
  append_window_key(out, key, window_start);
}

std::string encode_window_key(std::string_view key, Timestamp window_start) {
  std::string out;
  append_window_key(out, key, window_start);
  return out;
}

std::optional<WindowKeyView> decode_window_key(std::string_view bytes) {
  if (bytes.size() < kWindowKeyOverhead) return std::nullopt;
  const uint64_t len = read_be(bytes, 4);
  if (len != bytes.size() - kWindowKeyOverhead) return std::nullopt;
  return WindowKeyView{bytes.substr(4, len), window_start_of(bytes)};
}

Timestamp window_start_of(std::string_view encoded) {
  const uint64_t raw = read_be(encoded.substr(encoded.size() - 8), 8) ^ kSignBit;
  return Timestamp(static_cast<int64_t>(raw));
}

}  // namespace sluice::state
