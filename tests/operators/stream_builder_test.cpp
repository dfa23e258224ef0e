// The DSL's build-time behaviour: step names, source resolution, errors that name the step,
// the repartition point, describe(), and cube().
#include "operators/stream_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "allezon.pb.h"

namespace sluice::ops {
namespace {

using ::testing::HasSubstr;

const char* const kUserTag = "sluice.allezon.UserTag";

SourceOptions tags_source(std::string topic = "tags") {
  SourceOptions o;
  o.topics = {std::move(topic)};
  o.message_type = kUserTag;
  o.key_field = "cookie";
  o.timestamp_field = "time";
  return o;
}

ExprPtr pred(std::string_view text) { return *parse_expression(text); }

std::vector<std::string> node_names(const Topology& t) {
  std::vector<std::string> out;
  for (const auto& n : t.nodes()) out.push_back(n.name);
  return out;
}

// Runs `f` and returns the std::invalid_argument message it throws ("" if none).
std::string build_error(const std::function<void(StreamsBuilder&)>& f) {
  StreamsBuilder b;
  try {
    f(b);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(StreamsBuilder, DerivesStepNamesFromInputAndOperator) {
  ASSERT_NE(allezon::UserTag::descriptor(), nullptr);  // links the generated descriptors in
  StreamsBuilder b;
  KStream tags = b.stream(tags_source());
  EXPECT_EQ(tags.name(), "tags");
  EXPECT_EQ(tags.filter(pred("product_info.price > 1")).name(), "tags.filter");
  EXPECT_EQ(tags.filter(pred("product_info.price > 2")).name(), "tags.filter-2");
  EXPECT_EQ(tags.filter(pred("product_info.price > 3"), "cheap").name(), "cheap");
  EXPECT_EQ(tags.filter(pred("product_info.price > 4")).name(), "tags.filter-3");
  KStream projected = tags.project({{"cookie", field("cookie")}});
  EXPECT_EQ(projected.name(), "tags.project");
  EXPECT_EQ(projected.filter(pred("cookie != ''")).name(), "tags.project.filter");
  EXPECT_EQ(tags.rekey({"country"}).name(), "tags.rekey");
  auto branches = tags.branch({pred("action == 'BUY'"), pred("action == 'VIEW'")});
  ASSERT_EQ(branches.size(), 2u);
  EXPECT_EQ(branches[0].name(), "tags.branch.0");
  EXPECT_EQ(branches[1].name(), "tags.branch.1");
  EXPECT_EQ(branches[0].merge(branches[1]).name(), "tags.branch.0.merge");
  tags.to({.topic = "out"});
  tags.to({.topic = "out"});
  Topology t = b.build();
  EXPECT_NE(t.node("tags.to.out"), nullptr);
  EXPECT_NE(t.node("tags.to.out-2"), nullptr);
  EXPECT_TRUE(b.build().nodes().empty()) << "build() leaves the builder empty";
}

// The same pipeline, optionally with unrelated steps added before, between and after its own.
Topology pipeline(bool with_extra_steps) {
  StreamsBuilder b;
  KStream tags = b.stream(tags_source());
  if (with_extra_steps) {
    KStream other = b.stream(tags_source("other-tags"));
    other.filter(pred("country == 'PL'")).to({.topic = "other-out"});
    tags.project({{"c", field("country")}}).to({.topic = "countries"});
    tags.rekey({"cookie"}).through_repartition_if_needed().to({.topic = "by-cookie"});
  }
  KStream buys = tags.filter(pred("action == 'BUY'"));
  if (with_extra_steps) buys.branch({pred("device == 'PC'")})[0].to({.topic = "pc"});
  KStream expensive = buys.filter(pred("product_info.price > 100"));
  expensive.rekey({"country"}).through_repartition_if_needed().to({.topic = "out"});
  if (with_extra_steps) {
    buys.filter(pred("product_info.price < 10")).to({.topic = "cheap"});  // a later filter
    expensive.merge(tags).to({.topic = "merged"});
  }
  return b.build();
}

TEST(StreamsBuilder, AddingStepsElsewhereRenamesNothing) {
  const Topology base = pipeline(false);
  const Topology extended = pipeline(true);
  ASSERT_GT(extended.nodes().size(), base.nodes().size() + 8);
  for (const auto& n : base.nodes()) {
    const Topology::Node* same = extended.node(n.name);
    ASSERT_NE(same, nullptr) << n.name << " was renamed";
    EXPECT_EQ(same->op, n.op) << n.name;
    EXPECT_EQ(same->parents, n.parents) << n.name;
  }
  EXPECT_NE(base.node("tags.filter.filter.rekey-repartition"), nullptr)
      << testing::PrintToString(node_names(base));
}

TEST(StreamsBuilder, SourceResolvesKeyTimestampAndRequiredFields) {
  StreamsBuilder b;
  SourceOptions o = tags_source();
  o.name = "user-tags";
  o.required_fields = {"product_info.price", "cookie"};
  o.format = serde::Format::kProtobuf;
  KStream s = b.stream(o);
  Topology t = b.build();
  const auto* node = t.node("user-tags");
  ASSERT_NE(node, nullptr);
  ASSERT_TRUE(node->source.has_value());
  const SourceSpec& spec = *node->source;
  const auto& schema = *s.schema();
  EXPECT_EQ(spec.topics, std::vector<std::string>{"tags"});
  EXPECT_EQ(spec.key_slot, schema.find("cookie"));
  EXPECT_EQ(spec.timestamp.slot, schema.find("time"));
  EXPECT_EQ(spec.timestamp.format, TimestampFormat::kIso8601);
  EXPECT_EQ(spec.value_format.format, serde::Format::kProtobuf);
  std::set<uint32_t> required(spec.value_format.required.begin(), spec.value_format.required.end());
  EXPECT_EQ(required, (std::set<uint32_t>{*schema.find("cookie"), *schema.find("time"),
                                          *schema.find("product_info.price")}));
  EXPECT_EQ(spec.value_format.required.size(), 3u) << "no slot is listed twice";
}

TEST(StreamsBuilder, SourceErrorsNameTheSourceAndTheNearestField) {
  EXPECT_THAT(build_error([](StreamsBuilder& b) {
                SourceOptions o = tags_source();
                o.key_field = "cokie";
                b.stream(o);
              }),
              AllOf(HasSubstr("source 'tags'"), HasSubstr("cookie")));
  EXPECT_THAT(build_error([](StreamsBuilder& b) {
                SourceOptions o = tags_source();
                o.timestamp_format = TimestampFormat::kEpochMillis;  // "time" is a string
                b.stream(o);
              }),
              HasSubstr("timestamp field 'time'"));
  EXPECT_THAT(build_error([](StreamsBuilder& b) {
                SourceOptions o = tags_source();
                o.message_type = "sluice.allezon.Nope";
                b.stream(o);
              }),
              HasSubstr("source 'tags'"));
  EXPECT_THAT(build_error([](StreamsBuilder& b) { b.stream({.topics = {"x"}}); }),
              HasSubstr("message_type or schema is required"));
  EXPECT_THAT(build_error([](StreamsBuilder& b) { b.stream({.message_type = kUserTag}); }),
              HasSubstr("topic"));
}

TEST(StreamsBuilder, StepErrorsNameTheStep) {
  auto with_tags = [](std::function<void(KStream&)> f) {
    return build_error([&](StreamsBuilder& b) {
      KStream s = b.stream(tags_source());
      f(s);
    });
  };
  EXPECT_THAT(with_tags([](KStream& s) { s.filter(pred("product_info.price + 1")); }),
              AllOf(HasSubstr("filter 'tags.filter'"), HasSubstr("not boolean")));
  EXPECT_THAT(with_tags([](KStream& s) { s.filter(pred("product_info.prize > 1"), "f"); }),
              AllOf(HasSubstr("filter 'f'"), HasSubstr("product_info.price")));
  EXPECT_THAT(with_tags([](KStream& s) { s.filter(pred("cookie > 1")); }),
              AllOf(HasSubstr("filter 'tags.filter'"), HasSubstr("`cookie > 1`")));
  EXPECT_THAT(with_tags([](KStream& s) {
                s.project({{"a", field("cookie")}, {"a", field("country")}});
              }),
              AllOf(HasSubstr("project 'tags.project'"), HasSubstr("'a' appears twice")));
  EXPECT_THAT(with_tags([](KStream& s) {
                s.project({{"a", field("cookie")}, {"a.b", field("country")}});
              }),
              HasSubstr("'a' is also the parent of 'a.b'"));
  EXPECT_THAT(with_tags([](KStream& s) { s.explode({.list_field = "cookie"}); }),
              AllOf(HasSubstr("explode 'tags.explode'"), HasSubstr("not a list")));
  EXPECT_THAT(with_tags([](KStream& s) { s.rekey({"cooky"}); }),
              AllOf(HasSubstr("rekey 'tags.rekey'"), HasSubstr("cookie")));
  EXPECT_THAT(with_tags([](KStream& s) { s.branch({pred("country")}); }),
              AllOf(HasSubstr("branch 'tags.branch'"), HasSubstr("not boolean")));
  EXPECT_THAT(with_tags([](KStream& s) {
                s.merge(s.project({{"c", field("cookie")}}));
              }),
              AllOf(HasSubstr("merge 'tags.merge'"), HasSubstr("different fields")));
  EXPECT_THAT(with_tags([](KStream& s) { s.to({}); }), HasSubstr("topic is required"));
}

TEST(StreamsBuilder, ProjectSynthesizesTheOutputSchemaFromExpressionTypes) {
  StreamsBuilder b;
  KStream s = b.stream(tags_source())
                  .project({
                      {"cookie", field("cookie")},
                      {"price", field("product_info.price")},
                      {"net", pred("product_info.price / 1.23")},
                      {"doubled", pred("product_info.price * 2")},
                      {"is_buy", pred("action == 'BUY'")},
                      {"product.brand", field("product_info.brand_id")},
                  });
  const auto& schema = *s.schema();
  ASSERT_EQ(schema.size(), 6u);
  auto type_of = [&](const char* path) { return schema.field(*schema.find(path)).type; };
  EXPECT_EQ(type_of("cookie"), serde::FieldType::kString);
  EXPECT_EQ(type_of("price"), serde::FieldType::kInt64);
  EXPECT_EQ(type_of("net"), serde::FieldType::kDouble);
  EXPECT_EQ(type_of("doubled"), serde::FieldType::kInt64);
  EXPECT_EQ(type_of("is_buy"), serde::FieldType::kBool);
  EXPECT_EQ(type_of("product.brand"), serde::FieldType::kString);
}

TEST(StreamsBuilder, RepartitionAddsAnInternalSinkAndSourceOnlyAfterARekey) {
  StreamsBuilder b;
  KStream tags = b.stream(tags_source());
  EXPECT_FALSE(tags.repartition_pending());
  EXPECT_EQ(tags.through_repartition_if_needed().name(), "tags") << "nothing pending";

  KStream keyed = tags.rekey({"country"});
  EXPECT_TRUE(keyed.repartition_pending());
  EXPECT_TRUE(keyed.filter(pred("country != ''")).repartition_pending());
  EXPECT_TRUE(keyed.project({{"c", field("country")}}).repartition_pending());
  EXPECT_TRUE(keyed.branch({pred("country != ''")})[0].repartition_pending());
  EXPECT_TRUE(tags.merge(keyed).repartition_pending());

  KStream through = keyed.through_repartition_if_needed();
  EXPECT_EQ(through.name(), "tags.rekey-repartition");
  EXPECT_FALSE(through.repartition_pending());
  EXPECT_EQ(through.schema(), keyed.schema());
  EXPECT_EQ(keyed.through_repartition_if_needed().name(), through.name()) << "reused";
  through.to({.topic = "out"});

  Topology t = b.build();
  const auto* sink = t.node("tags.rekey-repartition-sink");
  const auto* source = t.node("tags.rekey-repartition");
  ASSERT_TRUE(sink && sink->sink && source && source->source);
  EXPECT_TRUE(sink->sink->internal);
  EXPECT_EQ(sink->sink->topic, "tags.rekey-repartition");
  EXPECT_EQ(sink->parents, std::vector<std::string>{"tags.rekey"});
  EXPECT_EQ(sink->sink->value_format.format, serde::Format::kProtobuf);
  EXPECT_TRUE(source->source->internal);
  EXPECT_EQ(source->source->topics, std::vector<std::string>{"tags.rekey-repartition"});
  EXPECT_FALSE(source->source->key_slot.has_value()) << "key: the Kafka key";
  EXPECT_FALSE(source->source->timestamp.slot.has_value()) << "time: the Kafka timestamp";
  EXPECT_EQ(source->source->value_format.format, serde::Format::kProtobuf);
  EXPECT_EQ(t.subtopologies().size(), 2u);
  const auto sources = t.source_topics();
  EXPECT_EQ(std::count(sources.begin(), sources.end(), "tags.rekey-repartition"), 1);
}

TEST(StreamsBuilder, DescribeMentionsEveryNode) {
  StreamsBuilder b;
  KStream tags = b.stream(tags_source());
  KStream other = b.stream(tags_source("more-tags"));
  auto parts = tags.merge(other)
                   .filter(pred("product_info.price >= 10"))
                   .branch({pred("action == 'BUY'"), pred("device in ['PC', 'TV']")});
  parts[0].project({{"cookie", field("cookie")}}).to({.topic = "buyers"});
  parts[1].rekey({"device"}).through_repartition_if_needed().to({.topic = "by-device"});
  Topology t = b.build();
  const std::string text = t.describe();
  const std::string dot = t.describe_dot();
  ASSERT_GE(t.nodes().size(), 12u);
  for (const auto& n : t.nodes()) {
    EXPECT_THAT(text, HasSubstr(n.name));
    EXPECT_THAT(dot, HasSubstr("\"" + n.name + "\""));
  }
  EXPECT_THAT(text, HasSubstr("product_info.price >= 10"));  // the filter's detail
  EXPECT_THAT(text, HasSubstr("Sub-topology: 1"));
}

// --- cube -----------------------------------------------------------------------------------

// Every subset of `optional`, by recursion (include or skip each field), as sorted sets.
void subsets(const std::vector<std::string>& optional, size_t i, std::vector<std::string>& cur,
             std::set<std::set<std::string>>& out) {
  if (i == optional.size()) {
    out.insert(std::set<std::string>(cur.begin(), cur.end()));
    return;
  }
  subsets(optional, i + 1, cur, out);
  cur.push_back(optional[i]);
  subsets(optional, i + 1, cur, out);
  cur.pop_back();
}

TEST(Cube, GivesEveryGroupingSetOnceWithTheRequiredFieldsInMaskOrder) {
  const std::vector<std::string> required = {"window", "country"};
  for (size_t n = 0; n <= 5; ++n) {
    std::vector<std::string> optional;
    for (size_t i = 0; i < n; ++i) optional.push_back("f" + std::to_string(i));
    const auto sets = cube(required, optional);
    ASSERT_EQ(sets.size(), size_t{1} << n);
    std::set<std::set<std::string>> expected, got;
    std::vector<std::string> cur = required;
    subsets(optional, 0, cur, expected);
    for (size_t mask = 0; mask < sets.size(); ++mask) {
      const auto& s = sets[mask];
      ASSERT_TRUE(std::equal(required.begin(), required.end(), s.begin())) << "required first";
      for (size_t j = 0; j < n; ++j) {
        const bool in_set = std::find(s.begin(), s.end(), optional[j]) != s.end();
        EXPECT_EQ(in_set, ((mask >> j) & 1) != 0) << "set " << mask << " field " << j;
      }
      got.insert(std::set<std::string>(s.begin(), s.end()));
    }
    EXPECT_EQ(got, expected);
  }
  EXPECT_THROW(cube({"a"}, {"a"}), std::invalid_argument);
  EXPECT_THROW(cube({}, std::vector<std::string>(17, "x")), std::invalid_argument);
}

}  // namespace
}  // namespace sluice::ops
