// topologies/product_enrichment.yaml end to end: `sluice run` on a `sluice broker` process;
// Debezium product changes (creates, updates, deletes) and then pizza-shop orders (createdAt
// out of order) produced with librdkafka; the enriched items read back with a consumer and
// compared, as a multiset, with the brute force (each item joined with the products map).
//
// Determinism: the join reads the table as it is when an item arrives, and one task reads its
// products partition and its repartitioned items concurrently (no timestamp alignment between
// them). So every product change is produced, and processed (the status line's count), before
// the first order: every item then meets the final products table. Items of products never
// created or deleted before the orders get blank product fields (left join).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "e2e_support.h"
#include "models/product_enrichment_model.h"

namespace sluice::test {
namespace {

using models::shop::cdc_create;
using models::shop::cdc_delete;
using models::shop::cdc_update;
using models::shop::created_at;
using models::shop::Item;
using models::shop::kT0;
using models::shop::Order;
using models::shop::Product;
using models::shop::to_json;
using namespace std::chrono_literals;

struct Enriched {
  std::string key;
  int64_t timestamp = 0;
  std::string order_id, user_id, created_at, product_id;
  std::optional<std::string> product_name, product_category;
  std::optional<double> unit_price, line_total;
  int64_t quantity = 0;
  auto operator<=>(const Enriched&) const = default;
};

std::optional<std::string> opt_text(const nlohmann::json& j, const char* field) {
  if (!j.contains(field) || j[field].is_null()) return std::nullopt;
  return j[field].is_string() ? j[field].get<std::string>() : j[field].dump();
}
std::optional<double> opt_number(const nlohmann::json& j, const char* field) {
  if (!j.contains(field) || j[field].is_null()) return std::nullopt;
  return json_number(j[field]);
}

Enriched decode(const TopicMessage& m) {
  const auto j = nlohmann::json::parse(m.value.value_or("{}"));
  Enriched e;
  e.key = m.key;
  e.timestamp = m.timestamp;
  e.order_id = opt_text(j, "orderId").value_or("");
  e.user_id = opt_text(j, "userId").value_or("");
  e.created_at = opt_text(j, "createdAt").value_or("");
  e.product_id = opt_text(j, "productId").value_or("");
  e.product_name = opt_text(j, "productName");
  e.product_category = opt_text(j, "productCategory");
  e.unit_price = opt_number(j, "unitPrice");
  e.line_total = opt_number(j, "lineTotal");
  e.quantity = static_cast<int64_t>(opt_number(j, "quantity").value_or(0));
  return e;
}

TEST(ProductEnrichmentE2E, EveryItemIsEnrichedWithTheLiveProductOrLeftBlankLikeTheBruteForce) {
  const std::string app = "enrichment-e2e";
  const Env env = {{"ORDERS_TOPIC", "orders"},
                   {"PRODUCTS_TOPIC", "products"},
                   {"ENRICHED_TOPIC", "enriched-order-items"}};
  const Topology topology = load_shipped("product_enrichment", env);
  // Orders and products differ in partition count: the repartition topic takes the table's.
  BrokerProcess broker(broker_topic_args(topology, app, {{"orders", 3}, {"products", 4}}, 4));
  ASSERT_FALSE(broker.bootstrap().empty()) << "sluice broker did not start";
  TempDir dir;
  RunProcess run("product_enrichment", broker.bootstrap(), app, dir.path.string(), env);
  ASSERT_TRUE(run.wait_tasks(3 + 4)) << run.tail();

  std::mt19937_64 rng(5);
  auto pick = [&](int64_t k) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(k)); };
  auto producer = make_producer(broker.bootstrap());

