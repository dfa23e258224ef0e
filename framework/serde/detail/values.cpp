#include "serde/detail/values.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

namespace sluice::serde::detail {

bool fits_kind(Kind kind, int64_t n) {
  switch (kind) {
    case Kind::kInt32:
    case Kind::kSInt32:
    case Kind::kSFixed32:
      return n >= std::numeric_limits<int32_t>::min() && n <= std::numeric_limits<int32_t>::max();
    case Kind::kUInt32:
    case Kind::kFixed32:
      return n >= 0 && n <= std::numeric_limits<uint32_t>::max();
    default:
      return true;
  }
}

Status out_of_range(const PlanEntry& e, int64_t n) {
  return Status::TypeMismatch("field '" + e.path + "': " + std::to_string(n) +
                              " is out of range for a 32-bit integer");
}

bool parse_special_double(std::string_view s, double& d) {
  if (s == "NaN") {
    d = std::numeric_limits<double>::quiet_NaN();
  } else if (s == "Infinity") {
    d = std::numeric_limits<double>::infinity();
  } else if (s == "-Infinity") {
    d = -std::numeric_limits<double>::infinity();
  } else {
    return false;
  }
  return true;
}

Status narrow_to_float(const PlanEntry& e, double& d) {
  if (std::isfinite(d) && std::fabs(d) > FLT_MAX) {
    return Status::TypeMismatch("field '" + e.path + "': out of range for a float");
  }
  d = static_cast<float>(d);
  return Status::Ok();
}

float to_float(double d) {
  if (std::isfinite(d) && std::fabs(d) > FLT_MAX) {
    return d > 0 ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
  }
  return static_cast<float>(d);
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (end - p >= 8) {  // ASCII, eight bytes at a time
      uint64_t chunk;
      std::memcpy(&chunk, p, 8);
      if ((chunk & 0x8080808080808080ULL) == 0) {
        p += 8;
        continue;
      }
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if ((*p & 0xe0) == 0xc0) {
      n = 1, cp = *p & 0x1f;
    } else if ((*p & 0xf0) == 0xe0) {
      n = 2, cp = *p & 0x0f;
    } else if ((*p & 0xf8) == 0xf0) {
      n = 3, cp = *p & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    // Overlong forms, surrogates and code points past Unicode are not UTF-8.
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    p += n + 1;
  }
  return true;
}

Status debezium_image(std::string_view op, bool have_before, bool have_after, bool& is_delete) {
  is_delete = op == "d";
  if (op.empty()) return Status::MissingField("missing required field 'op' (Debezium envelope)");
  if (is_delete) {
    return have_before ? Status::Ok()
                       : Status::MissingField("Debezium delete without a 'before' image");
  }
  if (op != "c" && op != "r" && op != "u") {
    return Status::InvalidRecord("Debezium envelope with unsupported op '" + std::string(op) + "'");
  }
  return have_after
             ? Status::Ok()
             : Status::MissingField("Debezium '" + std::string(op) + "' event without 'after'");
}

Status in_element(const Status& st, const PlanEntry& list, size_t index) {
  std::string msg = "in '" + list.path + "[" + std::to_string(index) + "]': " + st.message();
  switch (st.code()) {
    case Status::Code::kTypeMismatch:
      return Status::TypeMismatch(std::move(msg));
    case Status::Code::kMissingField:
      return Status::MissingField(std::move(msg));
    default:
      return Status::InvalidRecord(std::move(msg));
  }
}

}  // namespace sluice::serde::detail
