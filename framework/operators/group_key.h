// Group keys of a window aggregate: which grouping set a cell belongs to and the values of its
// group-by fields, as bytes for the window store and as readable text for the output key.
//
// Encoding: varint grouping-set id, then for each group-by field (in group_by order) a tag byte
// (0 = not in this set, 1 = in the set but absent in the record, 2 = value) and, for a value, a
// varint length and the value bytes (strings raw, int64/double as 8 little-endian bytes, bool as
// one byte). The same (set, values) always gives the same bytes, and the bytes decode back.
//
// Readable form: the set's values joined by '|', '*' for a field not in the set and "" for one
// absent in the record; e.g. "VIEW|origin-7|*|*". Meant for people; the bytes are the identity.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "serde/row.h"
#include "topology/record.h"

namespace sluice::ops {

// One group-by field, resolved at build time.
struct GroupField {
  std::string path;         // output field name; "key" for the record key
  bool record_key = false;  // the record key rather than a value field
  uint32_t slot = 0;        // input slot (value fields)
  serde::FieldType type = serde::FieldType::kString;
};

// A decoded group-by value; strings point into the decoded bytes.
struct GroupValue {
  enum class State : uint8_t { kNotInSet, kAbsent, kValue };
  State state = State::kNotInSet;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string_view s;
};

struct DecodedGroupKey {
  uint32_t set = 0;
  std::vector<GroupValue> values;  // one per group-by field
};

class GroupKeyCodec {
 public:
  // `sets[k]` lists indices into `fields`: the fields of grouping set k.
  GroupKeyCodec(std::vector<GroupField> fields, const std::vector<std::vector<uint32_t>>& sets);

  const std::vector<GroupField>& fields() const { return fields_; }
  size_t num_sets() const { return num_sets_; }
  bool in_set(uint32_t set, size_t field) const { return member_[set * fields_.size() + field]; }

  // The fields of one record, encoded once and shared by every grouping set. Reused across
  // records, so steady-state encoding allocates nothing.
  struct Prepared {
    std::vector<std::string> encoded;  // per field: tag [+ varint length + bytes]
    std::vector<std::string> text;     // per field: readable value ("" when absent)
  };
  void prepare(const Record& record, Prepared& out, bool with_text) const;
  // Replaces `out` with the key bytes of grouping set `set` (keeps capacity).
  void encode(uint32_t set, const Prepared& record, std::string& out) const;
  // Replaces `out` with the readable form of the same key (needs prepare(..., true)).
  void readable(uint32_t set, const Prepared& record, std::string& out) const;
  // One-off forms of the above (allocate).
  void encode(uint32_t set, const Record& record, std::string& out) const;
  void readable(uint32_t set, const Record& record, std::string& out) const;

  // Decodes key bytes; Status::Corruption when they do not match the fields.
  Status decode(std::string_view bytes, DecodedGroupKey& out) const;
  void readable(const DecodedGroupKey& key, std::string& out) const;

 private:
  std::vector<GroupField> fields_;
  size_t num_sets_ = 0;
  std::vector<uint8_t> member_;  // num_sets x fields, row-major
};

// Appends the text form of a value: ints in decimal, doubles in shortest round-trip form,
// bools as true/false, strings raw.
void append_value_text(serde::FieldType type, const GroupValue& v, std::string& out);

}  // namespace sluice::ops
