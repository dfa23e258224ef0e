// Schema: the flattened field layout of a message type, derived once from a protobuf Descriptor
// (or synthesized by an operator that produces new fields). Singular nested messages are
// flattened into dotted paths ("product_info.price"); repeated message fields become kList
// slots with an element Schema. Field paths are resolved to slot indices when a topology is
// built, so nothing looks a field up by name per record.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "common/string_hash.h"

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
}  // namespace google::protobuf

namespace sluice::serde {

enum class FieldType : uint8_t { kBool, kInt64, kDouble, kString, kList };
std::string_view field_type_name(FieldType t);

class Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

struct FieldDef {
  std::string path;  // dotted path from the root, e.g. "product_info.price"
  FieldType type = FieldType::kString;
  SchemaPtr element;  // kList only: the schema of each element
  // Protobuf mapping: field numbers from the root message down to this leaf. Empty for
  // synthesized schemas, which encode with their slot index + 1 as field number.
  std::vector<int> proto_numbers;
  bool proto_is_enum = false;   // encoded as an enum number on the wire, as its name in a Row
  bool proto_is_float = false;  // float (not double) on the wire
  bool proto_is_int32 = false;  // int32/uint32/sint32 on the wire (int64 family otherwise)
  // The JSON key of the leaf (protobuf json_name, also accepting the proto name).
  std::string json_name;
  // Path segments, by proto name and by json_name (equal for synthesized schemas).
  std::vector<std::string> segments;
  std::vector<std::string> json_segments;
  // The protobuf leaf field (wire type, enum values); for kList, the repeated field, which is
  // also the proto_field of a scalar list's "value". Null for synthesized schemas.
  const google::protobuf::FieldDescriptor* proto_field = nullptr;
  // kList of scalars: each element Row has one field, "value".
  bool scalar_list = false;

  // Enum fields: the values, sorted by name, resolved at schema build so that the codecs map
  // names and numbers without asking the descriptor per record.
  struct EnumValue {
    std::string name;
    int number = 0;
  };
  std::vector<EnumValue> enum_values;
  std::vector<uint32_t> enum_by_number;  // indices into enum_values, sorted by number
  // The value named `name`, or null.
  const EnumValue* enum_value(std::string_view name) const;
  // A value numbered `number` (with allow_alias, any of its names), or null.
  const EnumValue* enum_value(int number) const;
};

// A field reference resolved against a Schema: the slot index and the type found there.
struct FieldRef {
  uint32_t slot = 0;
  FieldType type = FieldType::kString;
};

class Schema {
 public:
  // Flattens a protobuf message type. Throws std::invalid_argument for unsupported shapes
  // (maps, recursive messages, proto2 groups); called at topology build time, never per record.
  static SchemaPtr from_descriptor(const google::protobuf::Descriptor* descriptor);
  // Looks a message type up in the generated pool (proto/ is compiled into the binary).
  static Result<SchemaPtr> from_message_name(std::string_view full_name);

  // Synthesized schemas (operator outputs such as aggregates and joins).
  class Builder {
   public:
    explicit Builder(std::string name) : name_(std::move(name)) {}
    Builder& add(std::string path, FieldType type, SchemaPtr element = nullptr);
    // Throws std::invalid_argument for duplicate paths, a path that is also another's parent,
    // empty segments or characters JSON must escape, and kList without an element (or back).
    SchemaPtr build();

   private:
    std::string name_;
    std::vector<FieldDef> fields_;
  };

  const std::string& name() const { return name_; }
  const google::protobuf::Descriptor* descriptor() const { return descriptor_; }
  size_t size() const { return fields_.size(); }
  const FieldDef& field(size_t slot) const { return fields_[slot]; }
  const std::vector<FieldDef>& fields() const { return fields_; }

  // Slot of a dotted path, or nullopt.
  std::optional<uint32_t> find(std::string_view path) const;
  // Like find(), but the error names the nearest valid paths (for messages a person reads).
  Result<FieldRef> resolve(std::string_view path) const;
  // Up to `max` known paths closest to `path` by edit distance.
  std::vector<std::string> nearest(std::string_view path, size_t max = 3) const;

 private:
  friend class SchemaFactory;
  Schema() = default;
  std::string name_;
  const google::protobuf::Descriptor* descriptor_ = nullptr;
  std::vector<FieldDef> fields_;
  StringMap<uint32_t> by_path_;  // find() takes a string_view
};

}  // namespace sluice::serde
