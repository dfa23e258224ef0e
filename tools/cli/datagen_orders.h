// Synthetic pizza-shop orders (seed 002) as JSON lines, as topologies/product_enrichment.yaml
// reads them (proto/shop.proto, sluice.shop.Order):
//
// {"id":"c6745d1f-cecb-4aa8-993b-6dea64d06f52","createdAt":"2022-09-06T10:46:17.703283",
// "userId":416,"status":"PLACED_ORDER","price":1040,"items":[{"productId":"21","quantity":2,
// "price":45},...]}
//
// As the seed writes them: createdAt is local time with microseconds and no zone, userId a JSON
// number, productId a string. Each order has 1-5 distinct products of ids 1..`products`
// (popular ones more often), each 1-3 times, at the catalogue price of `datagen products` with
// the same --seed; price is the sum of price * quantity. Users 1..`users`, a few ordering far
// more than most. Event time advances at `rate` orders per second. The output depends only on
// the options.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

#include "datagen_common.h"
#include "datagen_products.h"

namespace sluice::cli {

// Default start 2022-09-06T10:46:17.000Z; rate is orders per second of event time.
struct OrdersOptions : CommonOptions<1662461177000> {
  size_t products = 100;  // product ids 1..products (as `datagen products`)
  size_t users = 1000;    // user ids 1..users
};

class OrdersGenerator : public KeyedEventClock {
 public:
  using Options = OrdersOptions;

  explicit OrdersGenerator(const OrdersOptions& options)
      : KeyedEventClock(options.start_ms, options.rate),
        o_(clamped(options)),
        rng_(options.seed ^ 0x0de2'5000'0002'0001ULL),
        catalog_(o_.products, options.seed),
        product_pick_(o_.products, 0.8, 2),
        user_pick_(o_.users, 0.9, 10) {}

  // Appends the next order, one JSON object followed by '\n', to `out`.
  void append_next(std::string& out) {
    ts_ = tick();
    key_.clear();
    append_uuid4(rng_, key_);
    out.append("{\"id\":\"");
    out.append(key_);
    out.append("\",\"createdAt\":\"");
    time_.append(ts_, out);
    out.pop_back();  // 'Z': the seed writes local time without a zone
    for (int i = 0; i < 3; ++i) out.push_back(static_cast<char>('0' + rng_.below(10)));
    out.append("\",\"userId\":");
    out.append(std::to_string(1 + user_pick_(rng_)));
    out.append(",\"status\":\"PLACED_ORDER\",\"price\":");
    // Items first, into a scratch buffer: the total precedes them.
    items_.clear();
    const size_t n = std::min<size_t>(1 + rng_.below(5), o_.products);
    size_t chosen[5];
    int64_t total = 0;
    for (size_t k = 0; k < n; ++k) {
      size_t id;
      do {
        id = 1 + product_pick_(rng_);
      } while (std::find(chosen, chosen + k, id) != chosen + k);
      chosen[k] = id;
      const int64_t quantity = 1 + static_cast<int64_t>(rng_.below(3));
      const int64_t price = catalog_[id].price;
      total += price * quantity;
      items_.append(k == 0 ? "{\"productId\":\"" : ",{\"productId\":\"");
      items_.append(std::to_string(id));
      items_.append("\",\"quantity\":");
      items_.append(std::to_string(quantity));
      items_.append(",\"price\":");
      items_.append(std::to_string(price));
      items_.push_back('}');
    }
    out.append(std::to_string(total));
    out.append(",\"items\":[");
    out.append(items_);
    out.append("]}\n");
  }

  // last_key(): the order's id. last_time_ms(): its createdAt.

 private:
  static OrdersOptions clamped(OrdersOptions o) {
    if (o.products == 0) o.products = 1;
    if (o.users == 0) o.users = 1;
    return o;
  }

  OrdersOptions o_;
  Rng rng_;
  ShopCatalog catalog_;
  ZipfSampler product_pick_, user_pick_;
  IsoTimeFormatter time_;
  std::string items_;
};

}  // namespace sluice::cli
