#include <cstring>

#include "serde/detail/protobuf_codec.h"
#include "serde/detail/values.h"

namespace sluice::serde::detail {

namespace {

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

template <class T>
void put_fixed(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));  // protobuf is little-endian, as is every target we build
  out.append(buf, sizeof(T));
}

uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

// The number of an enum value held by name; false for a name the enum does not have.
bool enum_number(const FieldDef& def, const Row& row, uint32_t slot, int& number) {
  const FieldDef::EnumValue* ev = def.enum_value(row.get_string(slot));
  number = ev ? ev->number : 0;
  return ev != nullptr;
}

// Writes one value (no tag). An absent slot (a list element without a value) is written as the
// kind's default, since a repeated field has no way to skip a position.
void put_value(std::string& out, Kind kind, const FieldDef& def, const Row& row, uint32_t slot) {
  const bool has = row.has(slot);
  const auto ival = [&] { return has ? row.get_int(slot) : int64_t{0}; };
  switch (kind) {
    case Kind::kBool:
      put_varint(out, has && row.get_bool(slot) ? 1 : 0);
      break;
    case Kind::kInt64:
    case Kind::kUInt64:
      put_varint(out, static_cast<uint64_t>(ival()));
      break;
    // Negative int32 values are sign-extended to ten bytes on the wire, as protobuf does.
    case Kind::kInt32:
      put_varint(out, static_cast<uint64_t>(int64_t{static_cast<int32_t>(ival())}));
      break;
    case Kind::kUInt32:
      put_varint(out, static_cast<uint32_t>(ival()));
      break;
    case Kind::kSInt64:
      put_varint(out, zigzag(ival()));
      break;
    case Kind::kSInt32:
      put_varint(out, zigzag(static_cast<int32_t>(ival())));
      break;
    case Kind::kFixed64:
    case Kind::kSFixed64:
      put_fixed<uint64_t>(out, static_cast<uint64_t>(ival()));
      break;
    case Kind::kFixed32:
    case Kind::kSFixed32:
      put_fixed<uint32_t>(out, static_cast<uint32_t>(ival()));
      break;
    case Kind::kDouble:
      put_fixed<double>(out, has ? row.get_double(slot) : 0.0);
      break;
    case Kind::kFloat:
      put_fixed<float>(out, has ? to_float(row.get_double(slot)) : 0.f);
      break;
    case Kind::kString:
    case Kind::kBytes: {
      const std::string_view s = has ? row.get_string(slot) : std::string_view();
      put_varint(out, s.size());
      out.append(s);
      break;
    }
    case Kind::kEnum: {
      int number = 0;
      if (has) enum_number(def, row, slot, number);
      put_varint(out, static_cast<uint64_t>(int64_t{number}));
      break;
    }
    case Kind::kMessage:
    case Kind::kList:
      break;
  }
}

// Writes a tagged, length-delimited field whose body `write_body` appends, and returns the body
// size. One length byte is reserved up front (most bodies are under 128 bytes); a longer body
// is shifted to make room, which is cheaper than sizing every nested message first.
template <class F>
size_t put_delimited(std::string& out, const PlanEntry& e, F&& write_body) {
  out.append(e.tag, e.tag_len);
  const size_t len_at = out.size();
  out.push_back('\0');
  write_body();
  const size_t n = out.size() - len_at - 1;
  if (n < 0x80) {
    out[len_at] = static_cast<char>(n);
    return n;
  }
  char buf[10];
  size_t k = 0;
  for (uint64_t v = n; v; v >>= 7)
    buf[k++] = static_cast<char>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
  out.insert(len_at + 1, k - 1, '\0');
  std::memcpy(out.data() + len_at, buf, k);
  return n;
}

void encode_level(const Plan& plan, int32_t level, const Row& row, std::string& out);

void encode_list(const PlanEntry& e, const Row& row, uint32_t slot, std::string& out) {
  const size_t n = row.list_size(slot);
  if (n == 0) return;  // protobuf cannot tell an empty repeated field from an absent one
  if (!e.def->scalar_list) {
    for (size_t i = 0; i < n; ++i) {
      put_delimited(out, e, [&] { encode_level(*e.element, 0, row.list_at(slot, i), out); });
    }
    return;
  }
  const FieldDef& value = *e.element->levels[0].entries[0].def;
  if (e.packed) {
    put_delimited(out, e, [&] {
      for (size_t i = 0; i < n; ++i) put_value(out, e.element_kind, value, row.list_at(slot, i), 0);
    });
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    out.append(e.tag, e.tag_len);
    put_value(out, e.element_kind, value, row.list_at(slot, i), 0);
  }
}

void encode_level(const Plan& plan, int32_t level, const Row& row, std::string& out) {
  for (const PlanEntry& e : plan.levels[static_cast<size_t>(level)].entries) {
    if (e.kind == Kind::kMessage) {
      const size_t tag_at = out.size();
      if (put_delimited(out, e, [&] { encode_level(plan, e.child, row, out); }) == 0) {
        out.resize(tag_at);  // a nested message with no field present is left out
      }
      continue;
    }
    const auto slot = static_cast<uint32_t>(e.slot);
    if (!row.has(slot)) continue;
    if (e.kind == Kind::kList) {
      encode_list(e, row, slot, out);
      continue;
    }
    int number = 0;
    if (e.kind == Kind::kEnum && !enum_number(*e.def, row, slot, number)) {
      continue;  // a name the enum lacks has no number: left out, i.e. the default
    }
    out.append(e.tag, e.tag_len);
    put_value(out, e.kind, *e.def, row, slot);
  }
}

}  // namespace

void encode_protobuf(const Plan& plan, const Row& row, std::string& out) {
  encode_level(plan, 0, row, out);
}

}  // namespace sluice::serde::detail
