// topologies/profile_capping.yaml end to end: `sluice run` on a `sluice broker` process, user
// tags in shuffled event-time order produced with librdkafka (keyed by cookie, three
// partitions), compared with the brute force of tests/models/profile_capping_model.h.
//
// The topology has no output topic: its result is the `profiles` store, queried in place. What
// leaves the process is the store's changelog, `<application.id>-profiles-changelog`, the log a
// restore rebuilds the store from; its latest value per key is the stored list of one (cookie,
// action) in the capped-list format (operators/capped_list_store.h). The test reads that
// upsert view with a consumer and decodes it with the format's reader, so it checks what any
// instance restoring these tasks would answer, without reaching into the process.
#include <gtest/gtest.h>

#include "e2e_support.h"
#include "models/profile_capping_model.h"
#include "operators/capped_list_store.h"
#include "serde/value_serde.h"

namespace sluice::test {
namespace {

using models::profile::by_cookie_and_action;
using models::profile::generate;
using models::profile::newest;
using models::profile::Tag;
using namespace std::chrono_literals;

constexpr size_t kCap = 20;

// "cookie\0action" -> the list, newest first: (event time, product id).
using ProfileView = std::map<std::string, std::vector<std::pair<int64_t, std::string>>>;

class ListDecoder {
 public:
  ListDecoder()
      : schema_(*serde::Schema::from_message_name("sluice.allezon.UserTag")),
        serde_(serde::make_value_serde(schema_, {.format = serde::Format::kProtobuf})),
        id_slot_(*schema_->find("product_info.product_id")) {}

  // Lists that do not decode are left out (and fail the comparison).
  ProfileView decode(const std::map<std::string, std::optional<std::string>>& latest) {
    ProfileView v;
    for (const auto& [key, value] : latest) {
      if (!value) continue;
      auto entries = ops::capped::entries(*value);
      if (!entries.ok()) continue;
      auto& list = v[key];
      for (const auto& e : *entries) {
        serde::Row row;
        if (!serde_->deserialize(e.bytes, row).ok()) continue;
        list.emplace_back(e.timestamp.ms(), std::string(row.get_string(id_slot_)));
      }
    }
    return v;
  }

 private:
  serde::SchemaPtr schema_;
  std::unique_ptr<serde::ValueSerde> serde_;
  uint32_t id_slot_;
};

TEST(ProfileCappingE2E, ChangelogHoldsTheNewestTagsPerCookieAndActionLikeTheBruteForce) {
  const std::string app = "profile-e2e";
  const Env env = {{"USER_TAGS_TOPIC", "user_tags"},
                   {"PROFILE_MAX_PER_ACTION", std::to_string(kCap)}};
  const Topology topology = load_shipped("profile_capping", env);
  BrokerProcess broker(broker_topic_args(topology, app, {{"user_tags", 3}}, 3));
  ASSERT_FALSE(broker.bootstrap().empty()) << "sluice broker did not start";
  TempDir dir;
  RunProcess run("profile_capping", broker.bootstrap(), app, dir.path.string(), env);
  ASSERT_TRUE(run.wait_tasks(3)) << run.tail();

  const auto tags = generate(6000, 7);
  auto producer = make_producer(broker.bootstrap());
  for (const Tag& t : tags) {
    ASSERT_TRUE(
        producer.send("user_tags", std::nullopt, t.cookie, to_json(t), Timestamp(t.ts)).ok());
  }
  ASSERT_TRUE(producer.flush(30s).ok());

  ProfileView expected;
  size_t capped = 0;
  for (const auto& [ca, list] : by_cookie_and_action(tags)) {
    auto& want = expected[ca.first + std::string(1, '\0') + ca.second];
    for (const Tag& t : newest(list, kCap)) want.emplace_back(t.ts, t.id);
    capped += list.size() > kCap;
  }
  EXPECT_GT(capped, expected.size() / 2) << "most lists should overflow their cap";

  ListDecoder decoder;
  TopicReader changelog(broker.bootstrap(), app + "-profiles-changelog");
  changelog.read_until([&](const TopicReader& r) { return decoder.decode(r.latest()) == expected; },
                       30s);
  const ProfileView got = decoder.decode(changelog.latest());
  const size_t wrong = mismatched(expected, got);
  EXPECT_EQ(wrong, 0u) << "(cookie, action) lists missing or unlike the brute force, of "
                       << expected.size();
  EXPECT_EQ(got.size(), expected.size()) << "lists the brute force does not have";
  EXPECT_EQ(topic_records(broker.bootstrap(), app + "-dead-letters", 1), 0);
  std::printf("profile_capping e2e: %zu tags, %zu lists, %zu changelog records\n", tags.size(),
              expected.size(), changelog.messages().size());

  run.expect_caught_up(0);  // no sink: changelog records are not counted as sent

  EXPECT_EQ(run.stop(), 0) << run.tail();
}

}  // namespace
}  // namespace sluice::test
