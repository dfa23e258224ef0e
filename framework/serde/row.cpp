#include "serde/row.h"

#include <charconv>
#include <cstdio>

namespace sluice::serde {

void Row::reset(const Schema* schema) {
  if (schema_ != schema) {
    schema_ = schema;
    slots_.assign(schema ? schema->size() : 0, Slot{});
    lists_.clear();
  }
  clear();
}

void Row::clear() {
  for (auto& s : slots_) s.present = false;
  arena_.clear();
  for (auto& l : lists_) l.used = 0;
  tombstone_ = false;
}

double Row::get_number(uint32_t slot) const {
  return schema_->field(slot).type == FieldType::kInt64 ? static_cast<double>(slots_[slot].u.i)
                                                        : slots_[slot].u.d;
}

size_t Row::list_size(uint32_t slot) const {
  if (!slots_[slot].present) return 0;
  return lists_[slots_[slot].u.list].used;
}

const Row& Row::list_at(uint32_t slot, size_t i) const {
  return lists_[slots_[slot].u.list].rows[i];
}

Row::List& Row::list_storage(uint32_t slot) {
  auto& s = slots_[slot];
  if (!s.present) {
    // Reuse the storage this slot had before clear(), if any, so rows keep their buffers.
    uint32_t index = UINT32_MAX;
    for (uint32_t i = 0; i < lists_.size(); ++i) {
      if (lists_[i].owner == slot) index = i;
    }
    if (index == UINT32_MAX) {
      index = static_cast<uint32_t>(lists_.size());
      lists_.emplace_back();
      lists_.back().owner = slot;
    }
    s.present = true;
    s.u.list = index;
    lists_[index].used = 0;
  }
  return lists_[s.u.list];
}

Row& Row::add_list_element(uint32_t slot) {
  List& list = list_storage(slot);
  if (list.used == list.rows.size()) list.rows.emplace_back();
  Row& row = list.rows[list.used++];
  row.reset(schema_->field(slot).element.get());
  return row;
}

void Row::set_empty_list(uint32_t slot) {
  set_null(slot);
  list_storage(slot).used = 0;
}

void Row::copy_field(uint32_t slot, const Row& from, uint32_t from_slot) {
  if (!from.has(from_slot)) {
    set_null(slot);
    return;
  }
  switch (from.schema_->field(from_slot).type) {
    case FieldType::kBool:
      set_bool(slot, from.get_bool(from_slot));
      break;
    case FieldType::kInt64:
      set_int(slot, from.get_int(from_slot));
      break;
    case FieldType::kDouble:
      set_double(slot, from.get_double(from_slot));
      break;
    case FieldType::kString:
      set_string(slot, from.get_string(from_slot));
      break;
    case FieldType::kList: {
      if (&from == this) {  // appending elements could move the rows being read
        const Row copy = from;
        copy_field(slot, copy, from_slot);
        return;
      }
      set_null(slot);
      const size_t n = from.list_size(from_slot);
      for (size_t i = 0; i < n; ++i) {
        const Row& src = from.list_at(from_slot, i);
        Row& dst = add_list_element(slot);
        for (uint32_t f = 0; f < src.schema_->size(); ++f) dst.copy_field(f, src, f);
      }
      if (n == 0) set_empty_list(slot);  // an empty list stays present
      break;
    }
  }
}

bool Row::equals(const Row& other) const {
  if (schema_ != other.schema_ && (schema_ == nullptr || other.schema_ == nullptr ||
                                   schema_->size() != other.schema_->size())) {
    return false;
  }
  if (tombstone_ != other.tombstone_) return false;
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    if (has(i) != other.has(i)) return false;
    if (!has(i)) continue;
    switch (schema_->field(i).type) {
      case FieldType::kBool:
        if (get_bool(i) != other.get_bool(i)) return false;
        break;
      case FieldType::kInt64:
        if (get_int(i) != other.get_int(i)) return false;
        break;
      case FieldType::kDouble:
        if (get_double(i) != other.get_double(i)) return false;
        break;
      case FieldType::kString:
        if (get_string(i) != other.get_string(i)) return false;
        break;
      case FieldType::kList:
        if (list_size(i) != other.list_size(i)) return false;
        for (size_t e = 0; e < list_size(i); ++e) {
          if (!list_at(i, e).equals(other.list_at(i, e))) return false;
        }
        break;
    }
  }
  return true;
}

std::string Row::debug_string() const {
  if (!schema_) return "{}";
  std::string out = tombstone_ ? "DELETE{" : "{";
  bool first = true;
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    if (!has(i)) continue;
    if (!first) out += ", ";
    first = false;
    out += schema_->field(i).path + "=";
    switch (schema_->field(i).type) {
      case FieldType::kBool:
        out += get_bool(i) ? "true" : "false";
        break;
      case FieldType::kInt64:
        out += std::to_string(get_int(i));
        break;
      case FieldType::kDouble: {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, get_double(i));
        out.append(buf, r.ptr);
        break;
      }
      case FieldType::kString:
        out += "\"" + std::string(get_string(i)) + "\"";
        break;
      case FieldType::kList:
        out += "[";
        for (size_t e = 0; e < list_size(i); ++e) {
          if (e) out += ", ";
          out += list_at(i, e).debug_string();
        }
        out += "]";
        break;
    }
  }
  return out + "}";
}

}  // namespace sluice::serde
