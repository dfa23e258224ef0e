// to_table and the stream-table join through the TopologyTestDriver: a Debezium CDC products
// table (creates, updates, deletes) and orders that are exploded, re-keyed by product and
// joined, interleaved at random so that orders arrive before their product exists and after it
// was deleted; every output compared with a brute-force replay written here.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "metrics/registry.h"
#include "operators/stream_builder.h"
#include "serde/value_serde.h"
#include "testing/topology_test_driver.h"

namespace sluice::ops {
namespace {

using nlohmann::json;
using serde::FieldType;
using testing::TopologyTestDriver;

serde::SchemaPtr product_schema() {
  return serde::Schema::Builder("Product")
      .add("id", FieldType::kString)
      .add("name", FieldType::kString)
      .add("price", FieldType::kDouble)
      .add("category", FieldType::kString)
      .build();
}

serde::SchemaPtr order_schema() {
  auto item = serde::Schema::Builder("Item")
                  .add("product_id", FieldType::kString)
                  .add("quantity", FieldType::kInt64)
                  .build();
  return serde::Schema::Builder("Order")
      .add("order_id", FieldType::kString)
      .add("customer", FieldType::kString)
      .add("items", FieldType::kList, item)
      .build();
}

struct Product {
  std::string id, name, category;
  double price = 0;
  json to_json() const {
    return {{"id", id}, {"name", name}, {"price", price}, {"category", category}};
  }
};

struct Item {
  std::string product_id;
  int64_t quantity;
};

// One input: a CDC event of a product, or an order.
struct Event {
  bool is_product = false;
  std::string op;  // c, u, d
  std::optional<Product> before, after;
  std::string order_id, customer;
  std::vector<Item> items;
  int64_t ts = 0;
};

std::vector<Event> random_events(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::map<std::string, Product> live;
  std::vector<Event> out;
  for (int i = 0; i < n; ++i) {
    Event e;
    e.ts = 1'650'000'000'000 + i * 10;
    if (rng() % 10 < 4) {
      e.is_product = true;
      const std::string id = "p" + std::to_string(rng() % 20);
      auto it = live.find(id);
      Product p{id, "name" + std::to_string(rng() % 1000), "cat" + std::to_string(rng() % 5),
                static_cast<double>(rng() % 100000) / 100};
      if (it == live.end()) {
        e.op = "c", e.after = p, live[id] = p;
      } else if (rng() % 10 < 7) {
        e.op = "u", e.before = it->second, e.after = p, it->second = p;
      } else {
        e.op = "d", e.before = it->second, live.erase(it);
      }
    } else {
      e.order_id = "o" + std::to_string(i);
      e.customer = "cust" + std::to_string(rng() % 30);
      for (int k = 0, m = static_cast<int>(rng() % 5); k < m; ++k) {
        e.items.push_back({"p" + std::to_string(rng() % 25), static_cast<int64_t>(1 + rng() % 9)});
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::string to_json(const Event& e) {
  if (e.is_product) {
    return json{{"op", e.op},
                {"before", e.before ? e.before->to_json() : json(nullptr)},
                {"after", e.after ? e.after->to_json() : json(nullptr)}}
        .dump();
  }
  json items = json::array();
  for (const auto& it : e.items)
    items.push_back({{"product_id", it.product_id}, {"quantity", it.quantity}});
  return json{{"order_id", e.order_id}, {"customer", e.customer}, {"items", items}}.dump();
}

struct Pipeline {
  Topology topology;
  KStream joined;
  KTable products;
};

// products (CDC) -> table; orders -> explode -> rekey(item.product_id) -> join.
Pipeline build(JoinType type, bool table_key_field) {
  StreamsBuilder b;
  SourceOptions products_source{.name = "cdc",
                                .topics = {"products"},
                                .schema = product_schema(),
                                .envelope = serde::Envelope::kDebezium};
  if (!table_key_field) products_source.key_field = "id";
  KTable products = b.stream(products_source)
                        .to_table({.name = "products", .key_field = table_key_field ? "id" : ""});
  products.to_stream().to({.topic = "product-changes", .format = serde::Format::kProtobuf});
  KStream joined =
      b.stream({.topics = {"orders"}, .schema = order_schema(), .key_field = "order_id"})
          .explode({.list_field = "items", .as = "item"})
          .rekey({"item.product_id"})
          .join(products, {.name = "enrich", .type = type, .table_prefix = "product"});
  joined.to({.topic = "enriched", .format = serde::Format::kProtobuf});
  return {b.build(), joined, products};
}

void run(JoinType type, bool table_key_field, uint64_t seed) {
  Pipeline p = build(type, table_key_field);
  TopologyTestDriver driver(p.topology);
  const auto events = random_events(4000, seed);

  std::map<std::string, Product> live;  // the brute force
  struct Expected {
    const Event* order;
    const Item* item;
    std::optional<Product> product;
  };
  std::vector<Expected> expected;
  std::vector<const Event*> changes;
  size_t misses = 0, before_create = 0, after_delete = 0;
  std::map<std::string, bool> ever_deleted;
  for (const Event& e : events) {
    const std::string key = e.is_product ? (e.after ? e.after->id : e.before->id) : e.order_id;
    ASSERT_TRUE(
        driver.pipe(e.is_product ? "products" : "orders", key, to_json(e), Timestamp(e.ts)).ok());
    if (e.is_product) {
      if (e.after) {
        live[e.after->id] = *e.after;
      } else {
        live.erase(e.before->id);
        ever_deleted[e.before->id] = true;
      }
      changes.push_back(&e);
      continue;
    }
    for (const Item& it : e.items) {
      auto found = live.find(it.product_id);
      if (found == live.end()) {
        ++misses;
        (ever_deleted[it.product_id] ? after_delete : before_create)++;
        if (type == JoinType::kInner) continue;
        expected.push_back({&e, &it, std::nullopt});
      } else {
        expected.push_back({&e, &it, found->second});
      }
    }
  }
  EXPECT_GT(before_create, 20u);
  EXPECT_GT(after_delete, 20u);

  auto serde = serde::make_value_serde(p.joined.schema(), {.format = serde::Format::kProtobuf});
  const serde::Schema& s = *p.joined.schema();
  auto slot = [&](const char* path) { return *s.find(path); };
  const auto out = driver.read_output("enriched");
  ASSERT_EQ(out.size(), expected.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const Expected& x = expected[i];
    serde::Row row;
    ASSERT_TRUE(serde->deserialize(*out[i].value, row).ok());
    SCOPED_TRACE(row.debug_string());
    EXPECT_EQ(out[i].key, x.item->product_id);
    EXPECT_EQ(out[i].timestamp.ms(), x.order->ts);
    EXPECT_EQ(row.get_string(slot("order_id")), x.order->order_id);
    EXPECT_EQ(row.get_string(slot("customer")), x.order->customer);
    EXPECT_EQ(row.get_string(slot("item.product_id")), x.item->product_id);
    EXPECT_EQ(row.get_int(slot("item.quantity")), x.item->quantity);
    ASSERT_EQ(row.has(slot("product.id")), x.product.has_value());
    ASSERT_EQ(row.has(slot("product.name")), x.product.has_value());
    if (!x.product) continue;
    EXPECT_EQ(row.get_string(slot("product.id")), x.product->id);
    EXPECT_EQ(row.get_string(slot("product.name")), x.product->name);
    EXPECT_EQ(row.get_double(slot("product.price")), x.product->price);
    EXPECT_EQ(row.get_string(slot("product.category")), x.product->category);
  }
  const double no_match =
      driver.metrics().value("sluice_dropped_records_total",
                             {{"task", "0_0"}, {"node", "enrich"}, {"reason", "no_match"}});
  EXPECT_EQ(no_match, type == JoinType::kInner ? static_cast<double>(misses) : 0.0);

  // The table's change stream: every CDC event, deletes as tombstones.
  auto product_serde =
      serde::make_value_serde(product_schema(), {.format = serde::Format::kProtobuf});
  const auto changed = driver.read_output("product-changes");
  ASSERT_EQ(changed.size(), changes.size());
  for (size_t i = 0; i < changed.size(); ++i) {
    const Event& e = *changes[i];
    EXPECT_EQ(changed[i].key, e.after ? e.after->id : e.before->id);
    ASSERT_EQ(changed[i].value.has_value(), e.after.has_value());
    if (!e.after) continue;
    serde::Row row;
    ASSERT_TRUE(product_serde->deserialize(*changed[i].value, row).ok());
    EXPECT_EQ(row.get_string(1), e.after->name);
  }

  // The store holds exactly the live products.
  ASSERT_TRUE(driver.commit().ok());
  std::map<std::string, Product> stored;
  auto it = driver.key_value_store("products-store")->all();
  for (; it->valid(); it->next()) {
    serde::Row row;
    ASSERT_TRUE(product_serde->deserialize(it->value(), row).ok());
    stored[std::string(it->key())] = {std::string(row.get_string(0)),
                                      std::string(row.get_string(1)),
                                      std::string(row.get_string(3)), row.get_double(2)};
  }
  ASSERT_EQ(stored.size(), live.size());
  for (const auto& [id, prod] : live) {
    EXPECT_EQ(stored[id].name, prod.name);
    EXPECT_EQ(stored[id].price, prod.price);
  }
  EXPECT_TRUE(driver.read_dead_letters().empty());
}

TEST(TableJoin, InnerJoinEnrichesItemsWithTheProductLiveAtThatMomentAndCountsMisses) {
  run(JoinType::kInner, false, 1);
}

TEST(TableJoin, LeftJoinKeepsItemsWithoutAProductWithTableFieldsAbsent) {
  run(JoinType::kLeft, true, 2);
}

TEST(TableJoin, PutsTheJoinAndTheTableInOneSubTopology) {
  Pipeline p = build(JoinType::kInner, false);
  const auto& nodes = p.topology.nodes();
  auto index = [&](const std::string& name) {
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].name == name) return i;
    }
    return nodes.size();
  };
  bool together = false;
  for (const auto& group : p.topology.subtopologies()) {
    const bool join = std::count(group.begin(), group.end(), index("enrich")) > 0;
    const bool table = std::count(group.begin(), group.end(), index("products")) > 0;
    EXPECT_EQ(join, table);
    together |= join && table;
  }
  EXPECT_TRUE(together);
  EXPECT_EQ(p.products.store_name(), "products-store");
  EXPECT_NE(std::find(nodes[index("enrich")].stores.begin(), nodes[index("enrich")].stores.end(),
                      "products-store"),
            nodes[index("enrich")].stores.end());
}

TEST(TableJoin, RejectsAStreamNotKeyedLikeTheTable) {
  StreamsBuilder b;
  KTable products = b.stream({.name = "cdc",
                              .topics = {"products"},
                              .schema = product_schema(),
                              .envelope = serde::Envelope::kDebezium,
                              .key_field = "id"})
                        .to_table({.name = "products"});
  KStream orders =
      b.stream({.topics = {"orders"}, .schema = order_schema(), .key_field = "order_id"});
  try {
    orders.join(products, {.name = "bad-join"});
    ADD_FAILURE() << "joined a stream keyed by order_id with a table keyed by id";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("not co-partitioned"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad-join"), std::string::npos) << e.what();
  }
  EXPECT_THROW(
      b.stream({.topics = {"p2"}, .schema = product_schema()}).to_table({.key_field = "nope"}),
      std::invalid_argument);
}

}  // namespace
}  // namespace sluice::ops
