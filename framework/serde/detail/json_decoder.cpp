#include <google/protobuf/descriptor.h>
#include <simdjson.h>

#include <charconv>
#include <cstring>

#include "serde/detail/json_codec.h"

namespace sluice::serde::detail {

namespace sj = simdjson;
namespace od = simdjson::ondemand;

namespace {

const PlanEntry* find_entry(const std::vector<PlanEntry>& level, std::string_view key) {
  for (const auto& e : level) {
    if (e.json_name == key || e.name == key) return &e;
  }
  return nullptr;
}

Status type_error(const FieldDef& def, std::string_view expected) {
  return Status::TypeMismatch("field '" + def.path + "': expected " + std::string(expected));
}

Status decode_scalar(const PlanEntry& e, od::value& v, Row& row) {
  const FieldDef& def = *e.def;
  const uint32_t slot = static_cast<uint32_t>(e.slot);
  od::json_type type;
  if (v.type().get(type)) return Status::InvalidRecord("malformed JSON at field '" + def.path + "'");
  if (type == od::json_type::null) {
    row.set_null(slot);
    return Status::Ok();
  }
  switch (def.type) {
    case FieldType::kString: {
      if (def.proto_is_enum && type == od::json_type::number) {
        int64_t n;
        if (v.get_int64().get(n)) return type_error(def, "an enum name or number");
        const auto* ev = def.proto_field->enum_type()->FindValueByNumber(static_cast<int>(n));
        if (!ev) return type_error(def, "a known enum number");
        row.set_string(slot, ev->name());
        return Status::Ok();
      }
      std::string_view s;
      if (type != od::json_type::string || v.get_string().get(s)) return type_error(def, "a string");
      if (def.proto_is_enum && !def.proto_field->enum_type()->FindValueByName(std::string(s))) {
        return Status::TypeMismatch("field '" + def.path + "': unknown enum value '" +
                                    std::string(s) + "'");
      }
      row.set_string(slot, s);
      return Status::Ok();
    }
    case FieldType::kInt64: {
      int64_t n;
      if (type == od::json_type::string) {
        std::string_view s;
        if (v.get_string().get(s)) return type_error(def, "an integer");
        auto r = std::from_chars(s.data(), s.data() + s.size(), n);
        if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
          return type_error(def, "an integer");
        }
      } else if (type != od::json_type::number || v.get_int64().get(n)) {
        return type_error(def, "an integer");
      }
      row.set_int(slot, n);
      return Status::Ok();
    }
    case FieldType::kDouble: {
      double d;
      if (type != od::json_type::number || v.get_double().get(d)) {
        return type_error(def, "a number");
      }
      row.set_double(slot, d);
      return Status::Ok();
    }
    case FieldType::kBool: {
      bool b;
      if (type != od::json_type::boolean || v.get_bool().get(b)) return type_error(def, "a bool");
      row.set_bool(slot, b);
      return Status::Ok();
    }
    case FieldType::kList:
      break;
  }
  return type_error(def, "a scalar");
}

Status decode_object(const Plan& plan, size_t level, od::object obj, Row& row);

Status decode_list(const PlanEntry& e, od::value& v, Row& row) {
  const FieldDef& def = *e.def;
  const uint32_t slot = static_cast<uint32_t>(e.slot);
  od::json_type type;
  if (v.type().get(type)) return Status::InvalidRecord("malformed JSON at field '" + def.path + "'");
  if (type == od::json_type::null) return Status::Ok();
  od::array arr;
  if (type != od::json_type::array || v.get_array().get(arr)) return type_error(def, "an array");
  row.set_null(slot);
  size_t n = 0;
  for (auto item : arr) {
    od::value element;
    if (std::move(item).get(element)) return Status::InvalidRecord("malformed JSON in '" + def.path + "'");
    Row& er = row.add_list_element(slot);
    ++n;
    if (def.scalar_list) {
      SLUICE_RETURN_IF_ERROR(decode_scalar(e.element->levels[0][0], element, er));
    } else {
      od::object eo;
      if (element.get_object().get(eo)) return type_error(def, "an array of objects");
      SLUICE_RETURN_IF_ERROR(decode_object(*e.element, 0, eo, er));
    }
  }
  if (n == 0) row.set_empty_list(slot);
  return Status::Ok();
}

Status decode_object(const Plan& plan, size_t level, od::object obj, Row& row) {
  const auto& entries = plan.levels[level];
  for (auto field_result : obj) {
    od::field field;
    std::string_view key;
    if (std::move(field_result).get(field) || field.unescaped_key().get(key)) {
      return Status::InvalidRecord("malformed JSON object");
    }
    const PlanEntry* e = find_entry(entries, key);
    if (!e) continue;  // unknown keys are skipped, as protobuf's JSON parser can be told to
    od::value v = field.value();
    if (e->child >= 0) {
      od::json_type type;
      if (v.type().get(type)) return Status::InvalidRecord("malformed JSON at '" + e->name + "'");
      if (type == od::json_type::null) continue;
      od::object nested;
      if (type != od::json_type::object || v.get_object().get(nested)) {
        return Status::TypeMismatch("field '" + e->name + "': expected an object");
      }
      SLUICE_RETURN_IF_ERROR(decode_object(plan, static_cast<size_t>(e->child), nested, row));
    } else if (e->def->type == FieldType::kList) {
      SLUICE_RETURN_IF_ERROR(decode_list(*e, v, row));
    } else {
      SLUICE_RETURN_IF_ERROR(decode_scalar(*e, v, row));
    }
  }
  return Status::Ok();
}

}  // namespace

