// Helpers for the serde tests: a test-only proto with every field shape, built at run time from
// a FileDescriptorProto (so that it stays out of proto/ and the engine binary), random Rows, and
// comparisons of Rows with protobuf messages read through reflection (an independent reader).
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <memory>
#include <random>
#include <string>

#include "serde/row.h"
#include "serde/schema.h"

namespace sluice::serde::testing {

namespace gp = google::protobuf;

inline constexpr const char* kTestProto = R"pb(
  name: "serde_test.proto"
  package: "sluice.serde_test"
  syntax: "proto3"
  enum_type {
    name: "Color"
    value { name: "RED" number: 0 }
    value { name: "GREEN" number: 1 }
    value { name: "BLUE" number: 7 }
  }
  message_type {
    name: "Deep"
    field { name: "flag" number: 1 type: TYPE_BOOL }
    field { name: "big_count" number: 300 type: TYPE_INT64 }
  }
  message_type {
    name: "Inner"
    field { name: "label" number: 1 type: TYPE_STRING }
    field { name: "weight" number: 2 type: TYPE_DOUBLE }
    field { name: "deep" number: 3 type: TYPE_MESSAGE type_name: ".sluice.serde_test.Deep" }
  }
  message_type {
    name: "AllTypes"
    field { name: "f_int32" number: 1 type: TYPE_INT32 }
    field { name: "f_int64" number: 2 type: TYPE_INT64 }
    field { name: "f_uint32" number: 3 type: TYPE_UINT32 }
    field { name: "f_uint64" number: 4 type: TYPE_UINT64 }
    field { name: "f_sint32" number: 5 type: TYPE_SINT32 }
    field { name: "f_sint64" number: 6 type: TYPE_SINT64 }
    field { name: "f_fixed32" number: 7 type: TYPE_FIXED32 }
    field { name: "f_fixed64" number: 8 type: TYPE_FIXED64 }
    field { name: "f_sfixed32" number: 9 type: TYPE_SFIXED32 }
    field { name: "f_sfixed64" number: 10 type: TYPE_SFIXED64 }
    field { name: "f_float" number: 11 type: TYPE_FLOAT }
    field { name: "f_double" number: 12 type: TYPE_DOUBLE }
    field { name: "f_bool" number: 13 type: TYPE_BOOL }
    field { name: "f_string" number: 14 type: TYPE_STRING }
    field { name: "f_bytes" number: 15 type: TYPE_BYTES }
    field { name: "f_color" number: 16 type: TYPE_ENUM type_name: ".sluice.serde_test.Color" }
    field { name: "inner" number: 17 type: TYPE_MESSAGE type_name: ".sluice.serde_test.Inner" }
    field {
      name: "items"
      number: 18
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".sluice.serde_test.Inner"
    }
    field { name: "tags" number: 19 label: LABEL_REPEATED type: TYPE_STRING }
    field { name: "scores" number: 20 label: LABEL_REPEATED type: TYPE_SINT64 }
    field {
      name: "colors"
      number: 21
      label: LABEL_REPEATED
      type: TYPE_ENUM
      type_name: ".sluice.serde_test.Color"
    }
    field {
      name: "ratios"
      number: 22
      label: LABEL_REPEATED
      type: TYPE_FLOAT
      options { packed: false }
    }
    field { name: "far_away" number: 100000 type: TYPE_STRING }
  }
  message_type {
    name: "Node"
    field { name: "child" number: 1 type: TYPE_MESSAGE type_name: ".sluice.serde_test.Node" }
  }
  message_type {
    name: "Forest"
    field {
      name: "trees"
      number: 1
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".sluice.serde_test.Forest"
    }
  }
  message_type {
    name: "WithMap"
    field {
      name: "attrs"
      number: 1
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".sluice.serde_test.WithMap.AttrsEntry"
    }
    nested_type {
      name: "AttrsEntry"
      field { name: "key" number: 1 type: TYPE_STRING }
      field { name: "value" number: 2 type: TYPE_STRING }
      options { map_entry: true }
    }
  }
)pb";

inline const gp::DescriptorPool& test_pool() {
  static const gp::DescriptorPool* pool = [] {
    gp::FileDescriptorProto file;
    if (!gp::TextFormat::ParseFromString(kTestProto, &file)) std::abort();
    auto* p = new gp::DescriptorPool();
    if (!p->BuildFile(file)) std::abort();
    return p;
  }();
  return *pool;
}

inline const gp::Descriptor* test_message(const std::string& name) {
  return test_pool().FindMessageTypeByName("sluice.serde_test." + name);
}

