#include "config/application_config.h"

#include <gtest/gtest.h>

#include <map>

#include "config/interpolate.h"

namespace sluice::config {
namespace {

TEST(Interpolate, ReplacesVariablesAndDefaults) {
  std::map<std::string, std::string> env{{"TOPIC", "tags"}, {"EMPTY", ""}};
  auto lookup = [&](std::string_view n) -> std::optional<std::string> {
    auto it = env.find(std::string(n));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  EXPECT_EQ(*interpolate("t: ${TOPIC}", lookup), "t: tags");
  EXPECT_EQ(*interpolate("t: ${MISSING:-events}", lookup), "t: events");
  EXPECT_EQ(*interpolate("t: ${EMPTY:-x}", lookup), "t: x");
  EXPECT_EQ(*interpolate("t: $${TOPIC}", lookup), "t: ${TOPIC}");
  auto err = interpolate("a: 1\nb: ${NOPE}", lookup);
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("line 2, column 4"), std::string::npos)
      << err.status().message();
  EXPECT_NE(err.status().message().find("NOPE"), std::string::npos);
}

TEST(ApplicationConfig, FillsDefaultsFromTheTable) {
  auto c = parse_application_config("application.id: minute-agg\n", "app.yaml");
  EXPECT_EQ(c.application_id, "minute-agg");
  EXPECT_EQ(c.bootstrap_servers, "embedded");
  EXPECT_EQ(c.num_stream_threads, 1);
  EXPECT_EQ(c.dead_letter_topic, "minute-agg-dead-letters");
  EXPECT_EQ(c.processing_guarantee, ProcessingGuarantee::kAtLeastOnce);
}

TEST(ApplicationConfig, ReportsEveryProblemWithFileLineAndColumn) {
  const std::string text =
      "application.id: a\n"
      "num.stream.thread: 2\n"
      "processing.guarantee: exactly_once\n"
      "commit.interval.ms: soon\n"
      "kafka:\n"
      "  security.protocol: SSL\n";
  try {
    parse_application_config(text, "app.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 3u) << e.what();
    EXPECT_EQ(e.diagnostics()[0].to_string(),
              "app.yaml:2:1: error: unknown configuration key 'num.stream.thread'; did you mean "
              "'num.stream.threads'?");
    EXPECT_EQ(e.diagnostics()[1].where.line, 3);
    EXPECT_EQ(e.diagnostics()[1].where.column, 23);
    EXPECT_NE(e.diagnostics()[1].message.find("exactly_once_v2"), std::string::npos);
    EXPECT_EQ(e.diagnostics()[2].where.line, 4);
  }
}

TEST(ApplicationConfig, MissingRequiredKeyAndBrokenYamlAreErrors) {
  EXPECT_THROW(parse_application_config("state.dir: /x\n", "a.yaml"), ConfigError);
  try {
    parse_application_config("application.id: [unclosed\n", "b.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.diagnostics()[0].where.file, "b.yaml");
    EXPECT_GT(e.diagnostics()[0].where.line, 0);
  }
  auto c = parse_application_config("application.id: a\nkafka:\n  linger.ms: '5'\n", "c.yaml");
  EXPECT_EQ(c.kafka.at("linger.ms"), "5");
}

}  // namespace
}  // namespace sluice::config
