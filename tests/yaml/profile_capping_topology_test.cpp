// topologies/profile_capping.yaml: user tags in shuffled event-time order; the capped store's
// answers to "tags of cookie C with time in [from, to), newest first, at most L" compared with a
// brute force that keeps every tag and applies the cap itself
// (tests/models/profile_capping_model.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "models/profile_capping_model.h"
#include "operators/capped_list_store.h"
#include "serde/value_serde.h"
#include "topology_test_support.h"

namespace sluice::yaml::test {
namespace {

using namespace models::profile;

constexpr int kEvents = 6000;
constexpr size_t kCap = 20;

TEST(ProfileCappingYaml, StoreAnswersTimeRangeQueriesWithTheNewestTagsPerActionLikeTheBruteForce) {
  const TopologyFile file =
      load("profile_capping.yaml", {{"PROFILE_MAX_PER_ACTION", std::to_string(kCap)}});
  testing::TopologyTestDriver driver(file.topology);
  std::mt19937_64 rng(7);
  auto pick = [&](int64_t k) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(k)); };
  const std::vector<Tag> tags = generate(kEvents, 7);
  for (const Tag& t : tags) {
    ASSERT_TRUE(driver.pipe("user_tags", t.cookie, to_json(t), Timestamp(t.ts)).ok());
  }
  auto all = by_cookie_and_action(tags);
  ASSERT_TRUE(driver.commit().ok());

  auto schema = *serde::Schema::from_message_name("sluice.allezon.UserTag");
  auto serde = serde::make_value_serde(schema, {.format = serde::Format::kProtobuf});
  const uint32_t id_slot = *schema->find("product_info.product_id");
  auto* store = driver.key_value_store("profiles");
  ASSERT_NE(store, nullptr);

  size_t checked = 0;
  for (int q = 0; q < 400; ++q) {
    const std::string cookie = "cookie-" + std::to_string(pick(40));
    const int which = static_cast<int>(pick(3));  // VIEW, BUY, or both
    const int64_t from = kT0 + pick(kEvents * 10);
    const int64_t to = from + pick(kEvents * 10);
    const size_t limit = 1 + static_cast<size_t>(pick(30));
    std::vector<std::string> subs;
    if (which != 1) subs.push_back("VIEW");
    if (which != 0) subs.push_back("BUY");

    std::vector<Tag> expected;
    for (const auto& sub : subs) {
      for (const Tag& t : newest(all[{cookie, sub}], kCap)) {
        if (t.ts >= from && t.ts < to) expected.push_back(t);
      }
    }
    std::sort(expected.begin(), expected.end(),
              [](const Tag& a, const Tag& b) { return a.ts > b.ts; });  // times are distinct
    if (expected.size() > limit) expected.resize(limit);

    auto got = ops::query(*store, cookie, subs, Timestamp(from), Timestamp(to), limit);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_EQ(got->size(), expected.size()) << cookie << " q" << q;
    for (size_t i = 0; i < expected.size(); ++i) {
      const ops::CappedEntry& e = (*got)[i];
      EXPECT_EQ(e.timestamp.ms(), expected[i].ts);
      EXPECT_EQ(e.sub_key, expected[i].action);
      serde::Row row;
      ASSERT_TRUE(serde->deserialize(e.bytes, row).ok());
      EXPECT_EQ(row.get_string(id_slot), expected[i].id);
    }
    checked += expected.size();
  }
  EXPECT_GT(checked, 1000u);

  // Every list in the store, whole: exactly the newest kCap of each cookie and action.
  for (const auto& [ca, list] : all) {
    auto got = ops::query(*store, ca.first, {ca.second}, Timestamp::min(), Timestamp::max(), 1000);
    ASSERT_TRUE(got.ok());
    const auto want = newest(list, kCap);
    ASSERT_EQ(got->size(), want.size()) << ca.first << " " << ca.second;
    for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ((*got)[i].timestamp.ms(), want[i].ts);
  }
}

}  // namespace
}  // namespace sluice::yaml::test
