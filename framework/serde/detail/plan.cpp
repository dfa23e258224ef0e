#include "serde/detail/plan.h"

#include <google/protobuf/descriptor.h>

#include <bit>

#include "serde/detail/json_encoder.h"

namespace sluice::serde::detail {

namespace {

using FD = google::protobuf::FieldDescriptor;

Kind kind_of(const FD* f) {
  switch (f->type()) {
    case FD::TYPE_BOOL:
      return Kind::kBool;
    case FD::TYPE_INT64:
      return Kind::kInt64;
    case FD::TYPE_UINT64:
      return Kind::kUInt64;
    case FD::TYPE_INT32:
      return Kind::kInt32;
    case FD::TYPE_UINT32:
      return Kind::kUInt32;
    case FD::TYPE_SINT64:
      return Kind::kSInt64;
    case FD::TYPE_SINT32:
      return Kind::kSInt32;
    case FD::TYPE_FIXED64:
      return Kind::kFixed64;
    case FD::TYPE_SFIXED64:
      return Kind::kSFixed64;
    case FD::TYPE_FIXED32:
      return Kind::kFixed32;
    case FD::TYPE_SFIXED32:
      return Kind::kSFixed32;
    case FD::TYPE_DOUBLE:
      return Kind::kDouble;
    case FD::TYPE_FLOAT:
      return Kind::kFloat;
    case FD::TYPE_BYTES:
      return Kind::kBytes;
    case FD::TYPE_ENUM:
      return Kind::kEnum;
    case FD::TYPE_MESSAGE:
    case FD::TYPE_GROUP:
      return Kind::kMessage;
    case FD::TYPE_STRING:
      break;
  }
  return Kind::kString;
}

void set_tag(PlanEntry& e) {
  uint64_t v = (static_cast<uint64_t>(e.number) << 3) | e.wire;
  e.tag_len = 0;
  while (v >= 0x80) {
    e.tag[e.tag_len++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  e.tag[e.tag_len++] = static_cast<char>(v);
}

void index_level(Level& level) {
  level.keys.build(level.entries);
  for (PlanEntry& e : level.entries) {
    append_json_string(e.json_key, e.name);
    e.json_key += ':';
  }
  constexpr uint64_t kDirect = 1024;  // field numbers below this index a vector directly
  for (size_t i = 0; i < level.entries.size(); ++i) {
    const auto number = static_cast<uint64_t>(level.entries[i].number);
    if (number >= kDirect) {
      level.sparse.emplace_back(number, static_cast<int32_t>(i));
      continue;
    }
    if (level.by_number.size() <= number) level.by_number.resize(number + 1, -1);
    level.by_number[number] = static_cast<int32_t>(i);
  }
}

}  // namespace

Kind leaf_kind(const FieldDef& def) {
  if (def.type == FieldType::kList) return Kind::kList;
  if (def.proto_field) return kind_of(def.proto_field);
  switch (def.type) {
    case FieldType::kBool:
      return Kind::kBool;
    case FieldType::kInt64:
      return Kind::kSInt64;
    case FieldType::kDouble:
      return Kind::kDouble;
    default:
      return Kind::kString;
  }
}

uint8_t wire_of(Kind kind) {
  switch (kind) {
    case Kind::kFixed64:
    case Kind::kSFixed64:
    case Kind::kDouble:
      return kFixed64Wire;
    case Kind::kFixed32:
    case Kind::kSFixed32:
    case Kind::kFloat:
      return kFixed32Wire;
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kMessage:
    case Kind::kList:
      return kLen;
    default:
      return kVarint;
  }
}

void KeyTable::build(const std::vector<PlanEntry>& entries) {
  std::vector<std::pair<std::string_view, int32_t>> keys;
  for (size_t i = 0; i < entries.size(); ++i) {
    keys.emplace_back(entries[i].json_name, static_cast<int32_t>(i));
    if (entries[i].name != entries[i].json_name) {
      keys.emplace_back(entries[i].name, static_cast<int32_t>(i));
    }
  }
  // At most a quarter full, so that a miss (an unknown key) ends after a probe or two.
  const size_t size = std::bit_ceil(std::max<size_t>(16, keys.size() * 4));
  slots_.assign(size, Slot{});
  mask_ = static_cast<uint32_t>(size - 1);
  for (const auto& [key, entry] : keys) {
    if (find(key.data(), key.size()) >= 0) continue;  // a json_name equal to another's name
    const char c0 = key.empty() ? '"' : key[0];
    const char c1 = key.size() > 1 ? key[1] : key.size() == 1 ? '"' : 0;
    uint32_t i = hash(c0, c1) & mask_;
    while (slots_[i].entry >= 0) i = (i + 1) & mask_;
    slots_[i] = {static_cast<uint32_t>(pool_.size()), static_cast<uint32_t>(key.size()), entry};
    pool_.append(key);
  }
  pool_.append(8, '\0');
}

std::shared_ptr<const Plan> build_plan(const Schema& schema, PlanShape shape) {
  auto plan = std::make_shared<Plan>();
  plan->schema = &schema;
  plan->levels.emplace_back();
  const bool nested = shape == PlanShape::kJson || schema.descriptor() != nullptr;
  for (uint32_t slot = 0; slot < schema.size(); ++slot) {
    const FieldDef& def = schema.field(slot);
    size_t level = 0;
    const size_t depth = nested ? def.segments.size() : 1;
    for (size_t i = 0; i + 1 < depth; ++i) {
      int32_t child = -1;
      for (const auto& e : plan->levels[level].entries) {
        if (e.kind == Kind::kMessage && e.name == def.segments[i]) child = e.child;
      }
      if (child < 0) {
        child = static_cast<int32_t>(plan->levels.size());
        PlanEntry e;
        e.name = def.segments[i];
        e.json_name = def.json_segments[i];
        for (size_t k = 0; k <= i; ++k) e.path += (k ? "." : "") + def.segments[k];
        e.number = i < def.proto_numbers.size() ? def.proto_numbers[i] : 0;
        e.kind = Kind::kMessage;
        e.wire = kLen;
        e.child = child;
        set_tag(e);
        plan->levels.emplace_back().path = e.path;
        plan->levels[level].entries.push_back(std::move(e));
      }
      level = static_cast<size_t>(child);
    }
    PlanEntry e;
    e.name = nested ? def.segments.back() : def.path;
    e.json_name = nested ? def.json_segments.back() : def.path;
    e.path = def.path;
    e.number = def.proto_field ? def.proto_numbers.back() : static_cast<int>(slot) + 1;
    e.kind = leaf_kind(def);
    e.slot = static_cast<int32_t>(slot);
    e.def = &def;
    e.wire = wire_of(e.kind);
    if (e.kind == Kind::kList) {
      e.element = build_plan(*def.element, shape);
      if (def.scalar_list) {
        e.element_kind = e.element->levels[0].entries[0].kind;
        e.packed = def.proto_field && def.proto_field->is_packed();
        if (!e.packed) e.wire = wire_of(e.element_kind);
      }
    }
    set_tag(e);
    plan->levels[level].entries.push_back(std::move(e));
  }
  for (Level& level : plan->levels) index_level(level);
  return plan;
}

}  // namespace sluice::serde::detail
