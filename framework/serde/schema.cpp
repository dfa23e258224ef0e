#include "serde/schema.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <stdexcept>

#include "common/edit_distance.h"

namespace sluice::serde {

namespace gp = google::protobuf;

std::string_view field_type_name(FieldType t) {
  switch (t) {
    case FieldType::kBool:
      return "bool";
    case FieldType::kInt64:
      return "int";
    case FieldType::kDouble:
      return "double";
    case FieldType::kString:
      return "string";
    case FieldType::kList:
      return "list";
  }
  return "unknown";
}

const FieldDef::EnumValue* FieldDef::enum_value(std::string_view name) const {
  if (enum_values.size() <= 16) {  // the usual enum: a scan without calls beats a search
    for (const EnumValue& v : enum_values) {
      if (v.name.size() != name.size()) continue;
      size_t i = 0;
      while (i < name.size() && v.name[i] == name[i]) ++i;
      if (i == name.size()) return &v;
    }
    return nullptr;
  }
  auto it = std::lower_bound(enum_values.begin(), enum_values.end(), name,
                             [](const EnumValue& v, std::string_view n) { return v.name < n; });
  return it != enum_values.end() && it->name == name ? &*it : nullptr;
}

const FieldDef::EnumValue* FieldDef::enum_value(int number) const {
  auto it = std::lower_bound(enum_by_number.begin(), enum_by_number.end(), number,
                             [this](uint32_t i, int n) { return enum_values[i].number < n; });
  return it != enum_by_number.end() && enum_values[*it].number == number ? &enum_values[*it]
                                                                         : nullptr;
}

// Builds Schemas; a friend of Schema so that it can reach the private constructor.
class SchemaFactory {
 public:
  static SchemaPtr make(std::string name, const gp::Descriptor* d, std::vector<FieldDef> fields) {
    auto s = std::shared_ptr<Schema>(new Schema());
    s->name_ = std::move(name);
    s->descriptor_ = d;
    s->fields_ = std::move(fields);
    for (uint32_t i = 0; i < s->fields_.size(); ++i) s->by_path_.emplace(s->fields_[i].path, i);
    return s;
  }
};

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    out.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

FieldType scalar_type(const gp::FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_BOOL:
      return FieldType::kBool;
    case gp::FieldDescriptor::CPPTYPE_INT32:
    case gp::FieldDescriptor::CPPTYPE_INT64:
    case gp::FieldDescriptor::CPPTYPE_UINT32:
    case gp::FieldDescriptor::CPPTYPE_UINT64:
      return FieldType::kInt64;
    case gp::FieldDescriptor::CPPTYPE_FLOAT:
    case gp::FieldDescriptor::CPPTYPE_DOUBLE:
      return FieldType::kDouble;
    default:
      return FieldType::kString;  // string, bytes, enum (by name)
  }
}

