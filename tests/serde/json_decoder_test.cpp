// JSON decoding: field matching, every type, the protobuf JSON conventions, and errors as
// record-error Statuses (never exceptions).
#include <gtest/gtest.h>

#include "allezon.pb.h"
#include "serde/test_util.h"
#include "serde/value_serde.h"
#include "shop.pb.h"

namespace sluice::serde {
namespace {

SchemaPtr tag_schema() { return Schema::from_descriptor(allezon::UserTag::descriptor()); }
uint32_t slot(const SchemaPtr& s, const char* path) { return *s->find(path); }

constexpr const char* kTag =
    R"({"time":"2022-03-22T12:15:00.000Z","cookie":"c-1","country":"PL","device":"MOBILE",)"
    R"("action":"BUY","origin":"store_7",)"
    R"("product_info":{"product_id":"p-99","brand_id":"acme","category_id":"toys","price":12345}})";

TEST(JsonSerde, DecodesARealisticUserTag) {
  auto s = tag_schema();
  auto serde = make_value_serde(s);
  Row row;
  ASSERT_TRUE(serde->deserialize(kTag, row).ok());
  EXPECT_EQ(row.schema(), s.get());
  EXPECT_EQ(row.get_string(slot(s, "time")), "2022-03-22T12:15:00.000Z");
  EXPECT_EQ(row.get_string(slot(s, "cookie")), "c-1");
  EXPECT_EQ(row.get_string(slot(s, "country")), "PL");
  EXPECT_EQ(row.get_string(slot(s, "device")), "MOBILE");
  EXPECT_EQ(row.get_string(slot(s, "action")), "BUY");
  EXPECT_EQ(row.get_string(slot(s, "origin")), "store_7");
  EXPECT_EQ(row.get_string(slot(s, "product_info.product_id")), "p-99");
  EXPECT_EQ(row.get_string(slot(s, "product_info.brand_id")), "acme");
  EXPECT_EQ(row.get_string(slot(s, "product_info.category_id")), "toys");
  EXPECT_EQ(row.get_int(slot(s, "product_info.price")), 12345);
  EXPECT_FALSE(row.tombstone());
}

TEST(JsonSerde, DecodesNestedFieldsIntoFlattenedSlotsByProtoOrJsonName) {
  auto s = tag_schema();
  auto serde = make_value_serde(s);
  Row row;
  ASSERT_TRUE(serde->deserialize(R"({"productInfo":{"brandId":"b","product_id":"p"}})", row).ok());
  EXPECT_EQ(row.get_string(slot(s, "product_info.brand_id")), "b");
  EXPECT_EQ(row.get_string(slot(s, "product_info.product_id")), "p");
  EXPECT_FALSE(row.has(slot(s, "cookie")));
  // Escaped keys are matched by their unescaped text.
  ASSERT_TRUE(
      serde->deserialize(R"({"\u0063ookie":"x","product_\u0069nfo":{"price":1}})", row).ok());
  EXPECT_EQ(row.get_string(slot(s, "cookie")), "x");
  EXPECT_EQ(row.get_int(slot(s, "product_info.price")), 1);
}

TEST(JsonSerde, SkipsUnknownKeysWhateverTheirValues) {
  auto s = tag_schema();
  auto serde = make_value_serde(s);
  Row row;
  ASSERT_TRUE(
      serde
          ->deserialize(R"({"extra":{"a":[1,2,{"b":null}],"c":"}"},"cookie":"c","x":[[]],)"
                        R"("product_info":{"unknown":true,"price":5,"more":{"price":6}},"y":1.5e3,)"
                        R"("":"empty key","z":null})",
                        row)
          .ok());
  EXPECT_EQ(row.get_string(slot(s, "cookie")), "c");
  EXPECT_EQ(row.get_int(slot(s, "product_info.price")), 5);
}

TEST(JsonSerde, UnescapesStrings) {
  auto s = tag_schema();
  auto serde = make_value_serde(s);
  Row row;
  ASSERT_TRUE(
      serde
          ->deserialize(
              R"({"cookie":"q\"b\\s\/\n\t\u00e9\ud83c\udf55","origin":"caf\u00e9 \u20ac"})", row)
          .ok());
  EXPECT_EQ(row.get_string(slot(s, "cookie")), "q\"b\\s/\n\t\xc3\xa9\xf0\x9f\x8d\x95");
  EXPECT_EQ(row.get_string(slot(s, "origin")), "caf\xc3\xa9 \xe2\x82\xac");
}

