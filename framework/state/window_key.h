// The byte encoding of a window key, shared by the RocksDB window store (its keys inside a
// segment), the window record cache, and the changelog (the changelog key of a window store).
// The Kafka runtime decodes changelog keys with decode_window_key when it restores a store.
//
//   [4-byte big-endian key length][key bytes][8-byte big-endian window start, sign bit flipped]
//
// Byte order of encoded keys is (key length, key bytes, window start): all windows of one key are
// adjacent and ascending by start (negative starts included), and a key never shares a prefix
// with a longer key ("a" vs "ab"), so fetch(key, from, to) is one seek plus one ordered scan.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/types.h"

namespace sluice::state {

inline constexpr size_t kWindowKeyOverhead = 4 + 8;

struct WindowKeyView {
  std::string_view key;  // points into the encoded bytes
  Timestamp window_start;
};

// Appends the encoding of (key, window_start) to `out`. Keys must be shorter than 4 GiB.
void append_window_key(std::string& out, std::string_view key, Timestamp window_start);
// Replaces the contents of `out` (reusing its capacity) with the encoding.
void assign_window_key(std::string& out, std::string_view key, Timestamp window_start);
std::string encode_window_key(std::string_view key, Timestamp window_start);
// nullopt when `bytes` is not a well-formed encoding.
std::optional<WindowKeyView> decode_window_key(std::string_view bytes);
// The window start of a well-formed encoding (its last 8 bytes), without checking the length.
Timestamp window_start_of(std::string_view encoded);

}  // namespace sluice::state
