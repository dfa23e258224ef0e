#include "serde/schema.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <stdexcept>

namespace sluice::serde {

namespace gp = google::protobuf;

std::string_view field_type_name(FieldType t) {
  switch (t) {
    case FieldType::kBool: return "bool";
    case FieldType::kInt64: return "int";
    case FieldType::kDouble: return "double";
    case FieldType::kString: return "string";
    case FieldType::kList: return "list";
  }
  return "unknown";
}

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
    case gp::FieldDescriptor::CPPTYPE_BOOL: return FieldType::kBool;
    case gp::FieldDescriptor::CPPTYPE_INT32:
    case gp::FieldDescriptor::CPPTYPE_INT64:
    case gp::FieldDescriptor::CPPTYPE_UINT32:
    case gp::FieldDescriptor::CPPTYPE_UINT64: return FieldType::kInt64;
    case gp::FieldDescriptor::CPPTYPE_FLOAT:
    case gp::FieldDescriptor::CPPTYPE_DOUBLE: return FieldType::kDouble;
    default: return FieldType::kString;  // string, bytes, enum (by name)
  }
}

struct Flattener {
  std::vector<const gp::Descriptor*> stack;

  void leaf_flags(FieldDef& def, const gp::FieldDescriptor* f) {
    def.proto_field = f;
    def.proto_is_enum = f->cpp_type() == gp::FieldDescriptor::CPPTYPE_ENUM;
    def.proto_is_float = f->cpp_type() == gp::FieldDescriptor::CPPTYPE_FLOAT;
    def.proto_is_int32 = f->cpp_type() == gp::FieldDescriptor::CPPTYPE_INT32 ||
                         f->cpp_type() == gp::FieldDescriptor::CPPTYPE_UINT32;
  }

  SchemaPtr scalar_element(const gp::FieldDescriptor* f) {
    Schema::Builder b(std::string(f->full_name()) + ".element");
    b.add("value", scalar_type(f));
    return b.build();
  }

  void flatten(const gp::Descriptor* d, const std::string& prefix,
               const std::vector<std::string>& segs, const std::vector<std::string>& jsegs,
               const std::vector<int>& numbers, std::vector<FieldDef>& out);
};

}  // namespace

// Defined out of the anonymous namespace so it can reach Schema's private constructor.
static SchemaPtr flatten_message(const gp::Descriptor* d, Flattener& fl);

void Flattener::flatten(const gp::Descriptor* d, const std::string& prefix,
                        const std::vector<std::string>& segs,
                        const std::vector<std::string>& jsegs, const std::vector<int>& numbers,
                        std::vector<FieldDef>& out) {
  if (std::find(stack.begin(), stack.end(), d) != stack.end()) {
    throw std::invalid_argument("schema: message " + std::string(d->full_name()) +
                                " is recursive; recursive messages are not supported");
  }
  stack.push_back(d);
  for (int i = 0; i < d->field_count(); ++i) {
    const gp::FieldDescriptor* f = d->field(i);
    if (f->is_map()) {
      throw std::invalid_argument("schema: map field " + std::string(f->full_name()) +
                                  " is not supported; use a repeated message");
    }
    FieldDef def;
    def.path = prefix + std::string(f->name());
    def.segments = segs;
    def.segments.emplace_back(f->name());
    def.json_segments = jsegs;
    def.json_segments.emplace_back(f->json_name());
    def.proto_numbers = numbers;
    def.proto_numbers.push_back(f->number());
    def.json_name = std::string(f->json_name());
    const bool message = f->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE;
    if (f->is_repeated()) {
      def.type = FieldType::kList;
      def.proto_field = f;
      if (message) {
        def.element = flatten_message(f->message_type(), *this);
      } else {
        def.scalar_list = true;
        def.element = scalar_element(f);
      }
      out.push_back(std::move(def));
    } else if (message) {
      flatten(f->message_type(), def.path + ".", def.segments, def.json_segments,
              def.proto_numbers, out);
    } else {
      def.type = scalar_type(f);
      leaf_flags(def, f);
      out.push_back(std::move(def));
    }
  }
  stack.pop_back();
}

class SchemaFactory {
 public:
  static std::shared_ptr<Schema> make() { return std::shared_ptr<Schema>(new Schema()); }
  static void fill(Schema& s, std::string name, const gp::Descriptor* d,
                   std::vector<FieldDef> fields) {
    s.name_ = std::move(name);
    s.descriptor_ = d;
    s.fields_ = std::move(fields);
    for (uint32_t i = 0; i < s.fields_.size(); ++i) s.by_path_.emplace(s.fields_[i].path, i);
  }
};

static SchemaPtr flatten_message(const gp::Descriptor* d, Flattener& fl) {
  std::vector<FieldDef> fields;
  fl.flatten(d, "", {}, {}, {}, fields);
  auto schema = SchemaFactory::make();
  SchemaFactory::fill(*schema, std::string(d->full_name()), d, std::move(fields));
  return schema;
}

SchemaPtr Schema::from_descriptor(const gp::Descriptor* descriptor) {
  if (!descriptor) throw std::invalid_argument("schema: null descriptor");
  Flattener fl;
  return flatten_message(descriptor, fl);
}

Result<SchemaPtr> Schema::from_message_name(std::string_view full_name) {
  const gp::Descriptor* d =
      gp::DescriptorPool::generated_pool()->FindMessageTypeByName(std::string(full_name));
  if (!d) {
    return Status::InvalidArgument("unknown message type '" + std::string(full_name) +
                                   "' (not in proto/)");
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
    for (size_t j = i + 1; j < fields_.size(); ++j) {
      if (fields_[i].path == fields_[j].path) {
        throw std::invalid_argument("schema " + name_ + ": field '" + fields_[i].path +
                                    "' defined twice");
      }
    }
    if (fields_[i].type == FieldType::kList && !fields_[i].element) {
      throw std::invalid_argument("schema " + name_ + ": list '" + fields_[i].path +
                                  "' has no element schema");
    }
  }
  auto schema = SchemaFactory::make();
  SchemaFactory::fill(*schema, name_, nullptr, std::move(fields_));
  return schema;
}

std::optional<uint32_t> Schema::find(std::string_view path) const {
  auto it = by_path_.find(std::string(path));
  if (it == by_path_.end()) return std::nullopt;
  return it->second;
}

namespace {
size_t distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}
}  // namespace

std::vector<std::string> Schema::nearest(std::string_view path, size_t max) const {
  std::vector<std::pair<size_t, std::string>> scored;
  for (const auto& f : fields_) scored.emplace_back(distance(path, f.path), f.path);
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (const auto& [d, p] : scored) {
    if (out.size() >= max || d > std::max<size_t>(3, path.size() / 2)) break;
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
