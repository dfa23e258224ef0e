#include "serde/detail/protobuf_codec.h"

#include <google/protobuf/descriptor.h>

#include <cstring>

namespace sluice::serde::detail {

namespace gp = google::protobuf;
using FD = gp::FieldDescriptor;

namespace {

enum Wire : uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

void put_varint(std::string& out, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}
void put_tag(std::string& out, int number, Wire wire) {
  put_varint(out, (static_cast<uint64_t>(number) << 3) | wire);
}
template <class T>
void put_fixed(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));  // protobuf is little-endian, as is every target we build
  out.append(buf, sizeof(T));
}
uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

Wire wire_of(const FD* f) {
  switch (f->type()) {
    case FD::TYPE_DOUBLE: case FD::TYPE_FIXED64: case FD::TYPE_SFIXED64: return kFixed64;
    case FD::TYPE_FLOAT: case FD::TYPE_FIXED32: case FD::TYPE_SFIXED32: return kFixed32;
    case FD::TYPE_STRING: case FD::TYPE_BYTES: case FD::TYPE_MESSAGE: return kLen;
    default: return kVarint;
  }
}

// Writes one scalar value of a descriptor field (no tag).
void put_value(std::string& out, const FD* f, const Row& row, uint32_t slot) {
  switch (f->type()) {
    case FD::TYPE_DOUBLE: put_fixed<double>(out, row.get_double(slot)); break;
    case FD::TYPE_FLOAT: put_fixed<float>(out, static_cast<float>(row.get_double(slot))); break;
    case FD::TYPE_FIXED64: case FD::TYPE_SFIXED64: put_fixed<int64_t>(out, row.get_int(slot)); break;
    case FD::TYPE_FIXED32: case FD::TYPE_SFIXED32:
      put_fixed<int32_t>(out, static_cast<int32_t>(row.get_int(slot)));
      break;
    case FD::TYPE_SINT32: case FD::TYPE_SINT64: put_varint(out, zigzag(row.get_int(slot))); break;
    case FD::TYPE_INT32:
      put_varint(out, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(row.get_int(slot)))));
      break;
    case FD::TYPE_UINT32: put_varint(out, static_cast<uint32_t>(row.get_int(slot))); break;
    case FD::TYPE_BOOL: put_varint(out, row.get_bool(slot) ? 1 : 0); break;
    case FD::TYPE_ENUM: {
      const auto* ev = f->enum_type()->FindValueByName(std::string(row.get_string(slot)));
      put_varint(out, static_cast<uint64_t>(static_cast<int64_t>(ev ? ev->number() : 0)));
      break;
    }
    case FD::TYPE_STRING: case FD::TYPE_BYTES: {
      const auto s = row.get_string(slot);
      put_varint(out, s.size());
      out.append(s);
      break;
    }
    default: put_varint(out, static_cast<uint64_t>(row.get_int(slot))); break;  // int64, uint64
  }
}

// Writes one value of a synthesized field (no tag).
void put_synth(std::string& out, FieldType type, const Row& row, uint32_t slot) {
  switch (type) {
    case FieldType::kBool: put_varint(out, row.get_bool(slot) ? 1 : 0); break;
    case FieldType::kInt64: put_varint(out, zigzag(row.get_int(slot))); break;
    case FieldType::kDouble: put_fixed<double>(out, row.get_double(slot)); break;
    case FieldType::kString: {
      const auto s = row.get_string(slot);
      put_varint(out, s.size());
      out.append(s);
      break;
    }
    case FieldType::kList: break;
  }
}
Wire synth_wire(FieldType t) {
  return t == FieldType::kDouble ? kFixed64 : t == FieldType::kString ? kLen : kVarint;
}

}  // namespace

std::string& ProtobufEncoder::scratch(size_t depth) {
  if (scratch_.size() <= depth) scratch_.resize(depth + 1);
  scratch_[depth].clear();
  return scratch_[depth];
}

void ProtobufEncoder::encode(const Plan& plan, const Row& row, std::string& out) {
  encode_level(plan, 0, row, out, 0);
}

