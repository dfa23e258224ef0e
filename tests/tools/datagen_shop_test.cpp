// `sluice datagen orders` and `products`: determinism, the seed 002 shapes, the CDC sequence
// replayed against its own brute force, decoding with proto/shop.proto, and both streams through
// topologies/product_enrichment.yaml (every item enriched with the name of the product live at
// that moment, compared with a brute-force replay of the generated lines).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "../../tools/cli/datagen_orders.h"
#include "../../tools/cli/datagen_products.h"
#include "serde/schema.h"
#include "serde/value_serde.h"
#include "yaml/topology_test_support.h"

namespace sluice::cli {
namespace {

using nlohmann::json;

struct Line {
  std::string text, key;
  int64_t ts;
};

template <typename Generator, typename Options>
std::vector<Line> generate(const Options& o) {
  Generator gen(o);
  std::vector<Line> out;
  for (uint64_t i = 0; i < o.count; ++i) {
    std::string line;
    gen.append_next(line);
    EXPECT_EQ(line.back(), '\n');
    line.pop_back();
    out.push_back({line, gen.last_key(), gen.last_time_ms()});
  }
  return out;
}

OrdersOptions orders(uint64_t count, uint64_t seed, size_t products = 100) {
  OrdersOptions o;
  o.count = count, o.seed = seed, o.products = products;
  return o;
}
ProductsOptions products(uint64_t count, uint64_t seed, size_t n = 100) {
  ProductsOptions o;
  o.count = count, o.seed = seed, o.products = n;
  return o;
}

std::string joined(const std::vector<Line>& lines) {
  std::string s;
  for (const Line& l : lines) s += l.text + "\n";
  return s;
}

TEST(DatagenOrdersTest, SameSeedGivesSameBytesOtherSeedDiffers) {
  EXPECT_EQ(joined(generate<OrdersGenerator>(orders(3000, 4))),
            joined(generate<OrdersGenerator>(orders(3000, 4))));
  EXPECT_NE(joined(generate<OrdersGenerator>(orders(3000, 4))),
            joined(generate<OrdersGenerator>(orders(3000, 5))));
  EXPECT_EQ(joined(generate<ProductsGenerator>(products(3000, 4))),
            joined(generate<ProductsGenerator>(products(3000, 4))));
  EXPECT_NE(joined(generate<ProductsGenerator>(products(3000, 4))),
            joined(generate<ProductsGenerator>(products(3000, 5))));
}

TEST(DatagenOrdersTest, OrdersHaveTheSeedShapeCatalogPricesAndTotals) {
  constexpr size_t kProducts = 40;
  // The catalogue prices as `datagen products` announces them in its creates.
  std::map<std::string, int64_t> price;
  for (const Line& l : generate<ProductsGenerator>(products(kProducts, 8, kProducts))) {
    const json after = json::parse(l.text).at("after");
    price[std::to_string(after.at("id").get<int64_t>())] = after.at("price").get<int64_t>();
  }
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const std::regex created(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})");
  std::set<std::string> ids, product_ids;
  std::map<size_t, size_t> sizes;
  int64_t prev_ts = INT64_MIN;
  for (const Line& l : generate<OrdersGenerator>(orders(20'000, 8, kProducts))) {
    const json j = json::parse(l.text);
    const std::string id = j.at("id").get<std::string>();
    ASSERT_TRUE(std::regex_match(id, uuid)) << id;
    EXPECT_EQ(l.key, id);
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
    const std::string at = j.at("createdAt").get<std::string>();
    ASSERT_TRUE(std::regex_match(at, created)) << at;
    EXPECT_EQ(parse_iso8601(at.substr(0, 23) + "Z")->ms(), l.ts);
    EXPECT_GE(l.ts, prev_ts);
    prev_ts = l.ts;
    ASSERT_TRUE(j.at("userId").is_number_integer());
    EXPECT_EQ(j.at("status"), "PLACED_ORDER");
    const json& items = j.at("items");
    ASSERT_GE(items.size(), 1u);
    ASSERT_LE(items.size(), 5u);
    ++sizes[items.size()];
    int64_t total = 0;
    std::set<std::string> in_order;
    for (const json& it : items) {
      const std::string p = it.at("productId").get<std::string>();
      ASSERT_TRUE(price.count(p)) << p;
      EXPECT_TRUE(in_order.insert(p).second) << "product twice in one order";
      product_ids.insert(p);
      EXPECT_EQ(it.at("price").get<int64_t>(), price[p]);
      EXPECT_GE(it.at("quantity").get<int64_t>(), 1);
      total += it.at("price").get<int64_t>() * it.at("quantity").get<int64_t>();
    }
    EXPECT_EQ(j.at("price").get<int64_t>(), total);
  }
  EXPECT_EQ(sizes.size(), 5u);  // every order size 1..5 occurs
  EXPECT_EQ(product_ids.size(), kProducts);
}

TEST(DatagenProductsTest, CreatesEveryIdFirstThenUpdatesDeletesAndRecreatesConsistently) {
  constexpr size_t kProducts = 30;
  std::map<int64_t, json> live;  // the brute force: the last image of each live product
  std::map<std::string, size_t> ops;
  size_t recreates = 0, renames = 0;
  std::set<int64_t> deleted;
  const auto lines = generate<ProductsGenerator>(products(5000, 3, kProducts));
  for (size_t i = 0; i < lines.size(); ++i) {
    const json j = json::parse(lines[i].text);
    const std::string op = j.at("op").get<std::string>();
    ++ops[op];
    const json& image = op == "d" ? j.at("before") : j.at("after");
    const int64_t id = image.at("id").get<int64_t>();
    EXPECT_EQ(lines[i].key, std::to_string(id));
    if (i < kProducts) {
      ASSERT_EQ(op, "c");
      ASSERT_EQ(id, static_cast<int64_t>(i) + 1);
    }
    ASSERT_GE(id, 1);
    ASSERT_LE(id, static_cast<int64_t>(kProducts));
    auto it = live.find(id);
    if (op == "c") {
      ASSERT_TRUE(j.at("before").is_null());
      ASSERT_EQ(it, live.end()) << "create of a live product " << id;
      recreates += deleted.count(id);
      live[id] = j.at("after");
    } else if (op == "u") {
      ASSERT_NE(it, live.end()) << "update of a missing product " << id;
      EXPECT_EQ(j.at("before"), it->second);
      EXPECT_NE(j.at("after").at("price"), it->second.at("price"));
      renames += j.at("after").at("name") != it->second.at("name");
      EXPECT_EQ(j.at("after").at("updated_at").get<int64_t>(), lines[i].ts / 1000 * 1000);
      it->second = j.at("after");
    } else {
      ASSERT_EQ(op, "d");
      ASSERT_NE(it, live.end()) << "delete of a missing product " << id;
      ASSERT_TRUE(j.at("after").is_null());
      EXPECT_EQ(j.at("before"), it->second);
      live.erase(it);
      deleted.insert(id);
    }
  }
  EXPECT_EQ(ops.size(), 3u);
  EXPECT_GT(ops["u"], ops["d"] * 5);
  EXPECT_GT(ops["d"], 100u);
  EXPECT_GT(recreates, 50u);
  EXPECT_GT(renames, 100u);
}

TEST(DatagenShopTest, EveryLineDecodesWithShopProto) {
  auto order_schema = *serde::Schema::from_message_name("sluice.shop.Order");
  auto order_serde = serde::make_value_serde(order_schema);
  serde::Row row;
  for (const Line& l : generate<OrdersGenerator>(orders(2000, 6))) {
    ASSERT_TRUE(order_serde->deserialize(l.text, row).ok()) << l.text;
    const json j = json::parse(l.text);
    EXPECT_EQ(row.get_string(*order_schema->find("id")), j.at("id").get<std::string>());
    EXPECT_EQ(row.get_string(*order_schema->find("userId")), j.at("userId").dump());
    EXPECT_EQ(row.list_size(*order_schema->find("items")), j.at("items").size());
  }
  auto product_schema = *serde::Schema::from_message_name("sluice.shop.Product");
  auto product_serde =
      serde::make_value_serde(product_schema, {.envelope = serde::Envelope::kDebezium});
  for (const Line& l : generate<ProductsGenerator>(products(2000, 6))) {
    ASSERT_TRUE(product_serde->deserialize(l.text, row).ok()) << l.text;
    const json j = json::parse(l.text);
    EXPECT_EQ(row.tombstone(), j.at("op") == "d");
    EXPECT_EQ(row.get_string(*product_schema->find("id")), l.key);
  }
}

TEST(DatagenShopTest, ProductEnrichmentNamesEveryItemWhoseProductIsLive) {
  using yaml::test::fields;
  using yaml::test::number;
  using yaml::test::text;
  const yaml::TopologyFile file = yaml::test::load("product_enrichment.yaml", {});
  testing::TopologyTestDriver driver(file.topology);
  constexpr size_t kProducts = 50;
  ProductsOptions po = products(800, 11, kProducts);
  po.rate = 2;  // product changes are rarer than orders
  OrdersOptions oo = orders(3000, 11, kProducts);
  oo.rate = 5;
  oo.start_ms = po.start_ms;
  const auto product_lines = generate<ProductsGenerator>(po);
  const auto order_lines = generate<OrdersGenerator>(oo);

  struct Expected {
    std::string order, product;
    int64_t quantity, price;
    std::optional<std::string> name;
  };
  std::vector<Expected> expected;
  std::map<std::string, std::string> live;  // product id -> name: the brute force
  size_t p = 0, o = 0;
  while (p < product_lines.size() || o < order_lines.size()) {
    // Both streams in event-time order, products first on ties.
    const bool product = o == order_lines.size() ||
                         (p < product_lines.size() && product_lines[p].ts <= order_lines[o].ts);
    const Line& l = product ? product_lines[p++] : order_lines[o++];
    const std::string topic = product ? "mysql.pizzashop.products" : "orders";
    ASSERT_TRUE(driver.pipe(topic, l.key, l.text, Timestamp(l.ts)).ok());
    const json j = json::parse(l.text);
    if (product) {
      if (j.at("op") == "d") {
        live.erase(std::to_string(j.at("before").at("id").get<int64_t>()));
      } else {
        live[std::to_string(j.at("after").at("id").get<int64_t>())] =
            j.at("after").at("name").get<std::string>();
      }
      continue;
    }
    for (const json& it : j.at("items")) {
      const std::string id = it.at("productId").get<std::string>();
      auto found = live.find(id);
      expected.push_back({j.at("id").get<std::string>(), id, it.at("quantity").get<int64_t>(),
                          it.at("price").get<int64_t>(),
                          found == live.end() ? std::nullopt : std::optional(found->second)});
    }
  }
  EXPECT_TRUE(driver.read_dead_letters().empty());
  const auto out = driver.read_output("enriched-order-items");
  ASSERT_EQ(out.size(), expected.size());
  size_t named = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const Expected& x = expected[i];
    const auto f = fields(out[i]);
    SCOPED_TRACE(*out[i].value);
    EXPECT_EQ(text(f, "orderId"), x.order);
    EXPECT_EQ(text(f, "productId"), x.product);
    EXPECT_EQ(number(f, "quantity"), static_cast<double>(x.quantity));
    EXPECT_EQ(number(f, "lineTotal"), static_cast<double>(x.quantity * x.price));
    ASSERT_EQ(f.count("productName") > 0, x.name.has_value());
    if (x.name) {
      EXPECT_EQ(text(f, "productName"), *x.name);
      ++named;
    }
  }
  // Most items find their product; some ordered a deleted one (or one not yet created).
  EXPECT_GT(named, out.size() * 8 / 10);
  EXPECT_LT(named, out.size());
}

}  // namespace
}  // namespace sluice::cli
