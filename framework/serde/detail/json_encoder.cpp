#include "serde/detail/json_encoder.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "serde/detail/base64.h"
#include "serde/detail/values.h"

namespace sluice::serde::detail {

namespace {

constexpr std::array<bool, 256> make_escape_table() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}
constexpr auto kNeedsEscape = make_escape_table();

// Whether any of eight bytes is a control character, a quote or a backslash (SWAR: a byte
// compare sets that byte's high bit; only the presence of some match is exact, which is all
// the caller asks).
bool chunk_needs_escape(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const uint64_t below_space = (x - kOnes * 0x20) & ~x & kHighs;
  return (below_space | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\'))) != 0;
}

template <class T>
void append_number(std::string& out, T v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_double(std::string& out, double d, bool as_float) {
  if (as_float) d = to_float(d);  // what the float field holds
  if (std::isnan(d)) {
    out += "\"NaN\"";  // JSON has no NaN or infinities; protobuf's JSON mapping uses strings
  } else if (std::isinf(d)) {
    out += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else if (d == 0 && std::signbit(d)) {
    out += "-0.0";  // "-0" reads back as the integer 0 in some parsers (protobuf's among them)
  } else if (as_float) {
    append_number(out, static_cast<float>(d));  // the shortest text that reads back the float
  } else {
    append_number(out, d);
  }
}

void append_scalar(std::string& out, Kind kind, const Row& row, uint32_t slot) {
  switch (kind) {
    case Kind::kBool:
      out += row.get_bool(slot) ? "true" : "false";
      break;
    case Kind::kDouble:
      append_double(out, row.get_double(slot), false);
      break;
    case Kind::kFloat:
      append_double(out, row.get_double(slot), true);
      break;
    case Kind::kString:
    case Kind::kEnum:
      append_json_string(out, row.get_string(slot));
      break;
    case Kind::kBytes:
      out += '"';
      append_base64(out, row.get_string(slot));
      out += '"';
      break;
    case Kind::kUInt64:
    case Kind::kFixed64:
      append_number(out, static_cast<uint64_t>(row.get_int(slot)));
      break;
    case Kind::kMessage:
    case Kind::kList:
      out += "null";
      break;
    default:
      append_number(out, row.get_int(slot));
      break;
  }
}

void append_key(std::string& out, bool& first, const PlanEntry& e) {
  if (!first) out += ',';
  first = false;
  out += e.json_key;
}

void append_list(std::string& out, const PlanEntry& e, const Row& row, uint32_t slot);

// Writes the fields of one level (without braces); false when none was present.
bool append_fields(std::string& out, const Plan& plan, int32_t level, const Row& row) {
  bool first = true;
  for (const PlanEntry& e : plan.levels[static_cast<size_t>(level)].entries) {
    if (e.kind == Kind::kMessage) {
      // Written optimistically and rolled back when empty: cheaper than looking ahead.
      const size_t mark = out.size();
      const bool was_first = first;
      append_key(out, first, e);
      out += '{';
      if (append_fields(out, plan, e.child, row)) {
        out += '}';
      } else {
        out.resize(mark);
        first = was_first;
      }
      continue;
    }
    const auto slot = static_cast<uint32_t>(e.slot);
    if (!row.has(slot)) continue;
    append_key(out, first, e);
    if (e.kind == Kind::kList) {
      append_list(out, e, row, slot);
    } else {
      append_scalar(out, e.kind, row, slot);
    }
  }
  return !first;
}

void append_list(std::string& out, const PlanEntry& e, const Row& row, uint32_t slot) {
  out += '[';
  const size_t n = row.list_size(slot);
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ',';
    const Row& element = row.list_at(slot, i);
    if (!e.def->scalar_list) {
      out += '{';
      append_fields(out, *e.element, 0, element);
      out += '}';
    } else if (element.has(0)) {
      append_scalar(out, e.element_kind, element, 0);
    } else {
      out += "null";
    }
  }
  out += ']';
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the pending run of characters that need no escape
  size_t i = 0;
  while (i < s.size()) {
    if (i + 8 <= s.size()) {  // most text needs no escape: look at eight bytes at a time
      uint64_t chunk;
      std::memcpy(&chunk, s.data() + i, 8);
      if (!chunk_needs_escape(chunk)) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i++]);
    if (!kNeedsEscape[c]) continue;
    out.append(s.data() + run, i - 1 - run);
    run = i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out.append(esc, 6);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void encode_json(const Plan& plan, const Row& row, std::string& out) {
  out += '{';
  append_fields(out, plan, 0, row);
  out += '}';
}

}  // namespace sluice::serde::detail