void ProtobufEncoder::encode_leaf(const PlanEntry& e, const Row& row, uint32_t slot,
                                  std::string& out, size_t depth, bool with_tag) {
  const FieldDef& def = *e.def;
  if (def.proto_field) {
    if (with_tag) put_tag(out, e.number, wire_of(def.proto_field));
    put_value(out, def.proto_field, row, slot);
  } else {
    if (with_tag) put_tag(out, e.number, synth_wire(def.type));
    put_synth(out, def.type, row, slot);
  }
  (void)depth;
}

void ProtobufEncoder::encode_level(const Plan& plan, size_t level, const Row& row,
                                   std::string& out, size_t depth) {
  for (const auto& e : plan.levels[level]) {
    if (e.child >= 0) {
      std::string& sub = scratch(depth + 1);
      encode_level(plan, static_cast<size_t>(e.child), row, sub, depth + 1);
      if (sub.empty()) continue;
      put_tag(out, e.number, kLen);
      put_varint(out, sub.size());
      out.append(sub);
      continue;
    }
    const auto slot = static_cast<uint32_t>(e.slot);
    if (!row.has(slot)) continue;
    if (e.def->type != FieldType::kList) {
      encode_leaf(e, row, slot, out, depth);
      continue;
    }
    const size_t n = row.list_size(slot);
    const FD* f = e.def->proto_field;
    if (e.def->scalar_list && f && wire_of(f) != kLen) {  // packed
      if (n == 0) continue;
      std::string& sub = scratch(depth + 1);
      for (size_t i = 0; i < n; ++i) put_value(sub, f, row.list_at(slot, i), 0);
      put_tag(out, e.number, kLen);
      put_varint(out, sub.size());
      out.append(sub);
      continue;
    }
    for (size_t i = 0; i < n; ++i) {
      const Row& element = row.list_at(slot, i);
      if (e.def->scalar_list && f) {
        put_tag(out, e.number, kLen);
        put_value(out, f, element, 0);
        continue;
      }
      std::string& sub = scratch(depth + 1);
      encode_level(*e.element, 0, element, sub, depth + 1);
      put_tag(out, e.number, kLen);
      put_varint(out, sub.size());
      out.append(sub);
    }
  }
}

namespace {

struct Reader {
  const uint8_t* p;
  const uint8_t* end;
  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) return false;
      const uint8_t b = *p++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  template <class T>
  bool fixed(T& v) {
    if (end - p < static_cast<ptrdiff_t>(sizeof(T))) return false;
    std::memcpy(&v, p, sizeof(T));
    p += sizeof(T);
    return true;
  }
  bool bytes(std::string_view& s) {
    uint64_t n;
    if (!varint(n) || n > static_cast<uint64_t>(end - p)) return false;
    s = std::string_view(reinterpret_cast<const char*>(p), n);
    p += n;
    return true;
  }
  bool skip(uint32_t wire) {
    uint64_t v;
    std::string_view s;
    switch (wire) {
      case kVarint: return varint(v);
      case kFixed64: return fixed(v);
      case kFixed32: { uint32_t w; return fixed(w); }
      case kLen: return bytes(s);
      default: return false;  // groups are not supported
    }
  }
};

Status malformed(const std::string& where) {
  return Status::InvalidRecord("malformed protobuf" + (where.empty() ? "" : " at '" + where + "'"));
}

// Reads one scalar of a descriptor field with wire type `wire` into row[slot].
bool read_value(Reader& r, uint32_t wire, const FD* f, Row& row, uint32_t slot) {
  if (wire != wire_of(f)) return false;
  uint64_t v;
  switch (f->type()) {
    case FD::TYPE_DOUBLE: { double d; if (!r.fixed(d)) return false; row.set_double(slot, d); return true; }
    case FD::TYPE_FLOAT: { float d; if (!r.fixed(d)) return false; row.set_double(slot, d); return true; }
    case FD::TYPE_FIXED64: case FD::TYPE_SFIXED64: { int64_t d; if (!r.fixed(d)) return false; row.set_int(slot, d); return true; }
    case FD::TYPE_FIXED32: case FD::TYPE_SFIXED32: { int32_t d; if (!r.fixed(d)) return false; row.set_int(slot, d); return true; }
    case FD::TYPE_STRING: case FD::TYPE_BYTES: { std::string_view s; if (!r.bytes(s)) return false; row.set_string(slot, s); return true; }
    default: break;
  }
  if (!r.varint(v)) return false;
  switch (f->type()) {
    case FD::TYPE_SINT32: case FD::TYPE_SINT64: row.set_int(slot, unzigzag(v)); return true;
    case FD::TYPE_INT32: row.set_int(slot, static_cast<int32_t>(v)); return true;
    case FD::TYPE_UINT32: row.set_int(slot, static_cast<uint32_t>(v)); return true;
    case FD::TYPE_BOOL: row.set_bool(slot, v != 0); return true;
    case FD::TYPE_ENUM: {
      const auto* ev = f->enum_type()->FindValueByNumber(static_cast<int>(v));
      if (ev) row.set_string(slot, ev->name());  // unknown enum numbers read as absent
      return true;
    }
    default: row.set_int(slot, static_cast<int64_t>(v)); return true;
  }
}

