#include "serde/detail/json_decoder.h"

// Only the error-code API: a simdjson call that could throw does not compile here.
#define SIMDJSON_EXCEPTIONS 0
#include <simdjson.h>

#include <cstring>

#include "serde/detail/base64.h"
#include "serde/detail/values.h"

namespace sluice::serde::detail {

namespace {

namespace od = simdjson::ondemand;
using simdjson::SUCCESS;

Status malformed(std::string_view where, simdjson::error_code ec) {
  return Status::InvalidRecord(
      "malformed JSON" + (where.empty() ? std::string() : " at '" + std::string(where) + "'") +
      ": " + simdjson::error_message(ec));
}

std::string_view type_name(od::json_type t) {
  switch (t) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "an unknown value";
}

std::string type_name(od::value& v) {
  od::json_type t;
  return v.type().get(t) == SUCCESS ? std::string(type_name(t)) : "malformed JSON";
}

class Walker {
 public:
  const char* end = nullptr;  // end of the input in the padded buffer: bounds raw key scans

  Status object(const Plan& plan, int32_t level_index, od::object obj, Row& row) {
    const Level& level = plan.levels[static_cast<size_t>(level_index)];
    for (auto item : obj) {
      // Used in place: moving the field out costs a store-forwarding stall per key.
      if (item.error() != SUCCESS) return malformed(level.path, item.error());
      od::field& field = item.value_unsafe();
      const char* raw = field.key().raw();  // key() may not be called once unescaped
      int32_t index = level.keys.find_raw(raw, end);
      if (index < 0) {
        std::string_view key;
        if (auto ec = raw_key(field, key); ec != SUCCESS) return malformed(level.path, ec);
        if (key.data() != raw) index = level.keys.find(key.data(), key.size());
        if (index < 0) continue;  // unknown keys are skipped; On-Demand never parses their values
      }
      const PlanEntry& e = level.entries[static_cast<size_t>(index)];
      od::value& v = field.value();
      if (fast_scalar(e, v, row)) continue;
      Status st = e.kind == Kind::kMessage ? nested(plan, e, v, row)
                  : e.kind == Kind::kList  ? list(e, v, row)
                                           : scalar(e, v, row, static_cast<uint32_t>(e.slot));
      if (!st.ok()) return st;
    }
    return Status::Ok();
  }

  // The common cases, inline in the field loop; false leaves the value unread for the general
  // path (which also produces the errors).
  static bool fast_scalar(const PlanEntry& e, od::value& v, Row& row) {
    const auto slot = static_cast<uint32_t>(e.slot);
    switch (e.kind) {
      case Kind::kString: {
        std::string_view s;
        if (v.get_string().get(s) != SUCCESS) return false;
        row.set_string(slot, s);
        return true;
      }
      case Kind::kInt64:
      case Kind::kSInt64:
      case Kind::kSFixed64: {
        int64_t n;
        if (v.get_int64().get(n) != SUCCESS) return false;
        row.set_int(slot, n);
        return true;
      }
      case Kind::kDouble: {
        double d;
        if (v.get_double().get(d) != SUCCESS) return false;
        row.set_double(slot, d);
        return true;
      }
      case Kind::kBool: {
        bool b;
        if (v.get_bool().get(b) != SUCCESS) return false;
        row.set_bool(slot, b);
        return true;
      }
      case Kind::kEnum: {
        // Peeked, not read, so that an unknown or escaped name can still take the general path.
        const std::string_view token = v.raw_json_token();
        const size_t close = token.find('"', 1);
        if (token.empty() || token[0] != '"' || close == std::string_view::npos) return false;
        const std::string_view name = token.substr(1, close - 1);
        const FieldDef::EnumValue* ev = e.def->enum_value(name);
        od::raw_json_string consumed;
        if (!ev || name.find('\\') != std::string_view::npos ||
            v.get_raw_json_string().get(consumed) != SUCCESS) {
          return false;
        }
        row.set_string(slot, ev->name);
        return true;
      }
      default:
        return false;
    }
  }

