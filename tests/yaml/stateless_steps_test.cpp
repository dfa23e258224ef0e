// The stateless operators written in YAML (branch, filter, merge, project, and a keyed sink)
// over generated user tags, compared with the same routing done by hand.
#include <gtest/gtest.h>

#include <random>

#include "topology/timestamp_extractor.h"
#include "topology_test_support.h"

namespace sluice::yaml::test {
namespace {

const char* const kRouting = R"(
sources:
  - name: tags
    topic: tags
    message_type: sluice.allezon.UserTag
    key: cookie
    time: time
steps:
  - name: split
    from: tags
    branch:
      - {name: views, when: "action == 'VIEW' and device in ['PC', 'TV']"}
      - {name: buys, when: "action == 'BUY'"}
  - name: expensive_buys
    from: buys
    filter: "product_info.price >= 500 or origin is null"
  - name: picked
    merge: [views, expensive_buys]
  - name: slim
    from: picked
    project:
      cookie: cookie
      action: action
      brand: product_info.brand_id
      double_price: product_info.price * 2
sinks:
  - from: slim
    topic: picked
    key: brand
)";

TEST(StatelessStepsYaml, RoutesFiltersMergesAndProjectsLikeTheHandWrittenRouting) {
  const TopologyFile file = load_topology_string(kRouting, "routing.yaml");
  testing::TopologyTestDriver driver(file.topology);
  std::mt19937_64 rng(9);
  auto pick = [&](int64_t k) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(k)); };
  const char* const devices[] = {"PC", "MOBILE", "TV"};
  struct Expected {
    std::string cookie, action, brand;
    std::optional<int64_t> price;
  };
  std::vector<Expected> expected;
  for (int i = 0; i < 4000; ++i) {
    const std::string cookie = "c" + std::to_string(pick(100));
    const std::string action = pick(3) == 0 ? "BUY" : "VIEW";
    const std::string device = devices[pick(3)];
    const std::string brand = "b" + std::to_string(pick(5));
    std::optional<int64_t> price;
    if (pick(10) != 0) price = pick(1000);
    const bool has_origin = pick(5) != 0;
    json info = {{"product_id", "p"}, {"brand_id", brand}, {"category_id", "k"}};
    if (price) info["price"] = *price;
    json j = {{"time", format_iso8601(Timestamp(1'650'000'000'000 + i))},
              {"cookie", cookie},
              {"device", device},
              {"action", action},
              {"product_info", info}};
    if (has_origin) j["origin"] = "o";
    ASSERT_TRUE(driver.pipe("tags", cookie, j.dump(), Timestamp(0)).ok());
    const bool view = action == "VIEW" && device != "MOBILE";
    const bool buy = action == "BUY" && ((price && *price >= 500) || !has_origin);
    if (view || buy) expected.push_back({cookie, action, brand, price});
  }
  const auto out = driver.read_output("picked");
  ASSERT_EQ(out.size(), expected.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const auto f = fields(out[i]);
    EXPECT_EQ(out[i].key, expected[i].brand);
    EXPECT_EQ(text(f, "cookie"), expected[i].cookie);
    EXPECT_EQ(text(f, "action"), expected[i].action);
    EXPECT_EQ(text(f, "brand"), expected[i].brand);
    ASSERT_EQ(f.count("double_price") > 0, expected[i].price.has_value()) << i;
    if (expected[i].price) {
      EXPECT_EQ(number(f, "double_price"), 2 * *expected[i].price);
    }
  }
  EXPECT_GT(expected.size(), 1000u);
  EXPECT_TRUE(driver.read_dead_letters().empty());
}

}  // namespace
}  // namespace sluice::yaml::test