bool read_synth(Reader& r, uint32_t wire, FieldType type, Row& row, uint32_t slot) {
  if (wire != synth_wire(type)) return false;
  uint64_t v;
  switch (type) {
    case FieldType::kBool: if (!r.varint(v)) return false; row.set_bool(slot, v != 0); return true;
    case FieldType::kInt64: if (!r.varint(v)) return false; row.set_int(slot, unzigzag(v)); return true;
    case FieldType::kDouble: { double d; if (!r.fixed(d)) return false; row.set_double(slot, d); return true; }
    case FieldType::kString: { std::string_view s; if (!r.bytes(s)) return false; row.set_string(slot, s); return true; }
    case FieldType::kList: return false;
  }
  return false;
}

Status decode_level(const Plan& plan, size_t level, Reader r, Row& row, int depth) {
  if (depth > 64) return malformed("nesting too deep");
  const auto& entries = plan.levels[level];
  while (r.p < r.end) {
    uint64_t tag;
    if (!r.varint(tag)) return malformed("");
    const auto number = static_cast<int>(tag >> 3);
    const auto wire = static_cast<uint32_t>(tag & 7);
    const PlanEntry* e = nullptr;
    for (const auto& cand : entries) {
      if (cand.number == number) e = &cand;
    }
    if (!e) {
      if (!r.skip(wire)) return malformed("");
      continue;
    }
    if (e->child >= 0) {
      std::string_view s;
      if (wire != kLen || !r.bytes(s)) return malformed(e->name);
      const auto* b = reinterpret_cast<const uint8_t*>(s.data());
      SLUICE_RETURN_IF_ERROR(decode_level(plan, static_cast<size_t>(e->child), Reader{b, b + s.size()}, row, depth + 1));
      continue;
    }
    const auto slot = static_cast<uint32_t>(e->slot);
    const FieldDef& def = *e->def;
    if (def.type != FieldType::kList) {
      const bool ok = def.proto_field ? read_value(r, wire, def.proto_field, row, slot)
                                      : read_synth(r, wire, def.type, row, slot);
      if (!ok) return malformed(def.path);
      continue;
    }
    const FD* f = def.proto_field;
    if (def.scalar_list && f) {
      if (wire == kLen && wire_of(f) != kLen) {  // packed
        std::string_view s;
        if (!r.bytes(s)) return malformed(def.path);
        const auto* b = reinterpret_cast<const uint8_t*>(s.data());
        Reader packed{b, b + s.size()};
        if (packed.p == packed.end && !row.has(slot)) row.set_empty_list(slot);
        while (packed.p < packed.end) {
          if (!read_value(packed, wire_of(f), f, row.add_list_element(slot), 0)) return malformed(def.path);
        }
      } else if (!read_value(r, wire, f, row.add_list_element(slot), 0)) {
        return malformed(def.path);
      }
      continue;
    }
    std::string_view s;
    if (wire != kLen || !r.bytes(s)) return malformed(def.path);
    const auto* b = reinterpret_cast<const uint8_t*>(s.data());
    SLUICE_RETURN_IF_ERROR(decode_level(*e->element, 0, Reader{b, b + s.size()}, row.add_list_element(slot), depth + 1));
  }
  return Status::Ok();
}

}  // namespace

Status decode_protobuf(const Plan& plan, std::string_view bytes, Row& out) {
  out.reset(plan.schema);
  const auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
  return decode_level(plan, 0, Reader{b, b + bytes.size()}, out, 0);
}

}  // namespace sluice::serde::detail