  // The key's bytes in the input when it has no escapes (nearly always), else unescaped.
  simdjson::error_code raw_key(od::field& field, std::string_view& key) {
    const char* p = field.key().raw();
    const char* q = p;
    while (q < end && *q != '"') {
      if (*q == '\\') return field.unescaped_key().get(key);
      ++q;
    }
    key = std::string_view(p, static_cast<size_t>(q - p));
    return SUCCESS;
  }

 private:
  // Anything but the expected type: null leaves the field absent, a value of another JSON type
  // is a TypeMismatch, and a token that is not JSON at all (On-Demand only finds out when a
  // value is read) is InvalidRecord.
  Status other(const PlanEntry& e, od::value& v, std::string_view expected) {
    od::json_type t;
    if (v.type().get(t) != SUCCESS) return malformed(e.path, simdjson::TAPE_ERROR);
    bool null = false, b = false;
    double d = 0;
    std::string_view str;
    if (t == od::json_type::null && v.is_null().get(null) == SUCCESS && null) return Status::Ok();
    // Objects and arrays are checked as far as they are read; other values are read here.
    const bool valid = t == od::json_type::boolean  ? v.get_bool().get(b) == SUCCESS
                       : t == od::json_type::number ? v.get_double().get(d) == SUCCESS
                       : t == od::json_type::string ? v.get_string().get(str) == SUCCESS
                                                    : t != od::json_type::null;
    if (!valid) return Status::InvalidRecord("malformed JSON value at '" + e.path + "'");
    return Status::TypeMismatch("field '" + e.path + "': expected " + std::string(expected) +
                                ", got " + std::string(type_name(t)));
  }

  Status nested(const Plan& plan, const PlanEntry& e, od::value& v, Row& row) {
    od::object obj;
    if (v.get_object().get(obj) != SUCCESS) return other(e, v, "an object");
    return object(plan, e.child, obj, row);
  }

  Status list(const PlanEntry& e, od::value& v, Row& row) {
    const auto slot = static_cast<uint32_t>(e.slot);
    od::array arr;
    if (v.get_array().get(arr) != SUCCESS) return other(e, v, "an array");
    row.set_empty_list(slot);
    const Plan& element = *e.element;
    size_t count = 0;
    for (auto item : arr) {
      const size_t index = count++;
      od::value ev;
      if (auto ec = std::move(item).get(ev); ec != SUCCESS) return malformed(e.path, ec);
      Row& er = row.add_list_element(slot);
      Status st;
      if (e.def->scalar_list) {
        const PlanEntry& value = element.levels[0].entries[0];
        if (fast_scalar(value, ev, er)) continue;
        st = scalar(value, ev, er, 0);
      } else {
        od::object obj;
        st = ev.get_object().get(obj) == SUCCESS ? object(element, 0, obj, er)
                                                 : other(e, ev, "an array of objects");
      }
      if (!st.ok()) return in_element(st, e, index);
    }
    return Status::Ok();
  }

  // What fast_scalar declined: the other accepted forms, and the errors.
  Status scalar(const PlanEntry& e, od::value& v, Row& row, uint32_t slot) {
    switch (e.kind) {
      case Kind::kString: {
        // Ids are numbers in one system and strings in the next (seed 002: Debezium's product
        // id 1 vs an order item's "21"); a number keeps its literal text, so both join.
        od::json_type t;
        if (v.type().get(t) == SUCCESS && t == od::json_type::number) {
          std::string_view token = v.raw_json_token();
          while (!token.empty() && (token.back() == ' ' || token.back() == '\n' ||
                                    token.back() == '\r' || token.back() == '\t')) {
            token.remove_suffix(1);
          }
          row.set_string(slot, token);
          return Status::Ok();
        }
        return other(e, v, "a string");
      }
      case Kind::kBool:
        return other(e, v, "a boolean");
      case Kind::kEnum:
        return enumeration(e, v, row, slot);
      case Kind::kDouble:
      case Kind::kFloat:
        return floating(e, v, row, slot);
      case Kind::kBytes: {
        std::string_view s;
        if (v.get_string().get(s) != SUCCESS) return other(e, v, "a base64 string");
        if (!decode_base64(s, scratch_)) {
          return Status::TypeMismatch("field '" + e.path + "': invalid base64");
        }
        row.set_string(slot, scratch_);
        return Status::Ok();
      }
      case Kind::kMessage:
      case Kind::kList:
        return other(e, v, "a scalar");
      default:
        return integer(e, v, row, slot);
    }
  }