  // Products: 800 changes over 25 ids, keyed by id.
  std::map<std::string, Product> live;
  std::set<std::string> deleted;
  size_t deletes = 0;
  const int kChanges = 800;
  for (int i = 0; i < kChanges; ++i) {
    const std::string id = std::to_string(pick(25));
    Product p{id, "pizza " + std::to_string(pick(1000)), "cat" + std::to_string(pick(4)),
              static_cast<double>(pick(50'000)) / 100};
    std::string cdc;
    auto it = live.find(id);
    if (it == live.end()) {
      cdc = cdc_create(p);
      live[id] = p;
      deleted.erase(id);
    } else if (pick(10) < 7) {
      cdc = cdc_update(it->second, p);
      it->second = p;
    } else {
      cdc = cdc_delete(it->second);
      live.erase(it);
      deleted.insert(id);
      ++deletes;
    }
    ASSERT_TRUE(producer.send("products", std::nullopt, id, cdc, Timestamp(kT0 + i)).ok());
  }
  ASSERT_TRUE(producer.flush(30s).ok());
  EXPECT_GT(deletes, 50u);
  const RunStatus s =
      run.wait_status([&](const RunStatus& st) { return st.processed >= kChanges; }, 30s);
  ASSERT_GE(s.processed, kChanges) << "the products were not processed\n" << run.tail();

  // Orders: 0 to 3 items each over 30 product ids (some never created, some deleted).
  std::vector<Enriched> expected;
  size_t blank = 0;
  for (int i = 0; i < 1500; ++i) {
    Order o{"order-" + std::to_string(i),
            std::to_string(pick(100)),
            kT0 + i * 1000 + pick(20'001) - 10'000,
            {},
            ""};
    for (int k = 0, n = static_cast<int>(pick(4)); k < n; ++k) {
      Item it{std::to_string(pick(30)), 1 + pick(5), std::nullopt};
      if (pick(10) != 0) it.price = static_cast<double>(pick(40'000)) / 100;
      o.items.push_back(it);
    }
    o.created = created_at(o.ts, static_cast<int>(pick(1000)));
    ASSERT_TRUE(producer.send("orders", std::nullopt, o.id, to_json(o), Timestamp(kT0)).ok());
    for (const Item& it : o.items) {
      Enriched e;
      e.key = it.product_id;
      e.timestamp = o.ts;  // createdAt, microseconds truncated
      e.order_id = o.id;
      e.user_id = o.user;
      e.created_at = o.created;
      e.product_id = it.product_id;
      e.quantity = it.quantity;
      e.unit_price = it.price;
      if (it.price) e.line_total = *it.price * static_cast<double>(it.quantity);
      auto found = live.find(it.product_id);
      if (found != live.end()) {
        e.product_name = found->second.name;
        e.product_category = found->second.category;
      } else {
        ++blank;
      }
      expected.push_back(std::move(e));
    }
  }
  ASSERT_TRUE(producer.flush(30s).ok());
  EXPECT_GT(blank, 100u) << "items without a live product should occur";
  EXPECT_FALSE(deleted.empty());

  TopicReader out(broker.bootstrap(), "enriched-order-items");
  out.read_until([&](const TopicReader& r) { return r.messages().size() >= expected.size(); }, 30s);
  std::vector<Enriched> got;
  for (const auto& m : out.messages()) got.push_back(decode(m));
  std::sort(got.begin(), got.end());
  std::sort(expected.begin(), expected.end());
  std::vector<Enriched> missing, extra;
  std::set_difference(expected.begin(), expected.end(), got.begin(), got.end(),
                      std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), expected.begin(), expected.end(),
                      std::back_inserter(extra));
  EXPECT_EQ(missing.size(), 0u) << "items the brute force has and the output lacks, of "
                                << expected.size()
                                << (missing.empty() ? ""
                                                    : ", e.g. order " + missing[0].order_id +
                                                          " product " + missing[0].product_id);
  EXPECT_EQ(extra.size(), 0u) << "output items unlike the brute force"
                              << (extra.empty() ? ""
                                                : ", e.g. order " + extra[0].order_id +
                                                      " product " + extra[0].product_id);
  EXPECT_EQ(topic_records(broker.bootstrap(), app + "-dead-letters", 1), 0);
  std::printf("product_enrichment e2e: %d product changes (%zu deletes), %zu items (%zu blank)\n",
              kChanges, deletes, expected.size(), blank);

  // Each item is sent twice: to the repartition topic, then enriched to the output.
  run.expect_caught_up(2 * static_cast<int64_t>(expected.size()));

  EXPECT_EQ(run.stop(), 0) << run.tail();
}

}  // namespace
}  // namespace sluice::test
