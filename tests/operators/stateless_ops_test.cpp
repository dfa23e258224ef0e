// The stateless operators run through the TopologyTestDriver on generated records, each
// compared with a brute-force computation over the generator's own structs; plus the
// processors on a fake context, for what the driver cannot show (allocations, origin.index).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "allezon.pb.h"
#include "metrics/registry.h"
#include "operators/stream_builder.h"
#include "runtime/stream_task.h"
#include "serde/value_serde.h"
#include "shop.pb.h"
#include "testing/topology_test_driver.h"

namespace sluice::test_alloc {  // defined in expression_test.cpp
bool supported();
void start();
size_t stop();
}  // namespace sluice::test_alloc

namespace sluice::ops {
namespace {

using nlohmann::json;
using testing::TopologyTestDriver;

// --- generated user tags ----------------------------------------------------------------------

struct Tag {
  Timestamp time;
  std::string cookie, country, device, action, brand, category;
  std::optional<int64_t> price;
};

Tag random_tag(std::mt19937_64& rng, int i) {
  static const char* kCountries[] = {"PL", "DE", "FR", "US", "GB"};
  static const char* kDevices[] = {"PC", "MOBILE", "TV"};
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  Tag t;
  t.time = Timestamp(1'650'000'000'000 + i * 1000 + pick(5000));
  t.cookie = "c" + std::to_string(pick(60));
  t.country = kCountries[pick(5)];
  t.device = kDevices[pick(3)];
  t.action = pick(3) == 0 ? "BUY" : "VIEW";
  t.brand = "b" + std::to_string(pick(8));
  t.category = "k" + std::to_string(pick(4));
  // Prices cluster around 500 sometimes, so that "price - 500" is often zero.
  if (pick(10) != 0) t.price = pick(4) == 0 ? 495 + pick(11) : pick(1001);
  return t;
}

std::string to_json(const Tag& t) {
  json j = {
      {"time", format_iso8601(t.time)},
      {"cookie", t.cookie},
      {"country", t.country},
      {"device", t.device},
      {"action", t.action},
      {"origin", "o"},
      {"product_info", {{"product_id", "p"}, {"brand_id", t.brand}, {"category_id", t.category}}}};
  if (t.price) j["product_info"]["price"] = *t.price;
  return j.dump();
}

std::vector<Tag> random_tags(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Tag> tags;
  for (int i = 0; i < n; ++i) tags.push_back(random_tag(rng, i));
  return tags;
}

SourceOptions tags_source(std::string topic = "tags") {
  SourceOptions o;
  o.topics = {std::move(topic)};
  o.message_type = "sluice.allezon.UserTag";
  o.key_field = "cookie";
  o.timestamp_field = "time";
  return o;
}

ExprPtr pred(std::string_view text) { return *parse_expression(text); }

void pipe_all(TopologyTestDriver& driver, const std::vector<Tag>& tags,
              const std::string& topic = "tags") {
  for (size_t i = 0; i < tags.size(); ++i) {
    Headers headers = {{"trace", "t" + std::to_string(i)}};
    ASSERT_TRUE(driver.pipe(topic, "kafka-key", to_json(tags[i]), Timestamp(7), headers).ok());
  }
}

allezon::UserTag decode_tag(const ::sluice::testing::TestRecord& r) {
  allezon::UserTag m;
  EXPECT_TRUE(r.value && m.ParseFromString(*r.value));
  return m;
}

// Checks that a protobuf-encoded output record is the generated tag.
void expect_same_tag(const ::sluice::testing::TestRecord& r, const Tag& t) {
  const allezon::UserTag m = decode_tag(r);
  EXPECT_EQ(m.cookie(), t.cookie);
  EXPECT_EQ(m.country(), t.country);
  EXPECT_EQ(allezon::Device_Name(m.device()), t.device);
  EXPECT_EQ(allezon::Action_Name(m.action()), t.action);
  EXPECT_EQ(m.product_info().brand_id(), t.brand);
  EXPECT_EQ(m.product_info().price(), t.price.value_or(0));
  EXPECT_EQ(r.timestamp, t.time);
}

// A JSON output field by dotted path; accepts protobuf's lowerCamelCase spelling too.
const json* lookup(const json& j, std::string_view path) {
  const json* cur = &j;
  while (!path.empty()) {
    const size_t dot = path.find('.');
    std::string seg(path.substr(0, dot));
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    std::string camel;
    for (size_t i = 0; i < seg.size(); ++i) {
      camel +=
          seg[i] == '_' && i + 1 < seg.size() ? static_cast<char>(std::toupper(seg[++i])) : seg[i];
    }
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(seg);
    if (it == cur->end()) it = cur->find(camel);
    if (it == cur->end() || it->is_null()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::optional<int64_t> json_int(const json& j, std::string_view path) {
  const json* v = lookup(j, path);
  if (!v) return std::nullopt;
  return v->is_string() ? std::stoll(v->get<std::string>()) : v->get<int64_t>();
}

// --- the operators through the driver ----------------------------------------------------------

TEST(Filter, ForwardsExactlyTheRecordsWhereThePredicateHolds) {
  StreamsBuilder b;
  b.stream(tags_source())
      .filter(pred("product_info.price > 500 and action == 'BUY' or "
                   "country in ['PL', 'DE'] and not (device == 'TV')"))
      .to({.topic = "out", .format = serde::Format::kProtobuf});
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  const auto tags = random_tags(3000, 1);
  pipe_all(driver, tags);

  std::vector<const Tag*> expected;
  for (const Tag& t : tags) {
    const bool expensive_buy = t.price && *t.price > 500 && t.action == "BUY";
    const bool local = (t.country == "PL" || t.country == "DE") && t.device != "TV";
    if (expensive_buy || local) expected.push_back(&t);
  }
  const auto out = driver.read_output("out");
  ASSERT_EQ(out.size(), expected.size());
  ASSERT_GT(expected.size(), 500u);
  ASSERT_LT(expected.size(), 2500u);
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].key, expected[i]->cookie);
    expect_same_tag(out[i], *expected[i]);
  }
  EXPECT_TRUE(driver.read_dead_letters().empty());
}

TEST(Project, ComputesEveryFieldAndKeepsKeyTimestampAndHeaders) {
  StreamsBuilder b;
  b.stream(tags_source())
      .project({{"cookie", field("cookie")},
                {"price", field("product_info.price")},
                {"net", pred("product_info.price / 1.25")},
                {"discounted", pred("product_info.price - 10 * 3")},
                {"ratio", pred("1000 / (product_info.price - 500)")},
                {"is_buy", pred("action == 'BUY'")},
                {"product.brand", field("product_info.brand_id")},
                {"product.category", field("product_info.category_id")}})
      .to({.topic = "out"});
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  const auto tags = random_tags(2000, 2);
  pipe_all(driver, tags);

  const auto out = driver.read_output("out");
  ASSERT_EQ(out.size(), tags.size());
  int zero_divisions = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const Tag& t = tags[i];
    SCOPED_TRACE(*out[i].value);
    EXPECT_EQ(out[i].key, t.cookie);
    EXPECT_EQ(out[i].timestamp, t.time);
    EXPECT_EQ(out[i].header("trace"), "t" + std::to_string(i));
    const json j = json::parse(*out[i].value);
    EXPECT_EQ(lookup(j, "cookie")->get<std::string>(), t.cookie);
    EXPECT_EQ(json_int(j, "price"), t.price);
    EXPECT_EQ(lookup(j, "product.brand")->get<std::string>(), t.brand);
    EXPECT_EQ(lookup(j, "product.category")->get<std::string>(), t.category);
    EXPECT_EQ(lookup(j, "is_buy")->get<bool>(), t.action == "BUY");
    if (!t.price) {
      EXPECT_EQ(lookup(j, "net"), nullptr);
      EXPECT_EQ(lookup(j, "discounted"), nullptr);
      EXPECT_EQ(lookup(j, "ratio"), nullptr);
      continue;
    }
    EXPECT_DOUBLE_EQ(lookup(j, "net")->get<double>(), static_cast<double>(*t.price) / 1.25);
    EXPECT_EQ(json_int(j, "discounted"), *t.price - 30);
    if (*t.price == 500) {
      ++zero_divisions;
      EXPECT_EQ(lookup(j, "ratio"), nullptr) << "division by zero is null";
    } else {
      EXPECT_DOUBLE_EQ(lookup(j, "ratio")->get<double>(), 1000.0 / (*t.price - 500.0));
    }
  }
  EXPECT_GT(zero_divisions, 0);
}

TEST(Branch, SendsEachRecordToTheFirstMatchingBranchOnly) {
  StreamsBuilder b;
  auto branches = b.stream(tags_source())
                      .branch({pred("product_info.price > 800"), pred("action == 'BUY'"),
                               pred("country in ['PL', 'DE']")});
  for (size_t i = 0; i < branches.size(); ++i) {
    branches[i].to({.topic = "b" + std::to_string(i), .format = serde::Format::kProtobuf});
  }
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  const auto tags = random_tags(3000, 3);
  pipe_all(driver, tags);

  std::vector<std::vector<const Tag*>> expected(3);
  size_t dropped = 0;
  for (const Tag& t : tags) {
    if (t.price && *t.price > 800) {
      expected[0].push_back(&t);
    } else if (t.action == "BUY") {
      expected[1].push_back(&t);
    } else if (t.country == "PL" || t.country == "DE") {
      expected[2].push_back(&t);
    } else {
      ++dropped;
    }
  }
  ASSERT_GT(dropped, 0u);
  for (size_t i = 0; i < 3; ++i) {
    const auto out = driver.read_output("b" + std::to_string(i));
    ASSERT_EQ(out.size(), expected[i].size()) << "branch " << i;
    ASSERT_GT(out.size(), 100u);
    for (size_t k = 0; k < out.size(); ++k) expect_same_tag(out[k], *expected[i][k]);
  }
}

TEST(Merge, ForwardsBothInputsInArrivalOrder) {
  StreamsBuilder b;
  KStream buys = b.stream(tags_source("tags-a")).filter(pred("action == 'BUY'"));
  buys.merge(b.stream(tags_source("tags-b")))
      .to({.topic = "out", .format = serde::Format::kProtobuf});
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  const auto tags = random_tags(2000, 4);
  std::vector<const Tag*> expected;
  for (size_t i = 0; i < tags.size(); ++i) {
    const bool to_a = i % 3 != 0;
    ASSERT_TRUE(driver.pipe(to_a ? "tags-a" : "tags-b", "k", to_json(tags[i]), Timestamp(0)).ok());
    if (!to_a || tags[i].action == "BUY") expected.push_back(&tags[i]);
  }
  const auto out = driver.read_output("out");
  ASSERT_EQ(out.size(), expected.size());
  for (size_t i = 0; i < out.size(); ++i) expect_same_tag(out[i], *expected[i]);
}

TEST(Rekey, KeysByTheFieldValuesJoinedWithBars) {
  StreamsBuilder b;
  KStream tags = b.stream(tags_source());
  tags.rekey({"country", "device"}).to({.topic = "by-place", .format = serde::Format::kProtobuf});
  // A sibling after a re-key: it must still see the original key.
  tags.filter(pred("cookie != ''")).to({.topic = "unchanged", .format = serde::Format::kProtobuf});
  // Last: a record it rejects goes to the dead letters and reaches no later sibling.
  tags.rekey({"product_info.price"}, "by-price").to({.topic = "by-price"});
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  const auto tags_in = random_tags(2000, 5);
  pipe_all(driver, tags_in);

  const auto by_place = driver.read_output("by-place");
  const auto unchanged = driver.read_output("unchanged");
  ASSERT_EQ(by_place.size(), tags_in.size());
  ASSERT_EQ(unchanged.size(), tags_in.size());
  std::vector<const Tag*> priced;
  for (size_t i = 0; i < tags_in.size(); ++i) {
    EXPECT_EQ(by_place[i].key, tags_in[i].country + "|" + tags_in[i].device);
    expect_same_tag(by_place[i], tags_in[i]);
    EXPECT_EQ(unchanged[i].key, tags_in[i].cookie);
    if (tags_in[i].price) priced.push_back(&tags_in[i]);
  }
  const auto by_price = driver.read_output("by-price");
  ASSERT_EQ(by_price.size(), priced.size());
  for (size_t i = 0; i < by_price.size(); ++i) {
    EXPECT_EQ(by_price[i].key, std::to_string(*priced[i]->price));
  }
  // Records without a price cannot be keyed by it: dead letters, with the reason.
  const auto dead = driver.read_dead_letters();
  ASSERT_EQ(dead.size(), tags_in.size() - priced.size());
  ASSERT_GT(dead.size(), 0u);
  for (const auto& d : dead) {
    EXPECT_EQ(d.header(runtime::kErrorCodeHeader), "MISSING_FIELD");
    EXPECT_THAT(d.header(runtime::kErrorReasonHeader).value_or(""),
                ::testing::HasSubstr("product_info.price"));
    EXPECT_EQ(d.header(runtime::kErrorNodeHeader), "by-price");
  }
}

// Shortest round-trip form, checked from its definition: it parses back to the same double,
// and no representation with fewer significant digits does.
bool is_shortest_round_trip(const std::string& text, double d) {
  if (std::strtod(text.c_str(), nullptr) != d && !(std::isnan(d))) return false;
  // Significant digits: leading and trailing zeros of the mantissa do not count.
  std::string mantissa;
  for (char c : text) {
    if (c == 'e' || c == 'E') break;
    if (c >= '0' && c <= '9' && (c != '0' || !mantissa.empty())) mantissa += c;
  }
  while (!mantissa.empty() && mantissa.back() == '0') mantissa.pop_back();
  const int digits = static_cast<int>(mantissa.size());
  for (int p = 1; p < std::min(digits, 17); ++p) {
    char buf[400];  // room for any %g output, so the compiler sees no truncation
    std::snprintf(buf, sizeof buf, "%.*g", p, d);
    if (std::strtod(buf, nullptr) == d) return false;
  }
  return true;
}

TEST(Rekey, PrintsIntsDoublesAndBoolsCanonically) {
  auto schema = serde::Schema::Builder("Mixed")
                    .add("i", serde::FieldType::kInt64)
                    .add("d", serde::FieldType::kDouble)
                    .add("b", serde::FieldType::kBool)
                    .build();
  StreamsBuilder b;
  b.stream({.topics = {"mixed"}, .schema = schema}).rekey({"i", "d", "b"}).to({.topic = "out"});
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  std::mt19937_64 rng(6);
  std::vector<double> doubles = {0.1, 1e21, 5e-324, 123456789.125, -2.5, 1.0 / 3, 100, 0};
  for (int i = 0; i < 300; ++i)
    doubles.push_back(std::ldexp(static_cast<double>(rng() >> 11), -30));
  std::vector<int64_t> ints;
  for (size_t i = 0; i < doubles.size(); ++i) {
    ints.push_back(static_cast<int64_t>(rng()) >> (rng() % 64));
    const json j = {{"i", ints.back()}, {"d", doubles[i]}, {"b", i % 2 == 0}};
    ASSERT_TRUE(driver.pipe("mixed", "k", j.dump(), Timestamp(0)).ok());
  }
  const auto out = driver.read_output("out");
  ASSERT_EQ(out.size(), doubles.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const std::string& key = out[i].key;
    const size_t bar1 = key.find('|'), bar2 = key.rfind('|');
    ASSERT_NE(bar1, bar2) << key;
    EXPECT_EQ(key.substr(0, bar1), std::to_string(ints[i]));
    EXPECT_TRUE(is_shortest_round_trip(key.substr(bar1 + 1, bar2 - bar1 - 1), doubles[i])) << key;
    EXPECT_EQ(key.substr(bar2 + 1), i % 2 == 0 ? "true" : "false");
  }
}

TEST(Repartition, RecordsRoundTripThroughTheInternalTopic) {
  StreamsBuilder b;
  b.stream(tags_source())
      .rekey({"country"})
      .through_repartition_if_needed()
      .filter(pred("product_info.price > 100"))
      .to({.topic = "out", .format = serde::Format::kProtobuf});
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  const auto tags = random_tags(2000, 7);
  pipe_all(driver, tags);
  std::vector<size_t> expected;
  for (size_t i = 0; i < tags.size(); ++i) {
    if (tags[i].price && *tags[i].price > 100) expected.push_back(i);
  }
  const auto out = driver.read_output("out");
  ASSERT_EQ(out.size(), expected.size());
  for (size_t k = 0; k < out.size(); ++k) {
    const Tag& t = tags[expected[k]];
    EXPECT_EQ(out[k].key, t.country);
    EXPECT_EQ(out[k].header("trace"), "t" + std::to_string(expected[k]));
    expect_same_tag(out[k], t);  // the event time became the Kafka timestamp and came back
  }
  EXPECT_TRUE(driver.read_dead_letters().empty());
}

// Pizza-shop orders (sluice.shop.Order) with their items: explode, brute-forced.
serde::SchemaPtr order_schema() {
  EXPECT_NE(shop::Order::descriptor(), nullptr);  // links the generated descriptors in
  return serde::Schema::from_descriptor(shop::Order::descriptor());
}

SourceOptions orders_source() {
  return {.topics = {"orders"},
          .message_type = "sluice.shop.Order",
          .key_field = "id",
          .timestamp_field = "createdAt"};
}

struct Item {
  std::string product_id;
  int64_t quantity;
  double price;
};
struct Order {
  std::string id, user_id;
  Timestamp created;
  double price = 0;
  std::vector<Item> items;
};

std::vector<Order> random_orders(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Order> orders;
  for (int i = 0; i < n; ++i) {
    Order o{"o" + std::to_string(i),
            "u" + std::to_string(rng() % 40),
            Timestamp(1'650'000'000'000 + i * 500),
            0,
            {}};
    for (int k = 0, items = static_cast<int>(rng() % 6); k < items; ++k) {
      o.items.push_back({"p" + std::to_string(rng() % 100), static_cast<int64_t>(rng() % 5 + 1),
                         static_cast<double>(rng() % 10000) / 100});
      o.price += static_cast<double>(o.items.back().quantity) * o.items.back().price;
    }
    orders.push_back(std::move(o));
  }
  return orders;
}

std::string to_json(const Order& o) {
  json items = json::array();
  for (const auto& it : o.items) {
    items.push_back({{"productId", it.product_id}, {"quantity", it.quantity}, {"price", it.price}});
  }
  return json{{"id", o.id},          {"createdAt", format_iso8601(o.created)},
              {"userId", o.user_id}, {"status", "NEW"},
              {"price", o.price},    {"items", items}}
      .dump();
}

TEST(Explode, EmitsOneRecordPerElementWithTheParentFields) {
  StreamsBuilder b;
  KStream items = b.stream(orders_source()).explode({.list_field = "items", .as = "item"});
  items.to({.topic = "items"});
  items.filter(pred("item.quantity * item.price >= 100")).to({.topic = "big"});
  Topology topology = b.build();
  TopologyTestDriver driver(topology);
  const auto orders = random_orders(1000, 8);
  for (const auto& o : orders) {
    ASSERT_TRUE(driver.pipe("orders", "", to_json(o), Timestamp(0)).ok());
  }

  std::vector<std::pair<const Order*, const Item*>> expected, big;
  for (const auto& o : orders) {
    for (const auto& it : o.items) {
      expected.push_back({&o, &it});
      if (static_cast<double>(it.quantity) * it.price >= 100) big.push_back({&o, &it});
    }
  }
  const auto out = driver.read_output("items");
  ASSERT_EQ(out.size(), expected.size());
  ASSERT_GT(out.size(), orders.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const auto& [o, it] = expected[i];
    SCOPED_TRACE(*out[i].value);
    const json j = json::parse(*out[i].value);
    EXPECT_EQ(out[i].key, o->id);
    EXPECT_EQ(out[i].timestamp, o->created);
    EXPECT_EQ(lookup(j, "userId")->get<std::string>(), o->user_id);
    EXPECT_DOUBLE_EQ(lookup(j, "price")->get<double>(), o->price);
    EXPECT_EQ(lookup(j, "item.productId")->get<std::string>(), it->product_id);
    EXPECT_EQ(json_int(j, "item.quantity"), it->quantity);
    EXPECT_DOUBLE_EQ(lookup(j, "item.price")->get<double>(), it->price);
    EXPECT_EQ(lookup(j, "items"), nullptr) << "list fields are not carried";
  }
  const auto big_out = driver.read_output("big");
  ASSERT_EQ(big_out.size(), big.size());
  ASSERT_GT(big.size(), 100u);
  for (size_t i = 0; i < big_out.size(); ++i) {
    EXPECT_EQ(lookup(json::parse(*big_out[i].value), "item.productId")->get<std::string>(),
              big[i].second->product_id);
  }
}

// --- processors on a fake context -----------------------------------------------------------

class FakeContext final : public ProcessorContext {
 public:
  const TaskId& task_id() const override { return task_; }
  const std::string& node_name() const override { return name_; }
  Status forward(Record& record) override {
    ++forwarded;
    if (capture) indices.push_back(record.origin.index);
    return Status::Ok();
  }
  Status forward_to(size_t, Record& record) override { return forward(record); }
  size_t num_children() const override { return 1; }
  state::StateStore* state_store(std::string_view) override { return nullptr; }
  Timestamp stream_time() const override { return Timestamp(0); }
  Timestamp wall_clock_time() const override { return Timestamp(0); }
  void schedule(DurationMs, PunctuationType, Punctuator) override {}
  void record_dropped(std::string_view) override {}
  metrics::Registry& metrics() override { return registry_; }