  Status integer(const PlanEntry& e, od::value& v, Row& row, uint32_t slot) {
    int64_t n = 0;
    simdjson::error_code ec;
    if (e.kind == Kind::kUInt64 || e.kind == Kind::kFixed64) {
      uint64_t u = 0;
      ec = v.get_uint64().get(u);
      if (ec != SUCCESS) ec = v.get_uint64_in_string().get(u);
      n = static_cast<int64_t>(u);  // the bit pattern, as protobuf's C++ API would cast it
    } else {
      ec = v.get_int64().get(n);
      // Protobuf's JSON mapping writes 64-bit integers as strings.
      if (ec != SUCCESS) ec = v.get_int64_in_string().get(n);
    }
    if (ec != SUCCESS) return other(e, v, "an integer");
    if (!fits_kind(e.kind, n)) return out_of_range(e, n);
    row.set_int(slot, n);
    return Status::Ok();
  }

  Status floating(const PlanEntry& e, od::value& v, Row& row, uint32_t slot) {
    double d = 0;
    if (v.get_double().get(d) != SUCCESS && v.get_double_in_string().get(d) != SUCCESS) {
      std::string_view s;
      if (v.get_string().get(s) != SUCCESS) return other(e, v, "a number");
      if (!parse_special_double(s, d)) {
        return Status::TypeMismatch("field '" + e.path + "': expected a number, got a string");
      }
    }
    if (e.kind == Kind::kFloat) SLUICE_RETURN_IF_ERROR(narrow_to_float(e, d));
    row.set_double(slot, d);
    return Status::Ok();
  }

  Status enumeration(const PlanEntry& e, od::value& v, Row& row, uint32_t slot) {
    std::string_view name;
    int64_t number = 0;
    const FieldDef::EnumValue* ev = nullptr;
    if (v.get_string().get(name) == SUCCESS) {
      ev = e.def->enum_value(name);
    } else if (v.get_int64().get(number) == SUCCESS) {
      if (number >= INT32_MIN && number <= INT32_MAX) {
        ev = e.def->enum_value(static_cast<int>(number));
      }
    } else {
      return other(e, v, "an enum name or number");
    }
    if (!ev) {
      return Status::TypeMismatch("field '" + e.path + "': unknown enum value '" +
                                  (name.data() ? std::string(name) : std::to_string(number)) + "'");
    }
    row.set_string(slot, ev->name);
    return Status::Ok();
  }

  std::string scratch_;  // decoded base64, reused
};

}  // namespace

struct JsonDecoder::Impl {
  std::shared_ptr<const Plan> plan;
  Envelope envelope = Envelope::kNone;
  od::parser parser;
  std::string buffer;  // the input copied with simdjson's padding; capacity reused
  Walker walker;
  // Debezium: the image not returned, and the op, reused across records.
  Row other_image;
  std::string op;
  bool have_after = false;
  bool have_before = false;

