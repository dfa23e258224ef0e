#include "serde/schema.h"

#include <gtest/gtest.h>

#include "allezon.pb.h"
#include "serde/test_util.h"
#include "shop.pb.h"

namespace sluice::serde {
namespace {

std::vector<std::string> paths(const Schema& s) {
  std::vector<std::string> out;
  for (const auto& f : s.fields()) out.push_back(f.path);
  return out;
}

TEST(Schema, FlattensUserTagIntoDottedPathsInDeclarationOrder) {
  auto s = Schema::from_descriptor(allezon::UserTag::descriptor());
  EXPECT_EQ(s->name(), "sluice.allezon.UserTag");
  EXPECT_EQ(paths(*s),
            (std::vector<std::string>{"time", "cookie", "country", "device", "action", "origin",
                                      "product_info.product_id", "product_info.brand_id",
                                      "product_info.category_id", "product_info.price"}));
  const FieldDef& price = s->field(*s->find("product_info.price"));
  EXPECT_EQ(price.type, FieldType::kInt64);
  EXPECT_EQ(price.proto_numbers, (std::vector<int>{7, 4}));
  EXPECT_EQ(price.segments, (std::vector<std::string>{"product_info", "price"}));
  EXPECT_EQ(price.json_segments, (std::vector<std::string>{"productInfo", "price"}));
  EXPECT_FALSE(s->find("product_info").has_value());  // a message is not a slot
}

TEST(Schema, MapsEnumsToStringsWithTheirValueTables) {
  auto s = Schema::from_descriptor(allezon::UserTag::descriptor());
  const FieldDef& device = s->field(*s->find("device"));
  EXPECT_EQ(device.type, FieldType::kString);
  EXPECT_TRUE(device.proto_is_enum);
  ASSERT_NE(device.enum_value("TV"), nullptr);
  EXPECT_EQ(device.enum_value("TV")->number, 2);
  EXPECT_EQ(device.enum_value(1)->name, "MOBILE");
  EXPECT_EQ(device.enum_value("tv"), nullptr);
  EXPECT_EQ(device.enum_value(3), nullptr);
}

TEST(Schema, RepeatedMessagesBecomeListsWithAnElementSchema) {
  auto s = Schema::from_descriptor(shop::Order::descriptor());
  EXPECT_EQ(paths(*s),
            (std::vector<std::string>{"id", "createdAt", "userId", "status", "price", "items"}));
  const FieldDef& items = s->field(*s->find("items"));
  EXPECT_EQ(items.type, FieldType::kList);
  EXPECT_FALSE(items.scalar_list);
  ASSERT_TRUE(items.element);
  EXPECT_EQ(items.element->name(), "sluice.shop.OrderItem");
  EXPECT_EQ(paths(*items.element), (std::vector<std::string>{"productId", "quantity", "price"}));
  EXPECT_EQ(items.element->field(1).type, FieldType::kInt64);
  EXPECT_EQ(items.element->field(2).type, FieldType::kDouble);
}

TEST(Schema, MapsEveryScalarTypeToARowType) {
  auto s = Schema::from_descriptor(testing::test_message("AllTypes"));
  const std::pair<const char*, FieldType> expected[] = {
      {"f_int32", FieldType::kInt64},       {"f_uint64", FieldType::kInt64},
      {"f_sint32", FieldType::kInt64},      {"f_sfixed64", FieldType::kInt64},
      {"f_float", FieldType::kDouble},      {"f_double", FieldType::kDouble},
      {"f_bool", FieldType::kBool},         {"f_string", FieldType::kString},
      {"f_bytes", FieldType::kString},      {"f_color", FieldType::kString},
      {"inner.deep.flag", FieldType::kBool}};
  for (const auto& [path, type] : expected) {
    auto ref = s->resolve(path);
    ASSERT_TRUE(ref.ok()) << path;
    EXPECT_EQ(ref->type, type) << path;
  }
  EXPECT_TRUE(s->field(*s->find("f_float")).proto_is_float);
  EXPECT_TRUE(s->field(*s->find("f_uint32")).proto_is_int32);
  EXPECT_EQ(s->field(*s->find("inner.deep.big_count")).proto_numbers,
            (std::vector<int>{17, 3, 300}));
}

TEST(Schema, RepeatedScalarsBecomeListsOfOneFieldNamedValue) {
  auto s = Schema::from_descriptor(testing::test_message("AllTypes"));
  const FieldDef& colors = s->field(*s->find("colors"));
  EXPECT_EQ(colors.type, FieldType::kList);
  EXPECT_TRUE(colors.scalar_list);
  ASSERT_EQ(colors.element->size(), 1u);
  EXPECT_EQ(colors.element->field(0).path, "value");
  EXPECT_EQ(colors.element->field(0).type, FieldType::kString);
  EXPECT_TRUE(colors.element->field(0).proto_is_enum);  // the element keeps the wire facts
  EXPECT_EQ(s->field(*s->find("scores")).element->field(0).type, FieldType::kInt64);
}

TEST(Schema, RejectsRecursiveMessagesAndMaps) {
  for (const char* name : {"Node", "Forest"}) {
    try {
      Schema::from_descriptor(testing::test_message(name));
      ADD_FAILURE() << name << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("recursive"), std::string::npos) << e.what();
    }
  }
  try {
    Schema::from_descriptor(testing::test_message("WithMap"));
    ADD_FAILURE() << "a map was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("map field sluice.serde_test.WithMap.attrs"),
              std::string::npos)
        << e.what();
  }
}

