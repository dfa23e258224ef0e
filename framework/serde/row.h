// Row: a decoded record value laid out by a Schema, one slot per flattened field.
// Strings live in a per-row arena and lists in per-slot vectors of element Rows; clear() keeps
// every buffer's capacity so a Row reused across records does not allocate in steady state.
// A Row may be a tombstone (a delete, e.g. a Debezium "d" event); it then still carries the
// fields it was decoded with (the "before" image) so the key can be found.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "serde/schema.h"

namespace sluice::serde {

class Row {
 public:
  Row() = default;
  explicit Row(const Schema* schema) { reset(schema); }

  // Binds the row to a schema and clears it.
  void reset(const Schema* schema);
  // Clears every slot (all absent), keeps the schema and capacity.
  void clear();
  const Schema* schema() const { return schema_; }

  bool tombstone() const { return tombstone_; }
  void set_tombstone(bool t) { tombstone_ = t; }

  bool has(uint32_t slot) const { return slots_[slot].present; }
  void set_null(uint32_t slot) { slots_[slot].present = false; }

  bool get_bool(uint32_t slot) const { return slots_[slot].u.b; }
  int64_t get_int(uint32_t slot) const { return slots_[slot].u.i; }
  double get_double(uint32_t slot) const { return slots_[slot].u.d; }
  // kInt64 or kDouble as a double.
  double get_number(uint32_t slot) const;
  std::string_view get_string(uint32_t slot) const {
    const auto& s = slots_[slot].u.s;
    return std::string_view(arena_.data() + s.off, s.len);
  }

  // Inline: decoders call these once per field.
  void set_bool(uint32_t slot, bool v) {
    slots_[slot].present = true;
    slots_[slot].u.b = v;
  }
  void set_int(uint32_t slot, int64_t v) {
    slots_[slot].present = true;
    slots_[slot].u.i = v;
  }
  void set_double(uint32_t slot, double v) {
    slots_[slot].present = true;
    slots_[slot].u.d = v;
  }
  // Copies v into the row's arena.
  void set_string(uint32_t slot, std::string_view v) {
    auto& s = slots_[slot];
    s.present = true;
    s.u.s.off = static_cast<uint32_t>(arena_.size());
    s.u.s.len = static_cast<uint32_t>(v.size());
    arena_.append(v);
  }
  // Copies slot `from_slot` of `from` (same field type) into `slot` of this row.
  void copy_field(uint32_t slot, const Row& from, uint32_t from_slot);

  // kList slots.
  size_t list_size(uint32_t slot) const;
  const Row& list_at(uint32_t slot, size_t i) const;
  // Appends a cleared element bound to the field's element schema.
  Row& add_list_element(uint32_t slot);
  // Marks a kList slot present with no elements (an empty array, not an absent one).
  void set_empty_list(uint32_t slot);

  // Bytes reserved by the string arena (stable once a reused row has warmed up).
  size_t arena_capacity() const { return arena_.capacity(); }

  // Field-by-field equality (absent == absent).
  bool equals(const Row& other) const;
  // Human-readable form for test failures and logs, e.g. {a=1, b.c="x"}.
  std::string debug_string() const;

 private:
  struct Slot {
    bool present = false;
    union {
      bool b;
      int64_t i;
      double d;
      struct {
        uint32_t off;
        uint32_t len;
      } s;
      uint32_t list;  // index into lists_
    } u{};
  };
  const Schema* schema_ = nullptr;
  bool tombstone_ = false;
  std::vector<Slot> slots_;
  std::string arena_;
  // Element rows per list slot; `used` counts the live ones so cleared rows are reused.
  struct List {
    std::vector<Row> rows;
    size_t used = 0;
    uint32_t owner = 0;  // the slot that last used this storage
  };
  std::vector<List> lists_;
  // The storage of a kList slot, marking the slot present.
  List& list_storage(uint32_t slot);
};

}  // namespace sluice::serde