// On-Demand parses lazily: content after the root object is only noticed if we look.
bool at_end(od::document& doc) {
  const char* location = nullptr;
  return doc.current_location().get(location) != sj::SUCCESS;
}

struct JsonDecoder::Impl {
  std::shared_ptr<const Plan> plan;
  Envelope envelope;
  od::parser parser;
  std::string buffer;  // input copied here with simdjson's padding
  Row before;          // Debezium before-image scratch

  Status parse_root(std::string_view json, od::document& doc, od::object& root) {
    const size_t need = json.size() + sj::SIMDJSON_PADDING;
    if (buffer.size() < need) buffer.resize(need);
    std::memcpy(buffer.data(), json.data(), json.size());
    std::memset(buffer.data() + json.size(), 0, sj::SIMDJSON_PADDING);
    if (parser.iterate(buffer.data(), json.size(), buffer.size()).get(doc)) {
      return Status::InvalidRecord("malformed JSON");
    }
    if (doc.get_object().get(root)) return Status::InvalidRecord("JSON value is not an object");
    return Status::Ok();
  }

  Status decode_plain(std::string_view json, Row& out) {
    od::document doc;
    od::object root;
    SLUICE_RETURN_IF_ERROR(parse_root(json, doc, root));
    Status st = decode_object(*plan, 0, root, out);
    if (!st.ok()) return st;
    if (!at_end(doc)) return Status::InvalidRecord("malformed JSON: trailing content");
    return Status::Ok();
  }

  Status decode_debezium(std::string_view json, Row& out) {
    od::document doc;
    od::object root;
    SLUICE_RETURN_IF_ERROR(parse_root(json, doc, root));
    before.reset(plan->schema);
    std::string op;
    bool have_after = false, have_before = false;
    SLUICE_RETURN_IF_ERROR(envelope_fields(root, out, op, have_after, have_before, 0));
    if (!at_end(doc)) return Status::InvalidRecord("malformed JSON: trailing content");
    if (op.empty()) return Status::MissingField("Debezium envelope without 'op'");
    if (op == "d") {
      if (!have_before) return Status::MissingField("Debezium delete without 'before'");
      out = before;
      out.set_tombstone(true);
      return Status::Ok();
    }
    if (op != "c" && op != "r" && op != "u") {
      return Status::InvalidRecord("Debezium envelope with unknown op '" + op + "'");
    }
    if (!have_after) return Status::MissingField("Debezium " + op + " event without 'after'");
    return Status::Ok();
  }

  Status envelope_fields(od::object obj, Row& out, std::string& op, bool& have_after,
                         bool& have_before, int depth) {
    for (auto field_result : obj) {
      od::field field;
      std::string_view key;
      if (std::move(field_result).get(field) || field.unescaped_key().get(key)) {
        return Status::InvalidRecord("malformed JSON object");
      }
      od::value v = field.value();
      od::json_type type;
      if (v.type().get(type)) return Status::InvalidRecord("malformed JSON");
      if (key == "payload" && depth == 0 && type == od::json_type::object) {
        od::object payload;
        if (v.get_object().get(payload)) return Status::InvalidRecord("malformed payload");
        SLUICE_RETURN_IF_ERROR(envelope_fields(payload, out, op, have_after, have_before, 1));
      } else if (key == "op" && type == od::json_type::string) {
        std::string_view s;
        if (v.get_string().get(s)) return Status::InvalidRecord("malformed 'op'");
        op.assign(s);
      } else if ((key == "after" || key == "before") && type == od::json_type::object) {
        od::object image;
        if (v.get_object().get(image)) return Status::InvalidRecord("malformed image");
        const bool after = key == "after";
        SLUICE_RETURN_IF_ERROR(decode_object(*plan, 0, image, after ? out : before));
        (after ? have_after : have_before) = true;
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