TEST(Schema, ResolveNamesTheNearestValidPaths) {
  auto s = Schema::from_descriptor(allezon::UserTag::descriptor());
  auto ok = s->resolve("cookie");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->slot, 1u);
  EXPECT_EQ(ok->type, FieldType::kString);
  auto bad = s->resolve("product_info.prise");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message().rfind(
                "unknown field 'product_info.prise' in sluice.allezon.UserTag; did you mean "
                "'product_info.price'",
                0),
            0u)
      << bad.status().message();
  EXPECT_EQ(s->nearest("cokie", 1), (std::vector<std::string>{"cookie"}));
  // A nested field is found from a typo of its own name.
  EXPECT_EQ(s->nearest("prise", 1), (std::vector<std::string>{"product_info.price"}));
  auto far = s->resolve("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
  EXPECT_EQ(far.status().message().find("did you mean"), std::string::npos);
}

TEST(Schema, FromMessageNameFindsCompiledProtosAndRejectsUnknown) {
  auto product = Schema::from_message_name("sluice.shop.Product");
  ASSERT_TRUE(product.ok());
  EXPECT_EQ((*product)->size(), 6u);
  auto missing = Schema::from_message_name("sluice.shop.Nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kInvalidArgument);
}

TEST(SchemaBuilder, BuildsSynthesizedSchemas) {
  auto element = Schema::Builder("e").add("x", FieldType::kInt64).build();
  auto s = Schema::Builder("agg")
               .add("count", FieldType::kInt64)
               .add("window.start", FieldType::kInt64)
               .add("items", FieldType::kList, element)
               .build();
  EXPECT_EQ(s->name(), "agg");
  EXPECT_EQ(s->descriptor(), nullptr);
  EXPECT_EQ(*s->find("window.start"), 1u);
  EXPECT_EQ(s->field(1).segments, (std::vector<std::string>{"window", "start"}));
  EXPECT_TRUE(s->field(1).proto_numbers.empty());
  EXPECT_EQ(s->field(2).element, element);
}

TEST(SchemaBuilder, RejectsInconsistentFields) {
  auto element = Schema::Builder("e").add("x", FieldType::kInt64).build();
  auto builds = [](Schema::Builder b) {
    try {
      b.build();
      return true;
    } catch (const std::invalid_argument&) {
      return false;
    }
  };
  EXPECT_FALSE(builds(Schema::Builder("x").add("a", FieldType::kInt64).add("a", FieldType::kBool)));
  EXPECT_FALSE(
      builds(Schema::Builder("x").add("a", FieldType::kInt64).add("a.b", FieldType::kBool)));
  EXPECT_FALSE(builds(Schema::Builder("x").add("a..b", FieldType::kInt64)));
  EXPECT_FALSE(builds(Schema::Builder("x").add("", FieldType::kInt64)));
  EXPECT_FALSE(builds(Schema::Builder("x").add("say \"hi\"", FieldType::kInt64)));
  EXPECT_FALSE(builds(Schema::Builder("x").add("l", FieldType::kList)));
  EXPECT_FALSE(builds(Schema::Builder("x").add("s", FieldType::kString, element)));
  EXPECT_TRUE(
      builds(Schema::Builder("x").add("a.b", FieldType::kInt64).add("a.c", FieldType::kBool)));
}

}  // namespace
}  // namespace sluice::serde
