#include <cstring>

#include "serde/detail/protobuf_codec.h"
#include "serde/detail/values.h"

namespace sluice::serde::detail {

namespace {

constexpr int kMaxDepth = 100;  // protobuf's own default recursion limit
constexpr uint64_t kMaxFieldNumber = (uint64_t{1} << 29) - 1;

struct Reader {
  const uint8_t* p;
  const uint8_t* end;

  static Reader of(std::string_view s) {
    const auto* b = reinterpret_cast<const uint8_t*>(s.data());
    return {b, b + s.size()};
  }
  bool varint(uint64_t& v) {
    if (p < end && *p < 0x80) {  // one-byte values (most tags and lengths)
      v = *p++;
      return true;
    }
    v = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
      const uint8_t b = *p++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;  // truncated, or longer than ten bytes
  }
  template <class T>
  bool fixed(T& v) {
    if (static_cast<size_t>(end - p) < sizeof(T)) return false;
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
};

int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

enum class ReadError : uint8_t { kNone, kTruncated, kUtf8 };

// Reads one value of `kind` (its wire type already checked) into row[slot].
ReadError read_value(Reader& r, Kind kind, const FieldDef& def, Row& row, uint32_t slot) {
  switch (kind) {
    case Kind::kDouble: {
      double d;
      if (!r.fixed(d)) return ReadError::kTruncated;
      row.set_double(slot, d);
      return ReadError::kNone;
    }
    case Kind::kFloat: {
      float f;
      if (!r.fixed(f)) return ReadError::kTruncated;
      row.set_double(slot, f);
      return ReadError::kNone;
    }
    case Kind::kFixed64:
    case Kind::kSFixed64: {
      uint64_t v;
      if (!r.fixed(v)) return ReadError::kTruncated;
      row.set_int(slot, static_cast<int64_t>(v));
      return ReadError::kNone;
    }
    case Kind::kFixed32:
    case Kind::kSFixed32: {
      uint32_t v;
      if (!r.fixed(v)) return ReadError::kTruncated;
      row.set_int(slot, kind == Kind::kFixed32 ? int64_t{v} : int64_t{static_cast<int32_t>(v)});
      return ReadError::kNone;
    }
    case Kind::kString:
    case Kind::kBytes: {
      std::string_view s;
      if (!r.bytes(s)) return ReadError::kTruncated;
      // Protobuf rejects proto3 strings that are not UTF-8; a Row's strings must be JSON text.
      if (kind == Kind::kString && !valid_utf8(s)) return ReadError::kUtf8;
      row.set_string(slot, s);
      return ReadError::kNone;
    }
    default:
      break;
  }
  uint64_t v;
  if (!r.varint(v)) return ReadError::kTruncated;
  switch (kind) {
    case Kind::kBool:
      row.set_bool(slot, v != 0);
      break;
    case Kind::kInt32:
      row.set_int(slot, static_cast<int32_t>(v));
      break;
    case Kind::kUInt32:
      row.set_int(slot, static_cast<uint32_t>(v));
      break;
    case Kind::kSInt32:
      row.set_int(slot, static_cast<int32_t>(unzigzag(v)));
      break;
    case Kind::kSInt64:
      row.set_int(slot, unzigzag(v));
      break;
    case Kind::kEnum:
      // An unknown number (from a newer producer) reads as absent rather than failing the record.
      if (const auto* ev = def.enum_value(static_cast<int32_t>(v))) row.set_string(slot, ev->name);
      break;
    default:
      row.set_int(slot, static_cast<int64_t>(v));
      break;  // int64, uint64
  }
  return ReadError::kNone;
}

bool skip(Reader& r, uint8_t wire, uint64_t number, int depth) {
  uint64_t v;
  std::string_view s;
  switch (wire) {
    case kVarint:
      return r.varint(v);
    case kFixed64Wire:
      return r.fixed(v);
    case kFixed32Wire: {
      uint32_t w;
      return r.fixed(w);
    }
    case kLen:
      return r.bytes(s);
    case kStartGroup:
      if (depth > kMaxDepth) return false;
      while (true) {
        uint64_t tag;
        if (!r.varint(tag)) return false;
        const auto inner = static_cast<uint8_t>(tag & 7);
        if (inner == kEndGroup) return (tag >> 3) == number;
        if (!skip(r, inner, tag >> 3, depth + 1)) return false;
      }
    default:
      return false;  // an end-group without its start, or wire types 6 and 7
  }
}

Status malformed(const std::string& where) {
  return Status::InvalidRecord("malformed protobuf" +
                               (where.empty() ? std::string() : " in '" + where + "'"));
}

Status read_error(ReadError err, const PlanEntry& e) {
  return err == ReadError::kUtf8
             ? Status::InvalidRecord("field '" + e.path + "': string is not valid UTF-8")
             : malformed(e.path);
}

Status wrong_wire(const PlanEntry& e, uint8_t wire) {
  return Status::TypeMismatch("field '" + e.path + "': wire type " + std::to_string(wire) +
                              ", expected " + std::to_string(e.wire));
}

Status decode_level(const Plan& plan, int32_t level, Reader r, Row& row, int depth);

Status decode_list(const PlanEntry& e, uint8_t wire, Reader& r, Row& row, int depth) {
  const auto slot = static_cast<uint32_t>(e.slot);
  std::string_view body;
  if (!e.def->scalar_list) {
    if (wire != kLen) return wrong_wire(e, wire);
    if (!r.bytes(body)) return malformed(e.path);
    return decode_level(*e.element, 0, Reader::of(body), row.add_list_element(slot), depth + 1);
  }
  const PlanEntry& value = e.element->levels[0].entries[0];
  const uint8_t element_wire = wire_of(e.element_kind);
  if (wire == kLen && element_wire != kLen) {  // packed; parsers must accept it either way
    if (!r.bytes(body)) return malformed(e.path);
    if (!row.has(slot)) row.set_empty_list(slot);
    for (Reader packed = Reader::of(body); packed.p < packed.end;) {
      const ReadError err =
          read_value(packed, e.element_kind, *value.def, row.add_list_element(slot), 0);
      if (err != ReadError::kNone) return read_error(err, e);
    }
    return Status::Ok();
  }
  if (wire != element_wire) return wrong_wire(e, wire);
  const ReadError err = read_value(r, e.element_kind, *value.def, row.add_list_element(slot), 0);
  return err == ReadError::kNone ? Status::Ok() : read_error(err, e);
}

Status decode_level(const Plan& plan, int32_t level, Reader r, Row& row, int depth) {
  const Level& lv = plan.levels[static_cast<size_t>(level)];
  if (depth > kMaxDepth) return malformed(lv.path);
  while (r.p < r.end) {
    uint64_t tag;
    if (!r.varint(tag)) return malformed(lv.path);
    const uint64_t number = tag >> 3;
    const auto wire = static_cast<uint8_t>(tag & 7);
    if (number == 0 || number > kMaxFieldNumber) return malformed(lv.path);
    const int32_t index = lv.find_number(number);
    if (index < 0) {
      if (!skip(r, wire, number, depth)) return malformed(lv.path);
      continue;
    }
    const PlanEntry& e = lv.entries[static_cast<size_t>(index)];
    if (e.kind == Kind::kList) {
      SLUICE_RETURN_IF_ERROR(decode_list(e, wire, r, row, depth));
      continue;
    }
    if (wire != e.wire) return wrong_wire(e, wire);
    if (e.kind == Kind::kMessage) {
      // A message seen twice merges, as protobuf's parser does: its fields simply land again.
      std::string_view body;
      if (!r.bytes(body)) return malformed(e.path);
      SLUICE_RETURN_IF_ERROR(decode_level(plan, e.child, Reader::of(body), row, depth + 1));
      continue;
    }
    const ReadError err = read_value(r, e.kind, *e.def, row, static_cast<uint32_t>(e.slot));
    if (err != ReadError::kNone) return read_error(err, e);
  }
  return Status::Ok();
}

}  // namespace

Status decode_protobuf(const Plan& plan, std::string_view bytes, Row& out) {
  out.reset(plan.schema);
  return decode_level(plan, 0, Reader::of(bytes), out, 0);
}

}  // namespace sluice::serde::detail
