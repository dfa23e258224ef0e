// Plan: a Schema's flattened fields regrouped into the nested levels of the wire formats, with
// everything the codecs need per field precomputed (wire kinds, encoded tags, key and field
// number lookup tables), so that no codec consults a descriptor or builds a string per record.
// Level 0 is the root message; each nested singular message is a level of its own. Internal.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "serde/schema.h"

namespace sluice::serde::detail {

// How one value travels: the protobuf scalar type, or a nested message or list.
enum class Kind : uint8_t {
  kBool,
  kInt64,
  kUInt64,
  kInt32,
  kUInt32,
  kSInt64,
  kSInt32,
  kFixed64,
  kSFixed64,
  kFixed32,
  kSFixed32,
  kDouble,
  kFloat,
  kString,
  kBytes,    // a string in a Row, base64 in JSON (as protobuf's JSON mapping has it)
  kEnum,     // its name in a Row and in JSON, its number on the wire
  kMessage,  // a nested singular message: `child` names its level
  kList,     // a repeated field: `element` is the plan of one element
};

enum WireType : uint8_t {
  kVarint = 0,
  kFixed64Wire = 1,
  kLen = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32Wire = 5
};

struct Plan;

struct PlanEntry {
  std::string name;       // proto field name of this segment
  std::string json_name;  // protobuf json_name of this segment
  std::string path;       // dotted path from the root, for error messages
  std::string json_key;   // the encoder's `"name":`, quoted and escaped once
  int number = 0;         // protobuf field number
  Kind kind = Kind::kString;
  Kind element_kind = Kind::kMessage;  // kList: the kind of one element
  bool packed = false;                 // kList of numbers: one length-delimited run
  uint8_t wire = kVarint;              // the wire type this field is written with
  uint8_t tag_len = 0;
  char tag[5] = {};                     // the encoded tag (number and wire type)
  int32_t slot = -1;                    // leaf or list slot; -1 for a nested message
  int32_t child = -1;                   // kMessage: index of its level
  const FieldDef* def = nullptr;        // leaf or list
  std::shared_ptr<const Plan> element;  // kList: the element schema's plan
};

// Keys and enum names are short: an inline loop beats a call to memcmp.
inline bool same_bytes(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Like same_bytes, eight bytes at a time: both sides must stay readable for 7 bytes past `n`
// (simdjson's padding after the input; KeyTable's padded pool).
inline bool same_bytes_padded(const char* a, const char* b, size_t n) {
  size_t i = 0;
  uint64_t x, y;
  for (; i + 8 <= n; i += 8) {
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    if (x != y) return false;
  }
  if (i == n) return true;
  std::memcpy(&x, a + i, 8);
  std::memcpy(&y, b + i, 8);
  const uint64_t low_bytes = (uint64_t{1} << (8 * (n - i))) - 1;  // little-endian: the first ones
  return ((x ^ y) & low_bytes) == 0;
}

// JSON key -> entry index, open addressing. Hashed on the first two bytes only, so that a key
// can be looked up where it lies in the input without first finding where it ends.
class KeyTable {
 public:
  void build(const std::vector<PlanEntry>& entries);

  // `key` points just past the opening quote of a key in the input, which ends at `end`.
  // Matches unescaped keys only: the caller retries an escaped key with find().
  int32_t find_raw(const char* key, const char* end) const {
    const auto avail = static_cast<size_t>(end - key);
    for (uint32_t i = hash(key[0], key[0] == '"' ? 0 : key[1]) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.entry < 0) return -1;
      if (s.len < avail && key[s.len] == '"' &&
          same_bytes_padded(pool_.data() + s.off, key, s.len)) {
        return s.entry;
      }
    }
  }
  // An unescaped key.
  int32_t find(const char* key, size_t len) const {
    const char c0 = len > 0 ? key[0] : '"';
    const char c1 = len > 1 ? key[1] : len == 1 ? '"' : 0;
    for (uint32_t i = hash(c0, c1) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.entry < 0) return -1;
      if (s.len == len && same_bytes(pool_.data() + s.off, key, len)) return s.entry;
    }
  }

 private:
  static uint32_t hash(char c0, char c1) {
    const uint32_t h =
        (static_cast<unsigned char>(c0) * 257u + static_cast<unsigned char>(c1)) * 0x9E3779B1u;
    return h ^ (h >> 16);
  }
  struct Slot {
    uint32_t off = 0;
    uint32_t len = 0;
    int32_t entry = -1;
  };
  std::vector<Slot> slots_ = std::vector<Slot>(1);  // never full: probes always end
  std::string pool_;  // the key bytes (then 8 padding bytes): no pointers into moved strings
  uint32_t mask_ = 0;
};

struct Level {
  std::string path;  // dotted path of this nested message; empty for the root
  std::vector<PlanEntry> entries;
  KeyTable keys;
  // Field number -> entry index (-1: unknown). Small numbers index `by_number` directly;
  // the rare large ones (up to 2^29) are searched in `sparse`.
  std::vector<int32_t> by_number;
  std::vector<std::pair<uint64_t, int32_t>> sparse;

  int32_t find_number(uint64_t number) const {
    if (number < by_number.size()) return by_number[number];
    for (const auto& [n, e] : sparse) {
      if (n == number) return e;
    }
    return -1;
  }
};

struct Plan {
  const Schema* schema = nullptr;
  std::vector<Level> levels;
};

// JSON nests objects along dotted paths. Protobuf nests messages only where a descriptor says
// so; a synthesized schema's fields are all at the root, numbered slot + 1.
enum class PlanShape : uint8_t { kJson, kProtobuf };

std::shared_ptr<const Plan> build_plan(const Schema& schema, PlanShape shape);

// The kind of a leaf: from its protobuf field, or the synthesized default for its type
// (int64 as sint64, double as double).
Kind leaf_kind(const FieldDef& def);
uint8_t wire_of(Kind kind);

}  // namespace sluice::serde::detail
