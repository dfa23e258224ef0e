// Robustness: truncated and randomly mutated inputs must come back as a Status (ok, or a
// record error), never as a crash, an exception or a sanitizer report.
#include <gtest/gtest.h>

#include "allezon.pb.h"
#include "serde/test_util.h"
#include "serde/value_serde.h"
#include "shop.pb.h"

namespace sluice::serde {
namespace {

void expect_handled(ValueSerde& serde, const std::string& input, Row& row) {
  Status st;
  ASSERT_NO_THROW(st = serde.deserialize(input, row));
  if (!st.ok()) {
    EXPECT_TRUE(st.is_record_error()) << st.to_string();
  }
  if (st.ok()) {  // whatever was read must encode again
    std::string out;
    serde.serialize(row, out);
  }
}

// Every prefix, and `mutations` copies with a few random bytes changed, inserted or removed.
void torture(ValueSerde& serde, const std::string& valid, std::mt19937_64& rng, int mutations) {
  Row row;
  for (size_t n = 0; n <= valid.size(); ++n) expect_handled(serde, valid.substr(0, n), row);
  static const char kJsonish[] = "{}[]\",:\\0123456789.eE-+tfnul \x80\xff";
  for (int i = 0; i < mutations; ++i) {
    std::string m = valid;
    for (int k = 0, edits = 1 + static_cast<int>(rng() % 4); k < edits && !m.empty(); ++k) {
      const size_t at = rng() % m.size();
      const char c = rng() % 2 ? static_cast<char>(rng()) : kJsonish[rng() % (sizeof kJsonish - 1)];
      switch (rng() % 3) {
        case 0:
          m[at] = c;
          break;
        case 1:
          m.insert(m.begin() + static_cast<ptrdiff_t>(at), c);
          break;
        default:
          m.erase(at, 1);
      }
    }
    expect_handled(serde, m, row);
    if (::testing::Test::HasFailure()) return;
  }
}

class Robustness : public ::testing::TestWithParam<Format> {};

TEST_P(Robustness, MutatedUserTagsNeverCrashOrThrow) {
  auto schema = Schema::from_descriptor(allezon::UserTag::descriptor());
  auto serde = make_value_serde(schema, {.format = GetParam(), .required = {1}});
  std::mt19937_64 rng(12);
  Row row(schema.get());
  for (int i = 0; i < 20; ++i) {
    row.clear();
    testing::fill_random(row, *schema, rng, {.protobuf_safe = true});
    std::string bytes;
    serde->serialize(row, bytes);
    torture(*serde, bytes, rng, 500);
  }
}

TEST_P(Robustness, MutatedRowsWithListsNeverCrashOrThrow) {
  std::mt19937_64 rng(13);
  for (const auto* d : {shop::Order::descriptor(), testing::test_message("AllTypes")}) {
    auto schema = Schema::from_descriptor(d);
    auto serde = make_value_serde(schema, {.format = GetParam()});
    Row row(schema.get());
    for (int i = 0; i < 10; ++i) {
      row.clear();
      testing::fill_random(row, *schema, rng, {.protobuf_safe = true});
      std::string bytes;
      serde->serialize(row, bytes);
      torture(*serde, bytes, rng, 400);
    }
  }
}

TEST_P(Robustness, RandomBytesNeverCrashOrThrow) {
  auto schema = Schema::from_descriptor(testing::test_message("AllTypes"));
  auto serde = make_value_serde(schema, {.format = GetParam()});
  std::mt19937_64 rng(14);
  Row row;
  for (int i = 0; i < 3000; ++i) {
    std::string bytes(rng() % 64, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    expect_handled(*serde, bytes, row);
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, Robustness, ::testing::Values(Format::kJson, Format::kProtobuf),
                         [](const auto& info) { return std::string(format_name(info.param)); });

TEST(Robustness, MutatedDebeziumEventsNeverCrashOrThrow) {
  auto schema = Schema::from_descriptor(shop::Product::descriptor());
  auto serde = make_value_serde(schema, {.envelope = Envelope::kDebezium});
  std::mt19937_64 rng(15);
  torture(*serde,
          R"({"schema":{"type":"struct"},"payload":{"before":{"id":"1","name":"a\u00e9"},)"
          R"("after":{"id":"1","name":"b","price":2.5},"source":{"lsn":[1,2]},"op":"u"}})",
          rng, 3000);
  torture(*serde, R"({"before":{"id":"1"},"after":null,"op":"d","ts_ms":5})", rng, 2000);
}

TEST(Robustness, DeepNestingOfUnknownValuesIsHandled) {
  auto serde = make_value_serde(Schema::from_descriptor(allezon::UserTag::descriptor()));
  Row row;
  const std::string deep = R"({"x":)" + std::string(5000, '[') + std::string(5000, ']') + "}";
  expect_handled(*serde, deep, row);
  const std::string open = R"({"x":)" + std::string(5000, '{');
  expect_handled(*serde, open, row);
}

}  // namespace
}  // namespace sluice::serde
