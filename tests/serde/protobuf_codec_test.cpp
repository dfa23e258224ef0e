// The protobuf wire codec, checked against protobuf's own implementation (generated classes and
// DynamicMessage) and against hand-written wire bytes.
#include <gtest/gtest.h>

#include "allezon.pb.h"
#include "serde/test_util.h"
#include "serde/value_serde.h"
#include "shop.pb.h"

namespace sluice::serde {
namespace {

using testing::test_message;

std::unique_ptr<ValueSerde> pb_serde(const SchemaPtr& s) {
  return make_value_serde(s, {.format = Format::kProtobuf});
}

allezon::UserTag sample_tag() {
  allezon::UserTag tag;
  tag.set_time("2022-03-22T12:15:00.000Z");
  tag.set_cookie("c\xc3\xa9");
  tag.set_country("PL");
  tag.set_device(allezon::TV);
  tag.set_action(allezon::BUY);
  tag.set_origin("o");
  tag.mutable_product_info()->set_product_id("p");
  tag.mutable_product_info()->set_brand_id("b");
  tag.mutable_product_info()->set_price(-5);
  return tag;
}

TEST(ProtobufSerde, DecodesWhatGeneratedClassesSerialize) {
  auto s = Schema::from_descriptor(allezon::UserTag::descriptor());
  auto serde = pb_serde(s);
  Row row;
  ASSERT_TRUE(serde->deserialize(sample_tag().SerializeAsString(), row).ok());
  EXPECT_EQ(row.get_string(*s->find("cookie")), "c\xc3\xa9");
  EXPECT_EQ(row.get_string(*s->find("device")), "TV");
  EXPECT_EQ(row.get_string(*s->find("action")), "BUY");
  EXPECT_EQ(row.get_string(*s->find("product_info.brand_id")), "b");
  EXPECT_EQ(row.get_int(*s->find("product_info.price")), -5);
  EXPECT_FALSE(row.has(*s->find("product_info.category_id")));  // proto3 left it out
  testing::expect_matches(sample_tag(), row);
}

TEST(ProtobufSerde, GeneratedClassesParseWhatWeEncode) {
  auto s = Schema::from_descriptor(allezon::UserTag::descriptor());
  auto serde = pb_serde(s);
  Row row;
  ASSERT_TRUE(make_value_serde(s)
                  ->deserialize(R"({"cookie":"c","device":"MOBILE","action":"VIEW",)"
                                R"("product_info":{"category_id":"k","price":12345678901}})",
                                row)
                  .ok());
  std::string bytes;
  serde->serialize(row, bytes);
  allezon::UserTag tag;
  ASSERT_TRUE(tag.ParseFromString(bytes));
  EXPECT_EQ(tag.cookie(), "c");
  EXPECT_EQ(tag.device(), allezon::MOBILE);
  EXPECT_EQ(tag.action(), allezon::VIEW);
  EXPECT_EQ(tag.product_info().category_id(), "k");
  EXPECT_EQ(tag.product_info().price(), 12345678901);
  EXPECT_TRUE(tag.time().empty());
}

TEST(ProtobufSerde, AgreesWithProtobufOnEveryFieldType) {
  auto s = Schema::from_descriptor(test_message("AllTypes"));
  auto serde = pb_serde(s);
  std::mt19937_64 rng(41);
  Row row(s.get()), back;
  for (int i = 0; i < 1500; ++i) {
    row.clear();
    testing::fill_random(row, *s, rng, {.protobuf_safe = true});
    std::string ours;
    serde->serialize(row, ours);
    auto message = testing::new_message(test_message("AllTypes"));
    ASSERT_TRUE(message->ParseFromString(ours)) << row.debug_string();
    testing::expect_matches(*message, row);
    ASSERT_TRUE(serde->deserialize(message->SerializeAsString(), back).ok());
    Row expected(s.get());
    testing::copy_without_defaults(row, expected);
    ASSERT_TRUE(back.equals(expected)) << back.debug_string() << "\n" << expected.debug_string();
    if (HasFailure()) break;
  }
}

// Hand-made wire bytes.
std::string varint(uint64_t v) {
  std::string out;
  for (; v >= 0x80; v >>= 7) out += static_cast<char>(v | 0x80);
  return out + static_cast<char>(v);
}
std::string tag(int number, int wire) {
  return varint((static_cast<uint64_t>(number) << 3) | wire);
}
std::string len(int number, const std::string& body) {
  return tag(number, 2) + varint(body.size()) + body;
}

TEST(ProtobufSerde, AcceptsPackedAndUnpackedRepeatedScalars) {
  auto s = Schema::from_descriptor(test_message("AllTypes"));
  auto serde = pb_serde(s);
  const uint32_t scores = *s->find("scores"), ratios = *s->find("ratios");
  float f = 0.5f;
  std::string f_bytes(reinterpret_cast<const char*>(&f), 4);
  // scores (sint64, packed by default) sent unpacked; ratios ([packed=false]) sent packed.
  const std::string bytes = tag(20, 0) + varint(3) + tag(20, 0) + varint(4) +
                            len(22, f_bytes + f_bytes) + len(20, varint(5));
  Row row;
  ASSERT_TRUE(serde->deserialize(bytes, row).ok());
  ASSERT_EQ(row.list_size(scores), 3u);
  EXPECT_EQ(row.list_at(scores, 0).get_int(0), -2);  // zigzag
  EXPECT_EQ(row.list_at(scores, 2).get_int(0), -3);
  ASSERT_EQ(row.list_size(ratios), 2u);
  EXPECT_EQ(row.list_at(ratios, 1).get_double(0), 0.5);
}

TEST(ProtobufSerde, SkipsUnknownFieldsOfEveryWireType) {
  auto s = Schema::from_descriptor(allezon::UserTag::descriptor());
  auto serde = pb_serde(s);
  const std::string group = tag(53, 3) + tag(1, 0) + varint(1) + tag(9, 3) + tag(9, 4) + tag(2, 2) +
                            varint(1) + "x" + tag(53, 4);
  const std::string bytes = tag(50, 0) + varint(UINT64_MAX) + tag(51, 1) + std::string(8, '\1') +
                            len(52, "skipped") + group + tag(54, 5) + std::string(4, '\2') +
                            len(2, "cookie") + len(7, tag(99, 0) + varint(1) + len(1, "p"));
  Row row;
  const Status st = serde->deserialize(bytes, row);
  ASSERT_TRUE(st.ok()) << st.to_string();
  EXPECT_EQ(row.get_string(*s->find("cookie")), "cookie");
  EXPECT_EQ(row.get_string(*s->find("product_info.product_id")), "p");
}

TEST(ProtobufSerde, MergesARepeatedNestedMessageAndKeepsTheLastScalar) {
  auto s = Schema::from_descriptor(allezon::UserTag::descriptor());
  const std::string bytes =
      len(7, len(1, "p")) + len(2, "first") + len(7, len(2, "b")) + len(2, "second");
  Row row;
  ASSERT_TRUE(pb_serde(s)->deserialize(bytes, row).ok());
  EXPECT_EQ(row.get_string(*s->find("product_info.product_id")), "p");
  EXPECT_EQ(row.get_string(*s->find("product_info.brand_id")), "b");
  EXPECT_EQ(row.get_string(*s->find("cookie")), "second");
}

TEST(ProtobufSerde, ReportsMalformedBytesAsInvalidRecordAndWrongWireTypesAsTypeMismatch) {
  auto s = Schema::from_descriptor(allezon::UserTag::descriptor());
  auto serde = pb_serde(s);
  struct Case {
    std::string bytes;
    Status::Code code;
  } cases[] = {
      {"\x12", Status::Code::kInvalidRecord},  // tag without a value
      {"\x12\x05"
       "abc",
       Status::Code::kInvalidRecord},                              // length past the end
      {"\x80", Status::Code::kInvalidRecord},                      // truncated varint
      {std::string(11, '\xff'), Status::Code::kInvalidRecord},     // varint over ten bytes
      {std::string("\x00\x01", 2), Status::Code::kInvalidRecord},  // field number 0
      {tag(60, 4), Status::Code::kInvalidRecord},                  // end group without start
      {tag(60, 3) + tag(1, 0), Status::Code::kInvalidRecord},      // group never closed
      {tag(60, 3) + tag(61, 4), Status::Code::kInvalidRecord},     // group closed by another
      {tag(60, 6), Status::Code::kInvalidRecord},                  // no wire type 6
      {tag(60, 7), Status::Code::kInvalidRecord},
      {len(7, "\x0a\x09"), Status::Code::kInvalidRecord},    // bad nested message
      {len(2, "\xff\xfe"), Status::Code::kInvalidRecord},    // string not UTF-8
      {len(2, "\xc0\x80"), Status::Code::kInvalidRecord},    // overlong UTF-8
      {tag(2, 0) + varint(1), Status::Code::kTypeMismatch},  // cookie as a varint
      {tag(4, 2) + varint(0), Status::Code::kTypeMismatch},  // device as bytes
      {tag(7, 0) + varint(1), Status::Code::kTypeMismatch},  // product_info as varint
  };
  Row row;
  for (const auto& c : cases) {
    Status st;
    ASSERT_NO_THROW(st = serde->deserialize(c.bytes, row));
    EXPECT_EQ(st.code(), c.code) << st.to_string();
  }
}

TEST(ProtobufSerde, BytesFieldsNeedNotBeUtf8) {
  auto s = Schema::from_descriptor(test_message("AllTypes"));
  Row row;
  ASSERT_TRUE(pb_serde(s)->deserialize(len(15, "\xff\xfe"), row).ok());
  EXPECT_EQ(row.get_string(*s->find("f_bytes")), "\xff\xfe");
}

TEST(ProtobufSerde, EncodesNestedMessagesLongerThanOneLengthByte) {
  auto s = Schema::from_descriptor(test_message("AllTypes"));
  auto serde = pb_serde(s);
  Row row(s.get());
  row.set_string(*s->find("inner.label"), std::string(300, 'l'));
  row.set_int(*s->find("inner.deep.big_count"), 1);
  row.add_list_element(*s->find("items")).set_string(0, std::string(20000, 'i'));
  std::string bytes;
  serde->serialize(row, bytes);
  auto message = testing::new_message(test_message("AllTypes"));
  ASSERT_TRUE(message->ParseFromString(bytes));
  testing::expect_matches(*message, row);
  Row back;
  ASSERT_TRUE(serde->deserialize(bytes, back).ok());
  EXPECT_TRUE(back.equals(row));
}

TEST(ProtobufSerde, ReadsUnknownEnumNumbersAsAbsentAndLeavesOutUnknownNames) {
  auto s = Schema::from_descriptor(allezon::UserTag::descriptor());
  auto serde = pb_serde(s);
  Row row;
  ASSERT_TRUE(serde->deserialize(tag(4, 0) + varint(42) + len(2, "c"), row).ok());
  EXPECT_FALSE(row.has(*s->find("device")));
  row.set_string(*s->find("device"), "FRIDGE");
  std::string bytes;
  serde->serialize(row, bytes);
  EXPECT_EQ(bytes, len(2, "c"));
}

TEST(ProtobufSerde, SynthesizedSchemasEncodeFlatWithSlotNumbers) {
  auto element = Schema::Builder("e").add("x", FieldType::kInt64).build();
  auto s = Schema::Builder("synth")
               .add("a", FieldType::kInt64)
               .add("b.c", FieldType::kDouble)
               .add("flag", FieldType::kBool)
               .add("list", FieldType::kList, element)
               .add("s", FieldType::kString)
               .build();
  auto serde = pb_serde(s);
  Row row(s.get());
  row.set_int(0, -1);
  row.set_double(1, 0.5);
  row.set_bool(2, true);
  row.add_list_element(3).set_int(0, 1);
  row.set_string(4, "hi");
  std::string bytes;
  serde->serialize(row, bytes);
  const double half = 0.5;
  const std::string expected = tag(1, 0) + varint(1) + tag(2, 1) +
                               std::string(reinterpret_cast<const char*>(&half), 8) + tag(3, 0) +
                               varint(1) + len(4, tag(1, 0) + varint(2)) + len(5, "hi");
  EXPECT_EQ(bytes, expected);
  Row back;
  ASSERT_TRUE(serde->deserialize(bytes, back).ok());
  EXPECT_TRUE(back.equals(row)) << back.debug_string();
}

TEST(ProtobufSerde, ReusedRowKeepsItsArenaBounded) {
  auto s = Schema::from_descriptor(shop::Order::descriptor());
  auto serde = pb_serde(s);
  shop::Order order;
  order.set_id("order-1");
  for (int i = 0; i < 5; ++i) order.add_items()->set_productid("product-" + std::to_string(i));
  const std::string bytes = order.SerializeAsString();
  Row row;
  size_t warm = 0;
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(serde->deserialize(bytes, row).ok());
    if (i == 10) warm = row.arena_capacity();
  }
  EXPECT_EQ(row.arena_capacity(), warm);
  EXPECT_EQ(row.list_size(5), 5u);
}

}  // namespace
}  // namespace sluice::serde
