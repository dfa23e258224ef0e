// topologies/product_enrichment.yaml: pizza-shop orders (seed 002 shape, createdAt without a
// zone and with microseconds, out of order) and Debezium product changes (creates, updates,
// deletes) interleaved at random, so items arrive before their product exists and after it was
// deleted. Every enriched item (left join) and the products store compared with a brute-force
// replay written here.
#include <gtest/gtest.h>

#include <random>

#include "models/product_enrichment_model.h"
#include "serde/value_serde.h"
#include "topology_test_support.h"

namespace sluice::yaml::test {
namespace {

using namespace models::shop;

TEST(ProductEnrichmentYaml, EnrichesEveryItemWithTheProductLiveAtThatMomentOrLeavesItBlank) {
  const TopologyFile file = load("product_enrichment.yaml", {});
  testing::TopologyTestDriver driver(file.topology);
  std::mt19937_64 rng(5);
  auto pick = [&](int64_t k) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(k)); };

  std::map<std::string, Product> live;  // the brute force
  std::map<std::string, bool> deleted_once;
  struct Expected {
    Order order;
    Item item;
    std::string created;
    std::optional<Product> product;
  };
  std::vector<Expected> expected;
  size_t before_create = 0, after_delete = 0, tombstones = 0;
  for (int i = 0; i < 5000; ++i) {
    const int64_t ts = kT0 + i * 1000 + pick(20'001) - 10'000;
    if (pick(10) < 4) {
      const std::string id = std::to_string(pick(25));
      Product p{id, "pizza " + std::to_string(pick(1000)), "cat" + std::to_string(pick(4)),
                static_cast<double>(pick(50'000)) / 100};
      json cdc;
      auto it = live.find(id);
      if (it == live.end()) {
        cdc = {{"op", "c"}, {"before", nullptr}, {"after", p.to_json()}};
        live[id] = p;
      } else if (pick(10) < 6) {
        cdc = {{"op", "u"}, {"before", it->second.to_json()}, {"after", p.to_json()}};
        it->second = p;
      } else {
        cdc = {{"op", "d"}, {"before", it->second.to_json()}, {"after", nullptr}};
        live.erase(it);
        deleted_once[id] = true;
        ++tombstones;
      }
      ASSERT_TRUE(driver.pipe("mysql.pizzashop.products", id, cdc.dump(), Timestamp(ts)).ok());
      continue;
    }
    Order o{"order-" + std::to_string(i), std::to_string(pick(100)), ts, {}};
    json items = json::array();
    for (int k = 0, n = static_cast<int>(pick(4)); k < n; ++k) {
      Item it{std::to_string(pick(30)), 1 + pick(5), std::nullopt};
      json ji = {{"productId", it.product_id}, {"quantity", it.quantity}};
      if (pick(10) != 0)
        it.price = static_cast<double>(pick(40'000)) / 100, ji["price"] = *it.price;
      items.push_back(ji);
      o.items.push_back(it);
    }
    const std::string created = created_at(ts, static_cast<int>(pick(1000)));
    const json order = {{"id", o.id},
                        {"createdAt", created},
                        {"userId", std::stoll(o.user)},
                        {"status", "PLACED_ORDER"},
                        {"price", 1040},
                        {"items", items}};
    ASSERT_TRUE(driver.pipe("orders", o.id, order.dump(), Timestamp(kT0)).ok());
    for (const Item& it : o.items) {
      auto found = live.find(it.product_id);
      if (found == live.end()) (deleted_once[it.product_id] ? after_delete : before_create)++;
      expected.push_back(
          {o, it, created, found == live.end() ? std::nullopt : std::optional(found->second)});
    }
  }
  EXPECT_GT(before_create, 20u);
  EXPECT_GT(after_delete, 20u);
  EXPECT_GT(tombstones, 50u);

  const auto out = driver.read_output("enriched-order-items");
  ASSERT_EQ(out.size(), expected.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const Expected& x = expected[i];
    const auto f = fields(out[i]);
    SCOPED_TRACE(*out[i].value);
    EXPECT_EQ(out[i].key, x.item.product_id);
    // Event time: createdAt, microseconds truncated to milliseconds.
    EXPECT_EQ(out[i].timestamp.ms(), x.order.ts);
    EXPECT_EQ(text(f, "orderId"), x.order.id);
    EXPECT_EQ(text(f, "userId"), x.order.user);
    EXPECT_EQ(text(f, "createdAt"), x.created);
    EXPECT_EQ(text(f, "productId"), x.item.product_id);
    EXPECT_EQ(number(f, "quantity"), x.item.quantity);
    ASSERT_EQ(f.count("unitPrice") > 0, x.item.price.has_value());
    ASSERT_EQ(f.count("lineTotal") > 0, x.item.price.has_value());
    if (x.item.price) {
      EXPECT_EQ(number(f, "unitPrice"), *x.item.price);
      EXPECT_EQ(number(f, "lineTotal"), *x.item.price * static_cast<double>(x.item.quantity));
    }
    ASSERT_EQ(f.count("productName") > 0, x.product.has_value());
    ASSERT_EQ(f.count("productCategory") > 0, x.product.has_value());
    if (x.product) {
      EXPECT_EQ(text(f, "productName"), x.product->name);
      EXPECT_EQ(text(f, "productCategory"), x.product->category);
    }
  }
  EXPECT_TRUE(driver.read_dead_letters().empty());

  // The table's store holds exactly the live products.
  ASSERT_TRUE(driver.commit().ok());
  auto schema = *serde::Schema::from_message_name("sluice.shop.Product");
  auto serde = serde::make_value_serde(schema, {.format = serde::Format::kProtobuf});
  std::map<std::string, Product> stored;
  for (auto it = driver.key_value_store("products-store")->all(); it->valid(); it->next()) {
    serde::Row row;
    ASSERT_TRUE(serde->deserialize(it->value(), row).ok());
    stored[std::string(it->key())] = {std::string(row.get_string(*schema->find("id"))),
                                      std::string(row.get_string(*schema->find("name"))),
                                      std::string(row.get_string(*schema->find("category"))),
                                      row.get_double(*schema->find("price"))};
  }
  ASSERT_EQ(stored.size(), live.size());
  for (const auto& [id, p] : live) {
    ASSERT_TRUE(stored.count(id)) << id;
    EXPECT_EQ(stored[id].id, p.id);
    EXPECT_EQ(stored[id].name, p.name);
    EXPECT_EQ(stored[id].category, p.category);
    EXPECT_EQ(stored[id].price, p.price);
  }
}

}  // namespace
}  // namespace sluice::yaml::test