TEST(JsonSerde, DecodesEveryFieldType) {
  auto s = Schema::from_descriptor(testing::test_message("AllTypes"));
  auto serde = make_value_serde(s);
  Row row;
  const Status st = serde->deserialize(
      R"({"f_int32":-5,"fInt64":"-9007199254740993","f_uint32":4294967295,)"
      R"("f_uint64":"18446744073709551615","f_sint32":-2147483648,"f_sint64":-1,)"
      R"("f_fixed32":7,"f_fixed64":8,"f_sfixed32":-9,"f_sfixed64":"-10","f_float":0.1,)"
      R"("f_double":1e-7,"f_bool":true,"f_string":"s","f_bytes":"AP8=","f_color":"BLUE",)"
      R"("inner":{"label":"in","weight":2,"deep":{"flag":false,"bigCount":"300"}},)"
      R"("items":[{"label":"a"},{"weight":-1.5}],"tags":["x","y"],"scores":[3,"-4"],)"
      R"("colors":["GREEN",7,"RED"],"ratios":[0.5],"farAway":"far"})",
      row);
  ASSERT_TRUE(st.ok()) << st.to_string();
  auto get = [&](const char* p) { return *s->find(p); };
  EXPECT_EQ(row.get_int(get("f_int32")), -5);
  EXPECT_EQ(row.get_int(get("f_int64")), -9007199254740993);
  EXPECT_EQ(row.get_int(get("f_uint32")), 4294967295);
  EXPECT_EQ(row.get_int(get("f_uint64")), -1);  // the uint64 bit pattern
  EXPECT_EQ(row.get_int(get("f_sint32")), -2147483648);
  EXPECT_EQ(row.get_int(get("f_sfixed64")), -10);
  EXPECT_EQ(row.get_double(get("f_float")), static_cast<double>(0.1f));  // what a float holds
  EXPECT_EQ(row.get_double(get("f_double")), 1e-7);
  EXPECT_TRUE(row.get_bool(get("f_bool")));
  EXPECT_EQ(row.get_string(get("f_bytes")), std::string("\0\xff", 2));  // base64
  EXPECT_EQ(row.get_string(get("f_color")), "BLUE");
  EXPECT_EQ(row.get_string(get("inner.label")), "in");
  EXPECT_EQ(row.get_double(get("inner.weight")), 2.0);  // an integer into a double
  EXPECT_FALSE(row.get_bool(get("inner.deep.flag")));
  EXPECT_EQ(row.get_int(get("inner.deep.big_count")), 300);
  ASSERT_EQ(row.list_size(get("items")), 2u);
  EXPECT_EQ(row.list_at(get("items"), 0).get_string(0), "a");
  EXPECT_FALSE(row.list_at(get("items"), 0).has(1));
  EXPECT_EQ(row.list_at(get("items"), 1).get_double(1), -1.5);
  ASSERT_EQ(row.list_size(get("scores")), 2u);
  EXPECT_EQ(row.list_at(get("scores"), 1).get_int(0), -4);
  ASSERT_EQ(row.list_size(get("colors")), 3u);
  EXPECT_EQ(row.list_at(get("colors"), 1).get_string(0), "BLUE");  // a number becomes its name
  EXPECT_EQ(row.get_string(get("far_away")), "far");
}

TEST(JsonSerde, ReadsNullAsAbsentAndEmptyArraysAsEmptyLists) {
  auto s = Schema::from_descriptor(shop::Order::descriptor());
  auto serde = make_value_serde(s);
  Row row;
  ASSERT_TRUE(serde->deserialize(R"({"id":null,"price":null,"items":[]})", row).ok());
  EXPECT_FALSE(row.has(0));
  EXPECT_FALSE(row.has(4));
  EXPECT_TRUE(row.has(5));
  EXPECT_EQ(row.list_size(5), 0u);
  ASSERT_TRUE(serde->deserialize(R"({"items":null})", row).ok());
  EXPECT_FALSE(row.has(5));
  auto tags = make_value_serde(tag_schema());
  ASSERT_TRUE(tags->deserialize(R"({"product_info":null})", row).ok());
}

TEST(JsonSerde, AcceptsProtobufJsonNumberForms) {
  auto s = Schema::from_descriptor(testing::test_message("AllTypes"));
  auto serde = make_value_serde(s);
  Row row;
  ASSERT_TRUE(
      serde
          ->deserialize(R"({"f_double":"NaN","f_float":"-Infinity","ratios":["Infinity","2.5"]})",
                        row)
          .ok());
  EXPECT_TRUE(std::isnan(row.get_double(*s->find("f_double"))));
  EXPECT_EQ(row.get_double(*s->find("f_float")), -INFINITY);
  EXPECT_EQ(row.list_at(*s->find("ratios"), 1).get_double(0), 2.5);
}

