#include <gtest/gtest.h>

#include "allezon.pb.h"
#include "serde/schema.h"
#include "shop.pb.h"

namespace sluice::serde {
namespace {

TEST(Schema, FlattensNestedMessagesIntoDottedPaths) {
  auto s = Schema::from_descriptor(allezon::UserTag::descriptor());
  ASSERT_TRUE(s->find("product_info.price").has_value());
  EXPECT_EQ(s->field(*s->find("product_info.price")).type, FieldType::kInt64);
  EXPECT_EQ(s->field(*s->find("action")).type, FieldType::kString);  // enum by name
  EXPECT_TRUE(s->field(*s->find("action")).proto_is_enum);
  EXPECT_EQ(s->field(*s->find("product_info.brand_id")).proto_numbers, (std::vector<int>{7, 2}));
  EXPECT_FALSE(s->find("product_info").has_value());
  EXPECT_EQ(s->size(), 10u);
}

TEST(Schema, RepeatedMessagesBecomeListsWithAnElementSchema) {
  auto s = Schema::from_descriptor(shop::Order::descriptor());
  auto slot = s->find("items");
  ASSERT_TRUE(slot.has_value());
  const FieldDef& items = s->field(*slot);
  EXPECT_EQ(items.type, FieldType::kList);
  ASSERT_TRUE(items.element);
  EXPECT_EQ(items.element->field(*items.element->find("quantity")).type, FieldType::kInt64);
  EXPECT_EQ(items.element->field(*items.element->find("price")).type, FieldType::kDouble);
}

TEST(Schema, ResolveNamesTheNearestValidPaths) {
  auto s = Schema::from_descriptor(allezon::UserTag::descriptor());
  auto ok = s->resolve("cookie");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->type, FieldType::kString);
  auto bad = s->resolve("product_info.prise");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("did you mean 'product_info.price'"), std::string::npos)
      << bad.status().message();
}

TEST(Schema, FromMessageNameFindsCompiledProtosAndRejectsUnknown) {
  ASSERT_TRUE(Schema::from_message_name("sluice.shop.Product").ok());
  EXPECT_FALSE(Schema::from_message_name("sluice.shop.Nope").ok());
}

TEST(Schema, BuilderRejectsDuplicatePaths) {
  Schema::Builder b("x");
  b.add("a", FieldType::kInt64).add("a", FieldType::kString);
  EXPECT_THROW(b.build(), std::invalid_argument);
}

}  // namespace
}  // namespace sluice::serde
