// TopologyLayout (sub-topologies, partition counts, internal topic names and policies) and
// TaskCheckpoint (the .checkpoint file), without a broker.
#include "kafka/topology_layout.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "allezon.pb.h"
#include "kafka/conf.h"
#include "kafka/task_checkpoint.h"
#include "operators/stream_builder.h"

namespace sluice::kafka {
namespace {

// tags -> rekey(country) -> windowed count (sub-topology 1) -> out; tags -> table (sub-topology 0
// also holds a key-value store).
Topology two_subtopologies() {
  ops::StreamsBuilder b;
  ops::SourceOptions src;
  src.topics = {"tags"};
  src.schema = serde::Schema::from_descriptor(allezon::UserTag::descriptor());
  src.key_field = "cookie";
  auto tags = b.stream(src);
  ops::WindowAggregateOptions w;
  w.name = "per-country";
  w.group_by = {"country"};
  w.aggregations = {{.output = "n", .fn = ops::AggFn::kCount}};
  tags.rekey({"country"}, "by-country").window_aggregate(w).to({.topic = "out"});
  tags.to_table({.name = "latest"});
  return b.build();
}

TEST(TopologyLayout, RepartitionAndChangelogTopicsTakeTheirSubtopologysPartitionCount) {
  const Topology t = two_subtopologies();
  const TopologyLayout layout = plan_layout(t, "app", {{"tags", 6}, {"out", 2}});
  ASSERT_EQ(layout.subtopologies.size(), 2u);
  std::map<std::string, const NewTopic*> internal;
  for (const auto& n : layout.internal_topics) internal[n.name] = &n;
  ASSERT_TRUE(internal.count("app-by-country-repartition"));
  EXPECT_EQ(internal["app-by-country-repartition"]->partitions, 6);
  ASSERT_TRUE(internal.count("app-per-country-store-changelog"));
  EXPECT_EQ(internal["app-per-country-store-changelog"]->partitions, 6);
  EXPECT_EQ(internal["app-per-country-store-changelog"]->config.at("cleanup.policy"),
            "compact,delete");
  ASSERT_TRUE(internal.count("app-latest-store-changelog"));
  EXPECT_EQ(internal["app-latest-store-changelog"]->config.at("cleanup.policy"), "compact");
  EXPECT_FALSE(internal["app-latest-store-changelog"]->config.count("retention.ms"));
  EXPECT_EQ(layout.repartition_topics,
            (std::set<std::string, std::less<>>{"app-by-country-repartition"}));
  const SubtopologyLayout* reader = layout.reader_of("app-by-country-repartition");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->partitions, 6);
  EXPECT_EQ(layout.reader_of("tags")->partitions, 6);
  EXPECT_NE(reader->id, layout.reader_of("tags")->id);
}

// Kafka Streams' topic configs: repartition records carry event times, so only their readers'
// purges may delete them; a window changelog outlives its store by the additional retention.
TEST(TopologyLayout, RepartitionTopicsNeverExpireAndWindowChangelogsOutliveTheirStore) {
  const Topology t = two_subtopologies();
  const state::StoreOptions* store = t.store("per-country-store");
  ASSERT_NE(store, nullptr);
  for (const DurationMs additional : {DurationMs{86'400'000}, DurationMs{0}, DurationMs{5'000}}) {
    const TopologyLayout layout = plan_layout(
        t, "app", {{"tags", 6}, {"out", 2}}, {.window_changelog_additional_retention = additional});
    std::map<std::string, const NewTopic*> internal;
    for (const auto& n : layout.internal_topics) internal[n.name] = &n;
    const auto& repartition = internal.at("app-by-country-repartition")->config;
    EXPECT_EQ(repartition.at("cleanup.policy"), "delete");
    EXPECT_EQ(repartition.at("retention.ms"), "-1");
    EXPECT_EQ(internal.at("app-per-country-store-changelog")->config.at("retention.ms"),
              std::to_string(store->retention_ms + additional));
  }
}

TEST(TopologyLayout, MissingSourceTopicIsNamed) {
  const Topology t = two_subtopologies();
  try {
    (void)plan_layout(t, "app", {{"out", 2}});
    FAIL() << "expected KafkaError";
  } catch (const KafkaError& e) {
    EXPECT_NE(std::string(e.what()).find("'tags'"), std::string::npos) << e.what();
  }
}

TEST(TopologyLayout, CoPartitionedSourcesMustAgree) {
  ops::StreamsBuilder b;
  ops::SourceOptions src;
  src.topics = {"a", "b"};
  src.schema = serde::Schema::from_descriptor(allezon::UserTag::descriptor());
  b.stream(src).to({.topic = "out"});
  const Topology t = b.build();
  EXPECT_THROW((void)plan_layout(t, "app", {{"a", 4}, {"b", 3}}), KafkaError);
  EXPECT_EQ(plan_layout(t, "app", {{"a", 4}, {"b", 4}}).subtopologies[0].partitions, 4);
}

TEST(TaskCheckpoint, WritesReadsAndRemovesOffsets) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("sluice-ckpt-" + std::to_string(std::random_device{}()));
  TaskCheckpoint cp((dir / "app" / "1_3").string());
  auto empty = cp.read();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  std::mt19937 rng(5);
  std::map<std::string, Offset> offsets;
  for (int i = 0; i < 5; ++i) {
    offsets["app-s" + std::to_string(i) + "-changelog:" + std::to_string(rng() % 8)] =
        Offset(static_cast<int64_t>(rng() % 100000));
  }
  ASSERT_TRUE(cp.write(offsets).ok());
  auto back = cp.read();
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, offsets);
  ASSERT_TRUE(cp.remove().ok());
  EXPECT_TRUE(cp.read()->empty());
  {
    std::ofstream bad(cp.path());
    bad << "topic-without-offset 3\n";
  }
  EXPECT_FALSE(cp.read().ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sluice::kafka