struct BadCase {
  const char* json;
  Status::Code code;
  const char* message_part;
};

void expect_errors(ValueSerde& serde, std::initializer_list<BadCase> cases) {
  Row row;
  for (const auto& c : cases) {
    Status st;
    ASSERT_NO_THROW(st = serde.deserialize(c.json, row)) << c.json;
    EXPECT_EQ(st.code(), c.code) << c.json << " -> " << st.to_string();
    EXPECT_TRUE(st.is_record_error()) << c.json;
    EXPECT_NE(st.message().find(c.message_part), std::string::npos)
        << c.json << " -> " << st.message();
  }
}

TEST(JsonSerde, NumberIntoAStringFieldKeepsItsLiteralText) {
  // Seed 002: Debezium writes product ids as numbers, order items as strings; both must decode
  // to the same key text.
  auto s = tag_schema();
  auto serde = make_value_serde(s);
  for (const std::string literal : {"416", "-7", "1.50", "1e3", "18446744073709551616"}) {
    Row row;
    const std::string json = R"({"cookie":)" + literal + R"( ,"country":"PL"})";
    const Status st = serde->deserialize(json, row);
    ASSERT_TRUE(st.ok()) << json << ": " << st.to_string();
    EXPECT_EQ(row.get_string(slot(s, "cookie")), literal) << json;
    EXPECT_EQ(row.get_string(slot(s, "country")), "PL") << json;
  }
}

TEST(JsonSerde, ReportsWrongTypesAsTypeMismatchNamingTheField) {
  auto s = tag_schema();
  auto serde = make_value_serde(s);
  expect_errors(
      *serde,
      {
          {R"({"cookie":true})", Status::Code::kTypeMismatch, "'cookie': expected a string"},
          {R"({"product_info":{"price":1.5}})", Status::Code::kTypeMismatch,
           "'product_info.price': expected an integer, got a number"},
          {R"({"product_info":{"price":"abc"}})", Status::Code::kTypeMismatch,
           "product_info.price"},
          {R"({"product_info":{"price":1e400}})", Status::Code::kInvalidRecord,
           "product_info.price"},
          {R"({"product_info":{"price":18446744073709551616}})", Status::Code::kTypeMismatch,
           "product_info.price"},
          {R"({"action":"STEAL"})", Status::Code::kTypeMismatch,
           "'action': unknown enum value 'STEAL'"},
          {R"({"action":9})", Status::Code::kTypeMismatch, "unknown enum value '9'"},
          {R"({"action":true})", Status::Code::kTypeMismatch, "an enum name or number"},
          {R"({"product_info":"p"})", Status::Code::kTypeMismatch,
           "'product_info': expected an object, got a string"},
          {R"({"cookie":{"a":1}})", Status::Code::kTypeMismatch, "got an object"},
          {R"({"cookie":["a"]})", Status::Code::kTypeMismatch, "got an array"},
      });
  auto all = make_value_serde(Schema::from_descriptor(testing::test_message("AllTypes")));
  expect_errors(
      *all,
      {
          {R"({"f_int32":2147483648})", Status::Code::kTypeMismatch,
           "out of range for a 32-bit integer"},
          {R"({"f_uint32":-1})", Status::Code::kTypeMismatch, "f_uint32"},
          {R"({"f_float":1e300})", Status::Code::kTypeMismatch, "for a float"},
          {R"({"f_bool":"true"})", Status::Code::kTypeMismatch, "a boolean"},
          {R"({"f_bytes":"@@"})", Status::Code::kTypeMismatch, "base64"},
          {R"({"f_double":"many"})", Status::Code::kTypeMismatch, "f_double"},
          {R"({"items":{"label":"a"}})", Status::Code::kTypeMismatch, "'items': expected an array"},
          {R"({"items":[{"label":"a"},7]})", Status::Code::kTypeMismatch, "in 'items[1]'"},
          {R"({"items":[{"weight":"w"}]})", Status::Code::kTypeMismatch,
           "in 'items[0]': field 'weight'"},
          {R"({"scores":[1,2.5]})", Status::Code::kTypeMismatch, "scores[1]"},
          {R"({"colors":["PINK"]})", Status::Code::kTypeMismatch, "PINK"},
      });
}