// A new, empty message: of the generated class for types compiled from proto/, else a
// DynamicMessage (the test pool's types).
inline std::unique_ptr<gp::Message> new_message(const gp::Descriptor* d) {
  static gp::DynamicMessageFactory dynamic;
  const bool generated = d->file()->pool() == gp::DescriptorPool::generated_pool();
  const gp::Message* prototype = generated
                                     ? gp::MessageFactory::generated_factory()->GetPrototype(d)
                                     : dynamic.GetPrototype(d);
  return std::unique_ptr<gp::Message>(prototype->New());
}

inline std::string random_string(std::mt19937_64& rng) {
  // Valid UTF-8 only: JSON requires it and protobuf checks it for strings.
  static const char* const kTokens[] = {
      "a",  "b",  "X",    "0", " ", "_",    "\"",       "\\",           "/",
      "\n", "\t", "\x01", "}", "[", "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x8d\x95"};
  std::string s;
  const size_t n = rng() % 14;
  for (size_t i = 0; i < n; ++i) s += kTokens[rng() % std::size(kTokens)];
  return s;
}

struct FillOptions {
  // Protobuf cannot tell an empty repeated field from an absent one, nor carry an absent
  // element of a repeated scalar: rows meant for it have neither.
  bool protobuf_safe = false;
};

// A random value of the field's wire kind, within the range the kind can carry.
inline void set_random_scalar(Row& row, uint32_t slot, const FieldDef& f, std::mt19937_64& rng) {
  using FD = gp::FieldDescriptor;
  const auto any = static_cast<int64_t>(rng()) >> (rng() % 64);
  switch (f.type) {
    case FieldType::kBool:
      row.set_bool(slot, rng() % 2);
      return;
    case FieldType::kDouble: {
      const auto k = static_cast<double>(static_cast<int64_t>(rng() % 2000001) - 1000000);
      const double choices[] = {k / 64, k / 10, k * 1e10, k * 1e-300};
      const double d = choices[rng() % 4];
      row.set_double(slot, f.proto_is_float ? static_cast<float>(d) : d);
      return;
    }
    case FieldType::kString:
      if (f.proto_is_enum) {
        row.set_string(slot, f.enum_values[rng() % f.enum_values.size()].name);
      } else if (f.proto_field && f.proto_field->type() == FD::TYPE_BYTES) {
        std::string bytes(rng() % 9, '\0');
        for (auto& c : bytes) c = static_cast<char>(rng());
        row.set_string(slot, bytes);
      } else {
        row.set_string(slot, random_string(rng));
      }
      return;
    case FieldType::kInt64:
      if (!f.proto_field) {
        row.set_int(slot, any);
        return;
      }
      switch (f.proto_field->type()) {
        case FD::TYPE_INT32:
        case FD::TYPE_SINT32:
        case FD::TYPE_SFIXED32:
          row.set_int(slot, static_cast<int32_t>(any));
          return;
        case FD::TYPE_UINT32:
        case FD::TYPE_FIXED32:
          row.set_int(slot, static_cast<uint32_t>(any));
          return;
        default:
          row.set_int(slot, any);
          return;
      }
    case FieldType::kList:
      return;
  }
}

inline void fill_random(Row& row, const Schema& schema, std::mt19937_64& rng,
                        FillOptions options = {}, int depth = 0) {
  for (uint32_t i = 0; i < schema.size(); ++i) {
    const FieldDef& f = schema.field(i);
    if (rng() % 4 == 0) continue;  // absent
    if (f.type != FieldType::kList) {
      set_random_scalar(row, i, f, rng);
      continue;
    }
    const size_t n = depth > 2 ? 0 : rng() % 4 + (options.protobuf_safe ? 1 : 0);
    if (n == 0) row.set_empty_list(i);
    for (size_t e = 0; e < n; ++e) {
      Row& element = row.add_list_element(i);
      if (f.scalar_list && options.protobuf_safe) {
        set_random_scalar(element, 0, f.element->field(0), rng);
      } else {
        fill_random(element, *f.element, rng, options, depth + 1);
      }
    }
  }
}

// What survives protobuf's serializer: proto3 leaves out fields holding their default value.
inline void copy_without_defaults(const Row& from, Row& to) {
  const Schema& s = *from.schema();
  for (uint32_t i = 0; i < s.size(); ++i) {
    if (!from.has(i)) continue;
    const FieldDef& f = s.field(i);
    switch (f.type) {
      case FieldType::kBool:
        if (from.get_bool(i)) to.set_bool(i, true);
        break;
      case FieldType::kInt64:
        if (from.get_int(i) != 0) to.set_int(i, from.get_int(i));
        break;
      case FieldType::kDouble:
        if (from.get_double(i) != 0 || std::signbit(from.get_double(i))) to.copy_field(i, from, i);
        break;
      case FieldType::kString:
        if (f.proto_is_enum ? f.enum_value(from.get_string(i))->number != 0
                            : !from.get_string(i).empty()) {
          to.copy_field(i, from, i);
        }
        break;
      case FieldType::kList:
        for (size_t e = 0; e < from.list_size(i); ++e) {
          Row& element = to.add_list_element(i);
          if (f.scalar_list) {
            element.copy_field(0, from.list_at(i, e), 0);  // packed values keep their zeros
          } else {
            copy_without_defaults(from.list_at(i, e), element);
          }
        }
        break;
    }
  }
}

