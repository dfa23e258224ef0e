#include <gtest/gtest.h>

#include <random>

#include "allezon.pb.h"
#include "serde/value_serde.h"
#include "shop.pb.h"

namespace sluice::serde {
namespace {

SchemaPtr tag_schema() { return Schema::from_descriptor(allezon::UserTag::descriptor()); }
uint32_t slot(const SchemaPtr& s, const char* path) { return *s->find(path); }

constexpr const char* kTag =
    R"({"time":"2022-03-22T12:15:00.000Z","cookie":"c\"1\u00e9","country":"PL","device":"PC",)"
    R"("action":"BUY","origin":"o","extra":{"a":[1,2,{"b":null}]},)"
    R"("product_info":{"product_id":"p","brand_id":"b","category_id":"c","price":123}})";

TEST(JsonSerde, DecodesNestedFieldsIntoFlattenedSlotsAndSkipsUnknownKeys) {
  auto s = tag_schema();
  auto serde = make_value_serde(s);
  Row row;
  ASSERT_TRUE(serde->deserialize(kTag, row).ok());
  EXPECT_EQ(row.get_string(slot(s, "cookie")), "c\"1\xc3\xa9");
  EXPECT_EQ(row.get_string(slot(s, "action")), "BUY");
  EXPECT_EQ(row.get_int(slot(s, "product_info.price")), 123);
  EXPECT_EQ(row.get_string(slot(s, "product_info.brand_id")), "b");
}

TEST(JsonSerde, ReportsMalformedInputAndWrongTypesAsRecordErrors) {
  auto s = tag_schema();
  auto serde = make_value_serde(s, {.required = {slot(s, "cookie")}});
  Row row;
  const std::string tag = kTag;
  struct Case {
    std::string json;
    Status::Code code;
  } cases[] = {
      {tag.substr(0, 50), Status::Code::kInvalidRecord},
      {tag + "junk", Status::Code::kInvalidRecord},
      {"[1,2]", Status::Code::kInvalidRecord},
      {"", Status::Code::kInvalidRecord},
      {R"({"cookie":"x","product_info":{"price":"abc"}})", Status::Code::kTypeMismatch},
      {R"({"cookie":"x","product_info":{"price":1.5}})", Status::Code::kTypeMismatch},
      {R"({"cookie":"x","action":"STEAL"})", Status::Code::kTypeMismatch},
      {R"({"cookie":7})", Status::Code::kTypeMismatch},
      {R"({"country":"PL"})", Status::Code::kMissingField},
      {R"({"cookie":null})", Status::Code::kMissingField},
  };
  for (const auto& c : cases) {
    Status st = serde->deserialize(c.json, row);
    EXPECT_EQ(st.code(), c.code) << c.json << " -> " << st.to_string();
    EXPECT_TRUE(st.is_record_error()) << c.json;
  }
  // Protobuf's JSON mapping writes int64 as strings; enums may come as numbers.
  ASSERT_TRUE(serde->deserialize(R"({"cookie":"x","action":1,"product_info":{"price":"42"}})", row).ok());
  EXPECT_EQ(row.get_int(slot(s, "product_info.price")), 42);
  EXPECT_EQ(row.get_string(slot(s, "action")), "BUY");
}

TEST(JsonSerde, UnwrapsDebeziumEnvelopes) {
  auto s = Schema::from_descriptor(shop::Product::descriptor());
  auto serde = make_value_serde(s, {.envelope = Envelope::kDebezium});
  Row row;
  ASSERT_TRUE(serde->deserialize(
      R"({"before":null,"after":{"id":"1","name":"Pizza","price":9.5},"op":"c","ts_ms":1})", row).ok());
  EXPECT_FALSE(row.tombstone());
  EXPECT_EQ(row.get_string(slot(s, "name")), "Pizza");
  ASSERT_TRUE(serde->deserialize(
      R"({"payload":{"op":"u","before":{"id":"1"},"after":{"id":"1","name":"Calzone"}}})", row).ok());
  EXPECT_EQ(row.get_string(slot(s, "name")), "Calzone");
  ASSERT_TRUE(serde->deserialize(R"({"op":"d","before":{"id":"1","name":"Calzone"},"after":null})", row).ok());
  EXPECT_TRUE(row.tombstone());
  EXPECT_EQ(row.get_string(slot(s, "id")), "1");
  EXPECT_FALSE(serde->deserialize(R"({"op":"x","after":{"id":"1"}})", row).ok());
  EXPECT_EQ(serde->deserialize(R"({"after":{"id":"1"}})", row).code(), Status::Code::kMissingField);
}

TEST(JsonSerde, ReusedRowKeepsItsArenaBounded) {
  auto s = tag_schema();
  auto serde = make_value_serde(s);
  Row row;
  size_t capacity_after_warmup = 0;
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(serde->deserialize(kTag, row).ok());
    if (i == 10) capacity_after_warmup = row.arena_capacity();
  }
  EXPECT_GT(capacity_after_warmup, 0u);
  EXPECT_EQ(row.arena_capacity(), capacity_after_warmup);
}

}  // namespace
}  // namespace sluice::serde