// The protobuf facts a scalar leaf (or a repeated scalar's "value") needs on the wire.
void set_leaf(FieldDef& def, const gp::FieldDescriptor* f) {
  using FD = gp::FieldDescriptor;
  def.type = scalar_type(f);
  def.proto_field = f;
  def.proto_is_enum = f->cpp_type() == FD::CPPTYPE_ENUM;
  def.proto_is_float = f->cpp_type() == FD::CPPTYPE_FLOAT;
  def.proto_is_int32 = f->cpp_type() == FD::CPPTYPE_INT32 || f->cpp_type() == FD::CPPTYPE_UINT32;
  if (!def.proto_is_enum) return;
  const gp::EnumDescriptor* e = f->enum_type();
  for (int i = 0; i < e->value_count(); ++i) {
    def.enum_values.push_back({std::string(e->value(i)->name()), e->value(i)->number()});
  }
  std::sort(def.enum_values.begin(), def.enum_values.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (uint32_t i = 0; i < def.enum_values.size(); ++i) def.enum_by_number.push_back(i);
  // With allow_alias several names share a number; any of them names it.
  std::stable_sort(def.enum_by_number.begin(), def.enum_by_number.end(),
                   [&](uint32_t a, uint32_t b) {
                     return def.enum_values[a].number < def.enum_values[b].number;
                   });
}

class Flattener {
 public:
  SchemaPtr message(const gp::Descriptor* d) {
    if (std::find(stack_.begin(), stack_.end(), d) != stack_.end()) {
      throw std::invalid_argument("schema: message " + std::string(d->full_name()) +
                                  " is recursive; recursive messages are not supported");
    }
    std::vector<FieldDef> fields;
    flatten(d, FieldDef{}, fields);
    return SchemaFactory::make(std::string(d->full_name()), d, std::move(fields));
  }

 private:
  // A repeated scalar's elements are rows of one field, "value", carrying the wire facts.
  static SchemaPtr scalar_element(const gp::FieldDescriptor* f) {
    FieldDef value;
    value.path = "value";
    value.json_name = "value";
    value.segments = {"value"};
    value.json_segments = {"value"};
    value.proto_numbers = {f->number()};
    set_leaf(value, f);
    std::vector<FieldDef> fields;
    fields.push_back(std::move(value));
    return SchemaFactory::make(std::string(f->full_name()) + ".element", nullptr,
                               std::move(fields));
  }

  // `parent` carries the path, segments and numbers of the enclosing singular message.
  void flatten(const gp::Descriptor* d, const FieldDef& parent, std::vector<FieldDef>& out) {
    stack_.push_back(d);
    for (int i = 0; i < d->field_count(); ++i) {
      const gp::FieldDescriptor* f = d->field(i);
      if (f->is_map()) {
        throw std::invalid_argument("schema: map field " + std::string(f->full_name()) +
                                    " is not supported; use a repeated message");
      }
      if (f->type() == gp::FieldDescriptor::TYPE_GROUP) {
        throw std::invalid_argument("schema: group field " + std::string(f->full_name()) +
                                    " is not supported; use a message field");
      }
      FieldDef def;
      def.path =
          parent.path.empty() ? std::string(f->name()) : parent.path + "." + std::string(f->name());
      def.segments = parent.segments;
      def.segments.emplace_back(f->name());
      def.json_segments = parent.json_segments;
      def.json_segments.emplace_back(f->json_name());
      def.proto_numbers = parent.proto_numbers;
      def.proto_numbers.push_back(f->number());
      def.json_name = std::string(f->json_name());
      const bool is_message = f->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE;
      if (f->is_repeated()) {
        def.type = FieldType::kList;
        def.proto_field = f;
        def.scalar_list = !is_message;
        def.element = is_message ? message(f->message_type()) : scalar_element(f);
        out.push_back(std::move(def));
      } else if (is_message) {
        if (std::find(stack_.begin(), stack_.end(), f->message_type()) != stack_.end()) {
          throw std::invalid_argument("schema: field " + std::string(f->full_name()) + " makes " +
                                      std::string(f->message_type()->full_name()) +
                                      " recursive; recursive messages are not supported");
        }
        flatten(f->message_type(), def, out);
      } else {
        set_leaf(def, f);
        out.push_back(std::move(def));
      }
    }
    stack_.pop_back();
  }

  std::vector<const gp::Descriptor*> stack_;  // messages being flattened, to catch recursion
};

}  // namespace

SchemaPtr Schema::from_descriptor(const gp::Descriptor* descriptor) {
  if (!descriptor) throw std::invalid_argument("schema: null descriptor");
  return Flattener().message(descriptor);
}

Result<SchemaPtr> Schema::from_message_name(std::string_view full_name) {
  const gp::Descriptor* d =
      gp::DescriptorPool::generated_pool()->FindMessageTypeByName(std::string(full_name));
  if (!d) {
    return Status::InvalidArgument("unknown message type '" + std::string(full_name) +
                                   "' (not compiled from proto/)");
  }
  try {
    return from_descriptor(d);
  } catch (const std::invalid_argument& e) {
    return Status::InvalidArgument(e.what());
  }
}

