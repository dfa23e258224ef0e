// topologies/minute_aggregation.yaml compiles to the same graph as the C++ build the engine
// benchmark uses (tools/cli/minute_aggregation.cpp, compiled into this test as is), so the
// benchmark compares like with like.
#include <gtest/gtest.h>

#include "../../tools/cli/minute_aggregation.cpp"  // NOLINT: the C++ build under comparison
#include "topology_test_support.h"

namespace sluice::yaml::test {
namespace {

TEST(MinuteAggregationYaml, DescribesExactlyLikeTheCppBuiltTopology) {
  for (int64_t idle : {0, 30'000}) {
    const Topology cpp = cli::build_minute_aggregation(
        {.input_topic = "tags", .output_topic = "out", .idle_close_ms = idle});
    const TopologyFile yaml =
        load("minute_aggregation.yaml", {{"USER_TAGS_TOPIC", "tags"},
                                         {"MINUTE_OUTPUT_TOPIC", "out"},
                                         {"MINUTE_IDLE_CLOSE", std::to_string(idle)}});
    EXPECT_EQ(yaml.topology.describe(), cpp.describe());
    ASSERT_EQ(yaml.topology.stores().size(), 1u);
    EXPECT_EQ(yaml.topology.stores()[0].backend, cpp.stores()[0].backend);
    EXPECT_EQ(yaml.topology.stores()[0].retention_ms, cpp.stores()[0].retention_ms);
  }
  // Without an output topic (the engine benchmark): no sink on either side.
  const Topology cpp = cli::build_minute_aggregation({.input_topic = "user_tags"});
  const TopologyFile yaml = load("minute_aggregation.yaml", {{"MINUTE_OUTPUT_ENABLED", "false"}});
  EXPECT_EQ(yaml.topology.describe(), cpp.describe());
  EXPECT_TRUE(yaml.sinks.empty());
}

}  // namespace
}  // namespace sluice::yaml::test
