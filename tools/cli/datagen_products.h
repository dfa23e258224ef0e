// Synthetic pizza-shop products (seed 002) as Debezium CDC envelopes, one JSON line each, as
// topologies/product_enrichment.yaml reads them (proto/shop.proto, sluice.shop.Product):
//
// {"before":null,"after":{"id":1,"name":"...","description":"...","category":"veg pizzas",
// "price":335,"image":"https://oreil.ly/...","created_at":"2022-12-05T16:56:02Z",
// "updated_at":1670259362000},"op":"c"}
//
// The first `products` events create products 1..N in order; after that each event picks a
// product id uniformly: a live product is updated ("u", before + after, new price and sometimes
// a new name) or, with `delete_fraction`, deleted ("d", before + "after":null); a deleted one is
// created again ("c"). The catalogue (ShopCatalog) depends only on the seed and the number of
// products, so `datagen orders` with the same --seed orders the same products at their prices.
// Event time advances at `rate` events per second; updated_at is the event time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "datagen_common.h"

namespace sluice::cli {

// The products of the shop: id i (1-based) is entry i - 1. Names are unique.
class ShopCatalog {
 public:
  struct Item {
    std::string name, description, category, image;
    int64_t price;  // whole units, as the seed's MySQL table
  };

  ShopCatalog(size_t products, uint64_t seed) {
    Rng dict(seed ^ 0x5eed'0002'0a12'a500ULL);
    items_.reserve(products);
    for (size_t i = 0; i < products; ++i) {
      const size_t c = dict.below(kCategoryCount);
      Item it;
      it.category = kCategories[c];
      // Unique: the i-th combination of the word lists, walked with a stride coprime to their
      // product, then numbered once the combinations run out.
      const size_t combos = kAdjectiveCount * kToppingCount;
      const size_t k = (i * 37) % combos;
      it.name = std::string(kAdjectives[k % kAdjectiveCount]) + " " +
                kToppings[k / kAdjectiveCount] + " " + kKinds[c];
      if (i >= combos) it.name += " " + std::to_string(i / combos + 1);
      it.description = "A " + std::string(kKinds[c]) + " with " +
                       kToppings[dict.below(kToppingCount)] + " and " +
                       kToppings[dict.below(kToppingCount)] + ".";
      it.image = "https://oreil.ly/" + token(dict, 5);
      it.price = kMinPrice[c] + static_cast<int64_t>(dict.below(kPriceSpan[c] / 5 + 1)) * 5;
      items_.push_back(std::move(it));
    }
  }
  size_t size() const { return items_.size(); }
  const Item& operator[](size_t id) const { return items_[id - 1]; }

  static std::string token(Rng& rng, size_t len) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string s(len, ' ');
    for (auto& ch : s) ch = kAlphabet[rng.below(sizeof(kAlphabet) - 1)];
    return s;
  }

 private:
  static constexpr size_t kCategoryCount = 6, kAdjectiveCount = 10, kToppingCount = 12;
  static constexpr const char* kCategories[kCategoryCount] = {
      "veg pizzas", "non veg pizzas", "pizza mania", "sides", "beverages", "desserts"};
  static constexpr const char* kKinds[kCategoryCount] = {
      "Pizza - Veg", "Pizza - Non Veg", "Mania Pizza", "Garlic Bread", "Cooler", "Lava Cake"};
  static constexpr int64_t kMinPrice[kCategoryCount] = {199, 249, 59, 99, 45, 99};
  static constexpr int64_t kPriceSpan[kCategoryCount] = {400, 500, 80, 100, 60, 80};
  static constexpr const char* kAdjectives[kAdjectiveCount] = {
      "Moroccan Spice", "Peppy", "Farmhouse", "Spicy Triple", "Golden",
      "Cheesy",         "Smoky", "Tandoori",  "Classic",      "Double"};
  static constexpr const char* kToppings[kToppingCount] = {
      "Paneer",    "Chicken", "Corn",     "Jalapeno", "Mushroom", "Olive",
      "Pepperoni", "Onion",   "Capsicum", "Tomato",   "Sausage",  "Basil"};