Schema::Builder& Schema::Builder::add(std::string path, FieldType type, SchemaPtr element) {
  FieldDef def;
  def.segments = split_path(path);
  def.json_segments = def.segments;
  def.json_name = def.segments.back();
  def.path = std::move(path);
  def.type = type;
  def.element = std::move(element);
  fields_.push_back(std::move(def));
  return *this;
}

SchemaPtr Schema::Builder::build() {
  for (size_t i = 0; i < fields_.size(); ++i) {
    const FieldDef& f = fields_[i];
    // Names that JSON would have to escape are refused: decoders match keys by their raw bytes.
    const bool odd_char = std::any_of(f.path.begin(), f.path.end(), [](char c) {
      return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
    });
    if (odd_char || std::find(f.segments.begin(), f.segments.end(), "") != f.segments.end()) {
      throw std::invalid_argument("schema " + name_ + ": malformed field path '" + f.path + "'");
    }
    for (size_t j = 0; j < fields_.size(); ++j) {
      if (j == i) continue;
      if (fields_[j].path == f.path) {
        throw std::invalid_argument("schema " + name_ + ": field '" + f.path + "' defined twice");
      }
      // "a" and "a.b" cannot both exist: "a" would be a value and an object at once.
      if (fields_[j].path.size() > f.path.size() && fields_[j].path.starts_with(f.path) &&
          fields_[j].path[f.path.size()] == '.') {
        throw std::invalid_argument("schema " + name_ + ": field '" + f.path +
                                    "' is also the parent of '" + fields_[j].path + "'");
      }
    }
    if ((f.type == FieldType::kList) != (f.element != nullptr)) {
      throw std::invalid_argument("schema " + name_ + ": field '" + f.path + "' " +
                                  (f.element ? "is not a list but has an element schema"
                                             : "is a list without an element schema"));
    }
  }
  return SchemaFactory::make(name_, nullptr, std::move(fields_));
}

std::optional<uint32_t> Schema::find(std::string_view path) const {
  auto it = by_path_.find(path);
  if (it == by_path_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Schema::nearest(std::string_view path, size_t max) const {
  std::vector<std::pair<size_t, std::string>> scored;
  // A typo is usually in the last part ("prise" for product_info.price): compare the leaves
  // too, so a nested field is found from its own name.
  const auto leaf = [](std::string_view p) {
    const size_t dot = p.rfind('.');
    return dot == std::string_view::npos ? p : p.substr(dot + 1);
  };
  for (const auto& f : fields_) {
    const size_t whole = edit_distance(path, f.path);
    const size_t by_leaf = edit_distance(leaf(path), leaf(f.path));
    scored.emplace_back(std::min(whole, by_leaf), f.path);
  }
  std::sort(scored.begin(), scored.end());
  // Beyond this a suggestion is noise rather than a likely typo.
  const size_t cutoff = std::max<size_t>(3, path.size() / 2);
  std::vector<std::string> out;
  for (const auto& [d, p] : scored) {
    if (out.size() >= max || d > cutoff) break;
    out.push_back(p);
  }
  return out;
}

Result<FieldRef> Schema::resolve(std::string_view path) const {
  if (auto slot = find(path)) return FieldRef{*slot, fields_[*slot].type};
  std::string msg = "unknown field '" + std::string(path) + "' in " + name_;
  auto near = nearest(path);
  if (!near.empty()) {
    msg += "; did you mean ";
    for (size_t i = 0; i < near.size(); ++i) {
      if (i) msg += i + 1 == near.size() ? " or " : ", ";
      msg += "'" + near[i] + "'";
    }
    msg += "?";
  }
  return Status::InvalidArgument(msg);
}

}  // namespace sluice::serde
