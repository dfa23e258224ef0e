// Debezium change events: {"before","after","op"} envelopes, with or without the
// {"schema","payload"} wrapper of converters that have schemas enabled.
#include <gtest/gtest.h>

#include "serde/value_serde.h"
#include "shop.pb.h"

namespace sluice::serde {
namespace {

class Debezium : public ::testing::Test {
 protected:
  SchemaPtr schema_ = Schema::from_descriptor(shop::Product::descriptor());
  std::unique_ptr<ValueSerde> serde_ =
      make_value_serde(schema_, {.envelope = Envelope::kDebezium, .required = {0}});
  Row row_;
  std::string name() const { return std::string(row_.get_string(1)); }
};

TEST_F(Debezium, CreateReadAndUpdateDecodeTheAfterImage) {
  for (const char* op : {"c", "r", "u"}) {
    const std::string json =
        std::string(R"({"before":{"id":"1","name":"Old"},"after":{"id":"1","name":"Pizza",)") +
        R"("price":9.5},"source":{"db":"shop","table":"products"},"op":")" + op +
        R"(","ts_ms":1700000000000})";
    const Status st = serde_->deserialize(json, row_);
    ASSERT_TRUE(st.ok()) << op << ": " << st.to_string();
    EXPECT_FALSE(row_.tombstone()) << op;
    EXPECT_EQ(name(), "Pizza") << op;
    EXPECT_EQ(row_.get_double(4), 9.5);
  }
}

TEST_F(Debezium, DeleteDecodesTheBeforeImageAsATombstone) {
  ASSERT_TRUE(
      serde_->deserialize(R"({"op":"d","before":{"id":"7","name":"Calzone"},"after":null})", row_)
          .ok());
  EXPECT_TRUE(row_.tombstone());
  EXPECT_EQ(row_.get_string(0), "7");
  EXPECT_EQ(name(), "Calzone");
  // The next event starts from a clean row.
  ASSERT_TRUE(serde_->deserialize(R"({"op":"c","before":null,"after":{"id":"8"}})", row_).ok());
  EXPECT_FALSE(row_.tombstone());
  EXPECT_FALSE(row_.has(1));
}

TEST_F(Debezium, UnwrapsThePayloadOfSchemaEnabledConverters) {
  ASSERT_TRUE(
      serde_
          ->deserialize(R"({"schema":{"type":"struct","fields":[{"field":"after"}]},)"
                        R"("payload":{"before":null,"after":{"id":"1","name":"Margherita"},)"
                        R"("op":"r"}})",
                        row_)
          .ok());
  EXPECT_EQ(name(), "Margherita");
  ASSERT_TRUE(
      serde_->deserialize(R"({"payload":{"op":"d","before":{"id":"1"},"after":null}})", row_).ok());
  EXPECT_TRUE(row_.tombstone());
}

TEST_F(Debezium, RejectsIncompleteOrUnknownEvents) {
  struct Case {
    const char* json;
    Status::Code code;
  } cases[] = {
      {R"({"after":{"id":"1"}})", Status::Code::kMissingField},             // no op
      {R"({"op":"c","after":null})", Status::Code::kMissingField},          // no after
      {R"({"op":"d","before":null})", Status::Code::kMissingField},         // no before
      {R"({"op":"x","after":{"id":"1"}})", Status::Code::kInvalidRecord},   // unknown op
      {R"({"op":1,"after":{"id":"1"}})", Status::Code::kTypeMismatch},      // op not a string
      {R"({"op":"c","after":"{\"id\":1}"})", Status::Code::kTypeMismatch},  // after not an object
      {R"({"op":"c","after":{"id":true}})", Status::Code::kTypeMismatch},   // image field type
      {R"({"op":"c","after":{"name":"no id"}})", Status::Code::kMissingField},  // required
      {R"({"op":"d","before":{"name":"no id"}})", Status::Code::kMissingField},
      {R"({"op":"c","after":{"id":"1"}} trailing)", Status::Code::kInvalidRecord},
      {R"({"op":"c","after":{"id":"1")", Status::Code::kInvalidRecord},
  };
  for (const auto& c : cases) {
    Status st;
    ASSERT_NO_THROW(st = serde_->deserialize(c.json, row_)) << c.json;
    EXPECT_EQ(st.code(), c.code) << c.json << " -> " << st.to_string();
  }
}

TEST_F(Debezium, IsJsonOnly) {
  EXPECT_THROW(
      make_value_serde(schema_, {.format = Format::kProtobuf, .envelope = Envelope::kDebezium}),
      std::invalid_argument);
}

TEST_F(Debezium, ReusedRowsStayBoundedAcrossCreatesAndDeletes) {
  size_t warm = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string id = std::to_string(i % 50);
    const std::string json =
        i % 3 == 0 ? R"({"op":"d","before":{"id":")" + id + R"(","name":"n"},"after":null})"
                   : R"({"op":"u","before":null,"after":{"id":")" + id + R"(","name":"n"}})";
    ASSERT_TRUE(serde_->deserialize(json, row_).ok());
    EXPECT_EQ(row_.tombstone(), i % 3 == 0);
    EXPECT_EQ(row_.get_string(0), id);
    if (i == 20) warm = row_.arena_capacity();
  }
  EXPECT_EQ(row_.arena_capacity(), warm);
}

}  // namespace
}  // namespace sluice::serde