  std::vector<Item> items_;
};

// Default start 2022-09-06T10:46:17.000Z, as OrdersOptions.
struct ProductsOptions : CommonOptions<1662461177000> {
  size_t products = 100;          // ids 1..products
  double delete_fraction = 0.08;  // share of changes to a live product that delete it
  double rename_fraction = 0.2;   // share of updates that also rename the product
};

class ProductsGenerator : public KeyedEventClock {
 public:
  using Options = ProductsOptions;

  explicit ProductsGenerator(const ProductsOptions& options)
      : KeyedEventClock(options.start_ms, options.rate),
        o_(clamped(options)),
        rng_(options.seed),
        catalog_(o_.products, options.seed) {
    live_.resize(o_.products);
  }

  // Appends the next event, one JSON object followed by '\n', to `out`.
  void append_next(std::string& out) {
    const uint64_t n = generated();
    ts_ = tick();
    const size_t id = n < o_.products ? n + 1 : 1 + rng_.below(o_.products);
    key_ = std::to_string(id);
    State& s = live_[id - 1];
    if (!s.live) {
      s = {true, catalog_[id].price, catalog_[id].name, ts_, ts_};
      append_event(out, id, nullptr, &s, "c");
      return;
    }
    if (rng_.chance(o_.delete_fraction)) {
      append_event(out, id, &s, nullptr, "d");
      s.live = false;
      return;
    }
    const State before = s;
    // Prices move by up to +-10% (at least one step), in steps of 5, never below 5: every
    // update changes the price, as a row update without a change would not be captured.
    const int64_t steps = std::max<int64_t>(1, s.price / 50);
    const int64_t d = static_cast<int64_t>(rng_.below(2 * static_cast<uint64_t>(steps)));
    s.price = std::max<int64_t>(5, s.price + (d < steps ? d - steps : d - steps + 1) * 5);
    if (s.price == before.price) s.price += 5;
    if (rng_.chance(o_.rename_fraction))
      s.name = catalog_[id].name + " (" + ShopCatalog::token(rng_, 3) + ")";
    s.updated_ms = ts_;
    append_event(out, id, &before, &s, "u");
  }

  // last_key(): the event's product id as text. last_time_ms(): its event time.
  const ShopCatalog& catalog() const { return catalog_; }

 private:
  static ProductsOptions clamped(ProductsOptions o) {
    if (o.products == 0) o.products = 1;
    return o;
  }

  struct State {
    bool live = false;
    int64_t price = 0;
    std::string name;
    int64_t created_ms = 0;
    int64_t updated_ms = 0;
  };

  void append_event(std::string& out, size_t id, const State* before, const State* after,
                    const char* op) {
    out.append("{\"before\":");
    append_image(out, id, before);
    out.append(",\"after\":");
    append_image(out, id, after);
    out.append(",\"op\":\"");
    out.append(op);
    out.append("\"}\n");
  }

  void append_image(std::string& out, size_t id, const State* s) {
    if (s == nullptr) {
      out.append("null");
      return;
    }
    const ShopCatalog::Item& c = catalog_[id];
    out.append("{\"id\":");
    out.append(std::to_string(id));
    out.append(",\"name\":\"");
    out.append(s->name);
    out.append("\",\"description\":\"");
    out.append(c.description);
    out.append("\",\"category\":\"");
    out.append(c.category);
    out.append("\",\"price\":");
    out.append(std::to_string(s->price));
    out.append(",\"image\":\"");
    out.append(c.image);
    out.append("\",\"created_at\":\"");
    // Debezium writes MySQL TIMESTAMP columns with second precision.
    time_.append(s->created_ms - s->created_ms % 1000, out);
    out.erase(out.size() - 5);  // ".000Z"
    out.append("Z\",\"updated_at\":");
    out.append(std::to_string(s->updated_ms - s->updated_ms % 1000));
    out.push_back('}');
  }

  ProductsOptions o_;
  Rng rng_;
  ShopCatalog catalog_;
  IsoTimeFormatter time_;
  std::vector<State> live_;
};

}  // namespace sluice::cli
