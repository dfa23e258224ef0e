// Shared by the expression tests: the schema their rows and expressions use.
#pragma once

#include "serde/schema.h"

namespace sluice::ops {

inline serde::SchemaPtr test_schema() {
  auto element = serde::Schema::Builder("Item").add("sku", serde::FieldType::kString).build();
  return serde::Schema::Builder("T")
      .add("i1", serde::FieldType::kInt64)
      .add("i2", serde::FieldType::kInt64)
      .add("d1", serde::FieldType::kDouble)
      .add("d2", serde::FieldType::kDouble)
      .add("s1", serde::FieldType::kString)
      .add("s2", serde::FieldType::kString)
      .add("b1", serde::FieldType::kBool)
      .add("n.b2", serde::FieldType::kBool)
      .add("items", serde::FieldType::kList, element)
      .build();
}

}  // namespace sluice::ops
