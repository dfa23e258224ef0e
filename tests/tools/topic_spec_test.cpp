#include "../../tools/cli/topic_spec.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

TEST(TopicSpec, ReadsNameAndPartitionsAndRejectsTheRest) {
  using Spec = std::optional<std::pair<std::string, int>>;
  EXPECT_EQ(parse_topic_spec("events:12"), (Spec{{"events", 12}}));
  EXPECT_EQ(parse_topic_spec("events"), (Spec{{"events", 1}}));
  EXPECT_EQ(parse_topic_spec("a:b:3"), (Spec{{"a:b", 3}}));  // the last colon splits
  for (const char* bad : {"", ":3", "events:", "events:0", "events:-2", "events:x", "events:3x"}) {
    EXPECT_EQ(parse_topic_spec(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace sluice::cli
