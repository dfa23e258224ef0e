#include <charconv>
#include <cmath>

#include "serde/detail/json_codec.h"

namespace sluice::serde::detail {

namespace {

void append_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void append_scalar(std::string& out, const Row& row, uint32_t slot) {
  char buf[32];
  switch (row.schema()->field(slot).type) {
    case FieldType::kBool: out += row.get_bool(slot) ? "true" : "false"; break;
    case FieldType::kInt64: {
      auto r = std::to_chars(buf, buf + sizeof buf, row.get_int(slot));
      out.append(buf, r.ptr);
      break;
    }
    case FieldType::kDouble: {
      const double d = row.get_double(slot);
      if (!std::isfinite(d)) {
        out += "null";  // JSON has no NaN or infinity
        break;
      }
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      out.append(buf, r.ptr);
      break;
    }
    case FieldType::kString: append_escaped(out, row.get_string(slot)); break;
    case FieldType::kList: out += "null"; break;
  }
}

bool level_has_data(const Plan& plan, size_t level, const Row& row) {
  for (const auto& e : plan.levels[level]) {
    if (e.child >= 0 ? level_has_data(plan, static_cast<size_t>(e.child), row)
                     : row.has(static_cast<uint32_t>(e.slot))) {
      return true;
    }
  }
  return false;
}

void encode_level(const Plan& plan, size_t level, const Row& row, std::string& out) {
  out += '{';
  bool first = true;
  for (const auto& e : plan.levels[level]) {
    if (e.child >= 0) {
      if (!level_has_data(plan, static_cast<size_t>(e.child), row)) continue;
    } else if (!row.has(static_cast<uint32_t>(e.slot))) {
      continue;
    }
    if (!first) out += ',';
    first = false;
    append_escaped(out, e.name);
    out += ':';
    if (e.child >= 0) {
      encode_level(plan, static_cast<size_t>(e.child), row, out);
    } else if (e.def->type == FieldType::kList) {
      const auto slot = static_cast<uint32_t>(e.slot);
      out += '[';
      for (size_t i = 0; i < row.list_size(slot); ++i) {
        if (i) out += ',';
        const Row& element = row.list_at(slot, i);
        if (e.def->scalar_list) {
          if (element.has(0)) {
            append_scalar(out, element, 0);
          } else {
            out += "null";
          }
        } else {
          encode_level(*e.element, 0, element, out);
        }
      }
      out += ']';
    } else {
      append_scalar(out, row, static_cast<uint32_t>(e.slot));
    }
  }
  out += '}';
}

}  // namespace

void encode_json(const Plan& plan, const Row& row, std::string& out) {
  encode_level(plan, 0, row, out);
}

}  // namespace sluice::serde::detail