// One value as text, from a message (through reflection) or from a Row, so that the two can be
// compared whatever the field's type. An absent Row value reads as the protobuf default.
inline std::string number_text(double d) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
}

inline std::string message_value(const gp::Message& m, const gp::FieldDescriptor* fd, int index) {
  using FD = gp::FieldDescriptor;
  const gp::Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (fd->cpp_type()) {
    case FD::CPPTYPE_INT32:
      return std::to_string(rep ? r->GetRepeatedInt32(m, fd, index) : r->GetInt32(m, fd));
    case FD::CPPTYPE_INT64:
      return std::to_string(rep ? r->GetRepeatedInt64(m, fd, index) : r->GetInt64(m, fd));
    case FD::CPPTYPE_UINT32:
      return std::to_string(rep ? r->GetRepeatedUInt32(m, fd, index) : r->GetUInt32(m, fd));
    case FD::CPPTYPE_UINT64:  // a Row holds the bit pattern in an int64
      return std::to_string(
          static_cast<int64_t>(rep ? r->GetRepeatedUInt64(m, fd, index) : r->GetUInt64(m, fd)));
    case FD::CPPTYPE_DOUBLE:
      return number_text(rep ? r->GetRepeatedDouble(m, fd, index) : r->GetDouble(m, fd));
    case FD::CPPTYPE_FLOAT:
      return number_text(rep ? r->GetRepeatedFloat(m, fd, index) : r->GetFloat(m, fd));
    case FD::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, fd, index) : r->GetBool(m, fd)) ? "true" : "false";
    case FD::CPPTYPE_ENUM:
      return std::string((rep ? r->GetRepeatedEnum(m, fd, index) : r->GetEnum(m, fd))->name());
    case FD::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(m, fd, index) : r->GetString(m, fd);
    case FD::CPPTYPE_MESSAGE:
      break;
  }
  return "<message>";
}

inline std::string row_value(const Row& row, uint32_t slot) {
  const FieldDef& f = row.schema()->field(slot);
  const bool has = row.has(slot);
  switch (f.type) {
    case FieldType::kBool:
      return has && row.get_bool(slot) ? "true" : "false";
    case FieldType::kInt64:
      return std::to_string(has ? row.get_int(slot) : 0);
    case FieldType::kDouble:
      return number_text(has ? row.get_double(slot) : 0.0);
    case FieldType::kString:
      if (has) return std::string(row.get_string(slot));
      return f.proto_is_enum ? f.enum_value(0)->name : "";
    case FieldType::kList:
      break;
  }
  return "<list>";
}

// Expects every field of `row` to hold what `m` holds (reading `m` through reflection).
inline void expect_matches(const gp::Message& m, const Row& row) {
  const Schema& schema = *row.schema();
  for (uint32_t slot = 0; slot < schema.size(); ++slot) {
    const FieldDef& def = schema.field(slot);
    const gp::Message* msg = &m;
    for (size_t i = 0; i + 1 < def.proto_numbers.size(); ++i) {
      const auto* nested = msg->GetDescriptor()->FindFieldByNumber(def.proto_numbers[i]);
      msg = &msg->GetReflection()->GetMessage(*msg, nested);
    }
    const auto* fd = msg->GetDescriptor()->FindFieldByNumber(def.proto_numbers.back());
    ASSERT_NE(fd, nullptr) << def.path;
    if (def.type != FieldType::kList) {
      EXPECT_EQ(message_value(*msg, fd, -1), row_value(row, slot)) << def.path;
      continue;
    }
    const int n = msg->GetReflection()->FieldSize(*msg, fd);
    ASSERT_EQ(static_cast<size_t>(n), row.list_size(slot)) << def.path;
    for (int e = 0; e < n; ++e) {
      const Row& element = row.list_at(slot, static_cast<size_t>(e));
      if (def.scalar_list) {
        EXPECT_EQ(message_value(*msg, fd, e), row_value(element, 0)) << def.path << "[" << e << "]";
      } else {
        expect_matches(msg->GetReflection()->GetRepeatedMessage(*msg, fd, e), element);
      }
    }
  }
}

}  // namespace sluice::serde::testing
