// JSON encoding: nested objects from dotted paths, absent fields omitted, escapes, numbers.
#include <gtest/gtest.h>

#include "allezon.pb.h"
#include "serde/test_util.h"
#include "serde/value_serde.h"
#include "shop.pb.h"

namespace sluice::serde {
namespace {

std::string encode(ValueSerde& serde, const Row& row) {
  std::string out;
  serde.serialize(row, out);
  return out;
}

TEST(JsonEncoder, ReformsNestedObjectsInSchemaOrderAndOmitsAbsentFields) {
  auto s = Schema::from_descriptor(allezon::UserTag::descriptor());
  auto serde = make_value_serde(s);
  Row row(s.get());
  row.set_string(*s->find("product_info.category_id"), "cat");
  row.set_int(*s->find("product_info.price"), 7);
  row.set_string(*s->find("action"), "BUY");
  row.set_string(*s->find("cookie"), "c");
  EXPECT_EQ(encode(*serde, row),
            R"({"cookie":"c","action":"BUY","product_info":{"category_id":"cat","price":7}})");
  Row empty(s.get());
  EXPECT_EQ(encode(*serde, empty), "{}");  // no empty "product_info" object either
}

TEST(JsonEncoder, AppendsToTheCallersBuffer) {
  auto s = Schema::Builder("s").add("a", FieldType::kInt64).build();
  auto serde = make_value_serde(s);
  Row row(s.get());
  row.set_int(0, 1);
  std::string out = "prefix:";
  serde->serialize(row, out);
  EXPECT_EQ(out, R"(prefix:{"a":1})");
}

TEST(JsonEncoder, EscapesStrings) {
  auto s = Schema::Builder("s").add("text", FieldType::kString).build();
  auto serde = make_value_serde(s);
  Row row(s.get());
  std::string text = "a\"b\\c\nd\te";
  text += '\x01';
  text += "\x1f/\xc3\xa9 long enough to use wide checks\"";
  row.set_string(0, text);
  EXPECT_EQ(encode(*serde, row),
            "{\"text\":\"a\\\"b\\\\c\\nd\\te\\u0001\\u001f/\xc3\xa9 long enough to use wide "
            "checks\\\"\"}");
}

TEST(JsonEncoder, PrintsNumbersInTheirShortestRoundTripForm) {
  auto s = Schema::Builder("n")
               .add("d1", FieldType::kDouble)
               .add("d2", FieldType::kDouble)
               .add("d3", FieldType::kDouble)
               .add("d4", FieldType::kDouble)
               .add("i", FieldType::kInt64)
               .add("b", FieldType::kBool)
               .build();
  auto serde = make_value_serde(s);
  Row row(s.get());
  row.set_double(0, 0.1);
  row.set_double(1, 1e300);
  row.set_double(2, -2.0);
  row.set_double(3, std::numeric_limits<double>::quiet_NaN());
  row.set_int(4, INT64_MIN);
  row.set_bool(5, false);
  EXPECT_EQ(encode(*serde, row),
            R"({"d1":0.1,"d2":1e+300,"d3":-2,"d4":"NaN","i":-9223372036854775808,"b":false})");
}

TEST(JsonEncoder, FollowsProtobufJsonForFloatsBytesAndUnsigned) {
  auto s = Schema::from_descriptor(testing::test_message("AllTypes"));
  auto serde = make_value_serde(s);
  Row row(s.get());
  row.set_double(*s->find("f_float"), 0.1f);
  row.set_string(*s->find("f_bytes"), std::string("\0\xff", 2));
  row.set_int(*s->find("f_uint64"), -1);
  row.set_double(*s->find("f_double"), -INFINITY);
  EXPECT_EQ(encode(*serde, row),
            R"({"f_uint64":18446744073709551615,"f_float":0.1,"f_double":"-Infinity",)"
            R"("f_bytes":"AP8="})");
}

TEST(JsonEncoder, WritesFloatsBeyondTheFloatRangeAsInfinity) {
  auto s = Schema::from_descriptor(testing::test_message("AllTypes"));
  auto serde = make_value_serde(s);
  Row row(s.get());
  row.set_double(*s->find("f_float"), -1e300);
  EXPECT_EQ(encode(*serde, row), R"({"f_float":"-Infinity"})");
}

TEST(JsonEncoder, WritesListsAsArrays) {
  auto s = Schema::from_descriptor(testing::test_message("AllTypes"));
  auto serde = make_value_serde(s);
  Row row(s.get());
  const uint32_t items = *s->find("items"), tags = *s->find("tags"), scores = *s->find("scores");
  row.add_list_element(items).set_string(0, "a");
  Row& second = row.add_list_element(items);
  second.set_double(1, 1.5);
  second.set_bool(2, true);  // deep.flag
  row.set_empty_list(tags);
  row.add_list_element(scores).set_int(0, 3);
  row.add_list_element(scores);  // an element without a value
  EXPECT_EQ(encode(*serde, row),
            R"({"items":[{"label":"a"},{"weight":1.5,"deep":{"flag":true}}],"tags":[],)"
            R"("scores":[3,null]})");
}

TEST(JsonEncoder, NestsDottedPathsOfSynthesizedSchemas) {
  auto element = Schema::Builder("e").add("k.v", FieldType::kString).build();
  auto s = Schema::Builder("agg")
               .add("window.start", FieldType::kInt64)
               .add("count", FieldType::kInt64)
               .add("window.end", FieldType::kInt64)
               .add("top", FieldType::kList, element)
               .build();
  auto serde = make_value_serde(s);
  Row row(s.get());
  row.set_int(0, 10);
  row.set_int(1, 3);
  row.set_int(2, 20);
  row.add_list_element(3).set_string(0, "x");
  EXPECT_EQ(encode(*serde, row),
            R"({"window":{"start":10,"end":20},"count":3,"top":[{"k":{"v":"x"}}]})");
  Row back;
  ASSERT_TRUE(serde->deserialize(encode(*serde, row), back).ok());
  EXPECT_TRUE(back.equals(row)) << back.debug_string();
}

}  // namespace
}  // namespace sluice::serde