TEST(JsonSerde, ReportsMalformedJsonAsInvalidRecord) {
  auto serde = make_value_serde(tag_schema());
  const std::string tag = kTag;
  expect_errors(*serde,
                {
                    {"", Status::Code::kInvalidRecord, "malformed JSON"},
                    {"   ", Status::Code::kInvalidRecord, "malformed JSON"},
                    {tag.substr(0, 50).c_str(), Status::Code::kInvalidRecord, "malformed JSON"},
                    {tag.substr(0, tag.size() - 1).c_str(), Status::Code::kInvalidRecord, ""},
                    {(tag + "junk").c_str(), Status::Code::kInvalidRecord, "malformed JSON"},
                    {(tag + "{}").c_str(), Status::Code::kInvalidRecord, "after the root"},
                    {"[1,2]", Status::Code::kInvalidRecord, "not an object"},
                    {"\"text\"", Status::Code::kInvalidRecord, "not an object"},
                    {"42", Status::Code::kInvalidRecord, "not an object"},
                    {"null", Status::Code::kInvalidRecord, "not an object"},
                    {R"({"cookie":"a" "country":"b"})", Status::Code::kInvalidRecord, ""},
                    {R"({"cookie" "a"})", Status::Code::kInvalidRecord, ""},
                    {R"({"cookie":"unterminated})", Status::Code::kInvalidRecord, ""},
                    {R"({"cookie":"bad \x escape"})", Status::Code::kInvalidRecord, ""},
                    {"{\"cookie\":\"\xff\xfe\"}", Status::Code::kInvalidRecord, ""},  // not UTF-8
                    {R"({"cookie":tru})", Status::Code::kInvalidRecord, ""},
                    {R"({"product_info":{"price":12)", Status::Code::kInvalidRecord, ""},
                    {R"({cookie:"a"})", Status::Code::kInvalidRecord, ""},
                });
}

TEST(JsonSerde, ReportsMissingRequiredFields) {
  auto s = tag_schema();
  auto serde =
      make_value_serde(s, {.required = {slot(s, "cookie"), slot(s, "product_info.price")}});
  Row row;
  Status st = serde->deserialize(R"({"country":"PL","product_info":{"price":1}})", row);
  EXPECT_EQ(st.code(), Status::Code::kMissingField);
  EXPECT_EQ(st.message(), "missing required field 'cookie'");
  st = serde->deserialize(R"({"cookie":null,"product_info":{"price":1}})", row);
  EXPECT_EQ(st.code(), Status::Code::kMissingField);
  st = serde->deserialize(R"({"cookie":"c"})", row);
  EXPECT_EQ(st.message(), "missing required field 'product_info.price'");
  EXPECT_TRUE(serde->deserialize(kTag, row).ok());
}

TEST(JsonSerde, RejectsRequiredSlotsOutsideTheSchema) {
  EXPECT_THROW(make_value_serde(tag_schema(), {.required = {99}}), std::invalid_argument);
  EXPECT_THROW(make_value_serde(nullptr), std::invalid_argument);
}

TEST(JsonSerde, ReusedRowKeepsItsArenaBounded) {
  auto s = tag_schema();
  auto serde = make_value_serde(s);
  Row row;
  size_t capacity_after_warmup = 0;
  for (int i = 0; i < 10000; ++i) {
    const std::string json = std::string(R"({"cookie":"c)") + std::to_string(i % 977) +
                             R"(","origin":"o","product_info":{"price":)" + std::to_string(i) +
                             "}}";
    ASSERT_TRUE(serde->deserialize(i % 2 ? kTag : json, row).ok());
    if (i == 10) capacity_after_warmup = row.arena_capacity();
  }
  EXPECT_GT(capacity_after_warmup, 0u);
  EXPECT_EQ(row.arena_capacity(), capacity_after_warmup);
  ASSERT_TRUE(serde->deserialize(kTag, row).ok());
  EXPECT_EQ(row.get_string(slot(s, "cookie")), "c-1");
}

TEST(JsonSerde, ReusedRowForgetsThePreviousRecord) {
  auto s = Schema::from_descriptor(shop::Order::descriptor());
  auto serde = make_value_serde(s);
  Row row;
  ASSERT_TRUE(
      serde->deserialize(R"({"id":"1","items":[{"productId":"a"},{"productId":"b"}]})", row).ok());
  ASSERT_TRUE(serde->deserialize(R"({"userId":"u","items":[{"quantity":2}]})", row).ok());
  EXPECT_FALSE(row.has(0));
  ASSERT_EQ(row.list_size(5), 1u);
  EXPECT_FALSE(row.list_at(5, 0).has(0));
  EXPECT_EQ(row.list_at(5, 0).get_int(1), 2);
}

}  // namespace
}  // namespace sluice::serde
