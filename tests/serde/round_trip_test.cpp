// Property tests: random rows survive JSON and protobuf round trips, and our protobuf and JSON
// agree with the generated protobuf classes (an independent implementation of the format).
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <random>

#include "allezon.pb.h"
#include "serde/value_serde.h"
#include "shop.pb.h"

namespace sluice::serde {
namespace {

std::string random_string(std::mt19937_64& rng) {
  // Valid UTF-8 only: JSON requires it (simdjson validates), protobuf strings too.
  static const char* const kTokens[] = {"a", "b", "X", "0", " ", "_", "\"", "\\", "/",
                                        "\n", "\t", "\x01", "\xc3\xa9", "\xe2\x82\xac"};
  std::string s;
  const size_t n = rng() % 12;
  for (size_t i = 0; i < n; ++i) s += kTokens[rng() % (sizeof kTokens / sizeof kTokens[0])];
  return s;
}

void fill_random(Row& row, const Schema& schema, std::mt19937_64& rng, int depth = 0) {
  for (uint32_t i = 0; i < schema.size(); ++i) {
    if (rng() % 4 == 0) continue;  // absent
    const FieldDef& f = schema.field(i);
    switch (f.type) {
      case FieldType::kBool: row.set_bool(i, rng() % 2); break;
      case FieldType::kInt64: row.set_int(i, static_cast<int64_t>(rng()) >> (rng() % 64)); break;
      case FieldType::kDouble:
        row.set_double(i, static_cast<double>(static_cast<int64_t>(rng() % 2000000) - 1000000) / 64);
        break;
      case FieldType::kString:
        if (f.proto_is_enum) {
          const auto* e = f.proto_field->enum_type();
          row.set_string(i, e->value(static_cast<int>(rng() % e->value_count()))->name());
        } else {
          row.set_string(i, random_string(rng));
        }
        break;
      case FieldType::kList: {
        const size_t n = depth > 2 ? 0 : rng() % 4;
        if (n == 0) row.set_empty_list(i);
        for (size_t e = 0; e < n; ++e) fill_random(row.add_list_element(i), *f.element, rng, depth + 1);
        break;
      }
    }
  }
}

class RoundTrip : public ::testing::TestWithParam<Format> {};

TEST_P(RoundTrip, RandomRowsSurviveEncodeThenDecode) {
  std::mt19937_64 rng(GetParam() == Format::kJson ? 1 : 2);
  for (const auto* d : {allezon::UserTag::descriptor(), shop::Order::descriptor()}) {
    auto schema = Schema::from_descriptor(d);
    auto serde = make_value_serde(schema, {.format = GetParam()});
    Row row(schema.get()), back;
    std::string bytes;
    for (int i = 0; i < 3000; ++i) {
      row.clear();
      fill_random(row, *schema, rng);
      bytes.clear();
      serde->serialize(row, bytes);
      ASSERT_TRUE(serde->deserialize(bytes, back).ok()) << row.debug_string();
      if (GetParam() == Format::kProtobuf) {
        // Protobuf cannot tell an empty repeated field from an absent one.
        for (uint32_t s = 0; s < schema->size(); ++s) {
          if (schema->field(s).type == FieldType::kList && row.has(s) && row.list_size(s) == 0 &&
              !back.has(s)) {
            back.set_empty_list(s);
          }
        }
      }
      ASSERT_TRUE(row.equals(back)) << row.debug_string() << "\n" << back.debug_string();
    }
  }
}

TEST_P(RoundTrip, SynthesizedSchemasRoundTrip) {
  auto element = Schema::Builder("e").add("x", FieldType::kInt64).add("y", FieldType::kString).build();
  auto schema = Schema::Builder("synth")
                    .add("a", FieldType::kInt64)
                    .add("b.c", FieldType::kDouble)
                    .add("b.d", FieldType::kString)
                    .add("flag", FieldType::kBool)
                    .add("list", FieldType::kList, element)
                    .build();
  auto serde = make_value_serde(schema, {.format = GetParam()});
  std::mt19937_64 rng(3);
  Row row(schema.get()), back;
  for (int i = 0; i < 2000; ++i) {
    row.clear();
    fill_random(row, *schema, rng);
    if (GetParam() == Format::kProtobuf && row.has(4) && row.list_size(4) == 0) row.set_null(4);
    std::string bytes;
    serde->serialize(row, bytes);
    ASSERT_TRUE(serde->deserialize(bytes, back).ok()) << bytes;
    ASSERT_TRUE(row.equals(back)) << row.debug_string() << "\n" << back.debug_string();
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, RoundTrip, ::testing::Values(Format::kJson, Format::kProtobuf));

TEST(ProtobufSerde, AgreesWithGeneratedClasses) {
  auto schema = Schema::from_descriptor(shop::Order::descriptor());
  auto pb = make_value_serde(schema, {.format = Format::kProtobuf});
  auto json = make_value_serde(schema);
  std::mt19937_64 rng(9);
  for (int i = 0; i < 2000; ++i) {
    shop::Order order;
    order.set_id("o" + std::to_string(rng() % 1000));
    order.set_userid(random_string(rng));
    order.set_price(static_cast<double>(rng() % 100000) / 100);
    const int n = static_cast<int>(rng() % 4);
    for (int k = 0; k < n; ++k) {
      auto* item = order.add_items();
      item->set_productid("p" + std::to_string(rng() % 50));
      item->set_quantity(static_cast<int64_t>(rng() % 5) + 1);
      item->set_price(static_cast<double>(rng() % 5000) / 100);
    }
    // Generated serializer -> our decoder -> our encoder -> generated parser.
    Row row;
    ASSERT_TRUE(pb->deserialize(order.SerializeAsString(), row).ok());
    std::string ours;
    pb->serialize(row, ours);
    shop::Order back;
    ASSERT_TRUE(back.ParseFromString(ours));
    EXPECT_EQ(back.SerializeAsString(), order.SerializeAsString());
    // Generated JSON printer -> our JSON decoder gives the same row.
    std::string printed;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(order, &printed).ok());
    Row from_json;
    ASSERT_TRUE(json->deserialize(printed, from_json).ok()) << printed;
    // proto3 omits zero values; our protobuf reader then sees them absent too.
    EXPECT_TRUE(row.equals(from_json)) << row.debug_string() << "\n" << from_json.debug_string();
  }
}

TEST(ProtobufSerde, UserTagEnumsTravelAsNumbers) {
  allezon::UserTag tag;
  tag.set_cookie("c");
  tag.set_action(allezon::BUY);
  tag.set_device(allezon::TV);
  tag.mutable_product_info()->set_price(-5);
  auto schema = Schema::from_descriptor(allezon::UserTag::descriptor());
  auto pb = make_value_serde(schema, {.format = Format::kProtobuf});
  Row row;
  ASSERT_TRUE(pb->deserialize(tag.SerializeAsString(), row).ok());
  EXPECT_EQ(row.get_string(*schema->find("action")), "BUY");
  EXPECT_EQ(row.get_string(*schema->find("device")), "TV");
  EXPECT_EQ(row.get_int(*schema->find("product_info.price")), -5);
}

TEST(Serdes, MutatedInputNeverCrashesOrThrows) {
  auto schema = Schema::from_descriptor(shop::Order::descriptor());
  std::mt19937_64 rng(12);
  for (Format format : {Format::kJson, Format::kProtobuf}) {
    auto serde = make_value_serde(schema, {.format = format});
    Row row(schema.get()), out;
    for (int i = 0; i < 3000; ++i) {
      row.clear();
      fill_random(row, *schema, rng);
      std::string bytes;
      serde->serialize(row, bytes);
      if (bytes.empty()) continue;
      std::string mutated = bytes.substr(0, rng() % (bytes.size() + 1));
      for (int m = 0; m < 3; ++m) {
        if (!mutated.empty()) mutated[rng() % mutated.size()] = static_cast<char>(rng());
      }
      Status st;
      EXPECT_NO_THROW(st = serde->deserialize(mutated, out));
      if (!st.ok()) {
        EXPECT_TRUE(st.is_record_error()) << st.to_string();
      }
    }
  }
}

}  // namespace
}  // namespace sluice::serde