  Status parse(std::string_view json, od::document& doc, od::object& root) {
    const size_t need = json.size() + simdjson::SIMDJSON_PADDING;
    if (buffer.size() < need) buffer.resize(need);
    std::memcpy(buffer.data(), json.data(), json.size());
    std::memset(buffer.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    walker.end = buffer.data() + json.size();
    if (auto ec = parser.iterate(buffer.data(), json.size(), buffer.size()).get(doc);
        ec != SUCCESS) {
      return malformed("", ec);
    }
    if (auto ec = doc.get_object().get(root); ec != SUCCESS) {
      return ec == simdjson::INCORRECT_TYPE
                 ? Status::InvalidRecord("malformed JSON: the value is not an object")
                 : malformed("", ec);
    }
    return Status::Ok();
  }

  // On-Demand only sees what it is asked for: content after the root object must be looked for.
  static Status check_end(od::document& doc) {
    const char* location = nullptr;
    if (doc.current_location().get(location) == SUCCESS) {
      return Status::InvalidRecord("malformed JSON: content after the root object");
    }
    return Status::Ok();
  }

  Status decode_plain(std::string_view json, Row& out) {
    od::document doc;
    od::object root;
    SLUICE_RETURN_IF_ERROR(parse(json, doc, root));
    SLUICE_RETURN_IF_ERROR(walker.object(*plan, 0, root, out));
    return check_end(doc);
  }

  Status decode_debezium(std::string_view json, Row& out) {
    other_image.reset(plan->schema);
    op.clear();
    have_after = have_before = false;
    od::document doc;
    od::object root;
    SLUICE_RETURN_IF_ERROR(parse(json, doc, root));
    // Both images are decoded as they come: "op" usually follows them.
    SLUICE_RETURN_IF_ERROR(envelope_fields(root, out, true));
    SLUICE_RETURN_IF_ERROR(check_end(doc));
    bool is_delete = false;
    SLUICE_RETURN_IF_ERROR(debezium_image(op, have_before, have_after, is_delete));
    if (is_delete) {
      std::swap(out, other_image);  // swaps buffers too: neither row loses its capacity
      out.set_tombstone(true);
    }
    return Status::Ok();
  }

  Status envelope_fields(od::object obj, Row& after, bool top) {
    for (auto item : obj) {
      od::field field;
      std::string_view key;
      if (auto ec = std::move(item).get(field); ec != SUCCESS) return malformed("", ec);
      if (auto ec = walker.raw_key(field, key); ec != SUCCESS) return malformed("", ec);
      od::value& v = field.value();
      const bool is_after = key == "after";
      if (top && key == "payload") {  // {"schema": ..., "payload": {...}} (schemas enabled)
        od::object payload;
        if (v.get_object().get(payload) != SUCCESS) continue;
        SLUICE_RETURN_IF_ERROR(envelope_fields(payload, after, false));
      } else if (key == "op") {
        std::string_view s;
        if (v.get_string().get(s) != SUCCESS) {
          return Status::TypeMismatch("Debezium 'op': expected a string, got " + type_name(v));
        }
        op.assign(s);
      } else if (is_after || key == "before") {
        od::object image;
        if (v.get_object().get(image) != SUCCESS) {
          bool null = false;
          if (v.is_null().get(null) == SUCCESS && null) continue;
          return Status::TypeMismatch("Debezium '" + std::string(key) +
                                      "': expected an object or null, got " + type_name(v));
        }
        SLUICE_RETURN_IF_ERROR(walker.object(*plan, 0, image, is_after ? after : other_image));
        (is_after ? have_after : have_before) = true;
      }
    }
    return Status::Ok();
  }
};

JsonDecoder::JsonDecoder(std::shared_ptr<const Plan> plan, Envelope envelope)
    : impl_(std::make_unique<Impl>()) {
  impl_->plan = std::move(plan);
  impl_->envelope = envelope;
}

JsonDecoder::~JsonDecoder() = default;

Status JsonDecoder::decode(std::string_view json, Row& out) {
  out.reset(impl_->plan->schema);
  return impl_->envelope == Envelope::kDebezium ? impl_->decode_debezium(json, out)
                                                : impl_->decode_plain(json, out);
}

}  // namespace sluice::serde::detail
