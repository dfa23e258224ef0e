// Input of topologies/product_enrichment.yaml as the pizza shop writes it (seed 002): products
// as Debezium MySQL rows, orders with their items, createdAt without a zone and with
// microseconds. The join's brute force is a lookup in the live products map, done by each test
// at the moment its order is joined.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "topology/timestamp_extractor.h"

namespace sluice::models::shop {

constexpr int64_t kT0 = 1'662'461'177'000;  // 2022-09-06T10:46:17Z

struct Product {
  std::string id, name, category;
  double price = 0;
  // As Debezium writes MySQL rows (seed 002): the id is a JSON number, while order items carry
  // the product id as a string; the join must still match them.
  nlohmann::json to_json() const {
    return {{"id", std::stoll(id)}, {"name", name},   {"description", "d"},
            {"category", category}, {"price", price}, {"image", "https://oreil.ly/x"}};
  }
};

// Debezium change events: create, update, delete.
inline std::string cdc_create(const Product& p) {
  return nlohmann::json{{"op", "c"}, {"before", nullptr}, {"after", p.to_json()}}.dump();
}
inline std::string cdc_update(const Product& before, const Product& after) {
  return nlohmann::json{{"op", "u"}, {"before", before.to_json()}, {"after", after.to_json()}}
      .dump();
}
inline std::string cdc_delete(const Product& before) {
  return nlohmann::json{{"op", "d"}, {"before", before.to_json()}, {"after", nullptr}}.dump();
}

struct Item {
  std::string product_id;
  int64_t quantity;
  std::optional<double> price;
};

struct Order {
  std::string id, user;
  int64_t ts;
  std::vector<Item> items;
  std::string created;  // createdAt as written (see created_at)
};

// createdAt as the seed writes it: local time, microseconds, no zone (read as UTC).
inline std::string created_at(int64_t ts, int micros) {
  std::string iso = format_iso8601(Timestamp(ts));  // ...T10:46:17.703Z
  iso.pop_back();
  return iso + std::to_string(100 + micros % 900).substr(0, 3);
}

inline std::string to_json(const Order& o) {
  nlohmann::json items = nlohmann::json::array();
  for (const Item& it : o.items) {
    nlohmann::json ji = {{"productId", it.product_id}, {"quantity", it.quantity}};
    if (it.price) ji["price"] = *it.price;
    items.push_back(ji);
  }
  return nlohmann::json{{"id", o.id},
                        {"createdAt", o.created},
                        {"userId", std::stoll(o.user)},
                        {"status", "PLACED_ORDER"},
                        {"price", 1040},
                        {"items", items}}
      .dump();
}

}  // namespace sluice::models::shop