  size_t forwarded = 0;
  bool capture = false;
  std::vector<int32_t> indices;

 private:
  TaskId task_;
  std::string name_ = "fake";
  metrics::Registry registry_;
};

TEST(StatelessProcessors, DoNotAllocateInSteadyState) {
  StreamsBuilder b;
  KStream tags = b.stream(tags_source());
  tags.filter(pred("product_info.price > 300 and country in ['PL', 'FR']"), "f");
  tags.project({{"cookie", field("cookie")},
                {"net", pred("product_info.price / 1.25")},
                {"product.brand", field("product_info.brand_id")}},
               "p");
  tags.rekey({"country", "product_info.price"}, "r");
  Topology topology = b.build();
  auto serde = serde::make_value_serde(topology.node("tags")->source->schema);
  std::vector<Record> records(300);
  const auto tags_in = random_tags(300, 9);
  for (size_t i = 0; i < records.size(); ++i) {
    Tag t = tags_in[i];
    if (!t.price) t.price = 1;  // rekey would reject it, which builds an error message
    ASSERT_TRUE(serde->deserialize(to_json(t), records[i].value).ok());
    records[i].key = t.cookie;
  }
  for (const char* name : {"f", "p", "r"}) {
    auto processor = topology.node(name)->supplier();
    FakeContext context;
    ASSERT_TRUE(processor->init(context).ok());
    for (auto& r : records) ASSERT_TRUE(processor->process(r).ok());  // warms the buffers
    test_alloc::start();
    bool ok = true;
    for (auto& r : records) ok &= processor->process(r).ok();
    const size_t allocations = test_alloc::stop();
    if (test_alloc::supported()) {
      EXPECT_EQ(allocations, 0u) << name;
    }
    EXPECT_TRUE(ok);
    EXPECT_GT(context.forwarded, 0u);
  }
}

TEST(StatelessProcessors, ExplodeNumbersTheOutputsOfEachInputWithoutAllocating) {
  StreamsBuilder b;
  b.stream(orders_source()).explode({.name = "x", .list_field = "items"});
  Topology topology = b.build();
  auto serde = serde::make_value_serde(order_schema());
  auto processor = topology.node("x")->supplier();
  FakeContext context;
  context.capture = true;
  ASSERT_TRUE(processor->init(context).ok());
  std::vector<Record> records;
  for (const auto& o : random_orders(200, 10)) {
    Record r;
    ASSERT_TRUE(serde->deserialize(to_json(o), r.value).ok());
    context.indices.clear();
    ASSERT_TRUE(processor->process(r).ok());
    std::vector<int32_t> expected;
    for (size_t i = 0; i < o.items.size(); ++i) expected.push_back(static_cast<int32_t>(i));
    EXPECT_EQ(context.indices, expected);
    records.push_back(std::move(r));
  }
  // Once its scratch record has grown, exploding the same inputs again allocates nothing.
  context.capture = false;
  test_alloc::start();
  bool ok = true;
  for (auto& r : records) ok &= processor->process(r).ok();
  const size_t allocations = test_alloc::stop();
  if (test_alloc::supported()) {
    EXPECT_EQ(allocations, 0u);
  }
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace sluice::ops
