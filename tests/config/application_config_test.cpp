#include "config/application_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

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
  EXPECT_EQ(c.repartition_purge_interval_ms, 30'000);
  EXPECT_EQ(c.window_changelog_additional_retention_ms, 86'400'000);
  auto set = parse_application_config(
      "application.id: a\nrepartition.purge.interval.ms: 500\n"
      "windowstore.changelog.additional.retention.ms: 0\n",
      "app.yaml");
  EXPECT_EQ(set.repartition_purge_interval_ms, 500);
  EXPECT_EQ(set.window_changelog_additional_retention_ms, 0);
  EXPECT_THROW(
      (void)parse_application_config("application.id: a\nrepartition.purge.interval.ms: 0\n", "a"),
      ConfigError);
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

TEST(ApplicationConfig, MetricsListenIsHostAndPortOrEmpty) {
  EXPECT_EQ(parse_application_config("application.id: a\n", "a").metrics_listen, "");
  EXPECT_EQ(parse_application_config("application.id: a\nmetrics.listen: 0.0.0.0:9464\n", "a")
                .metrics_listen,
            "0.0.0.0:9464");
  try {
    parse_application_config("application.id: a\nmetrics.listen: 9464\n", "app.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].to_string(),
              "app.yaml:2:17: error: 'metrics.listen': '9464' is not HOST:PORT (PORT from 0 to "
              "65535)");
  }
}

// The user-facing key reference is the table itself; the tests run from the source root.
TEST(ApplicationConfig, TheDocumentedKeysAreTheTableTheParserChecks) {
  std::ifstream in("docs/CONFIGURATION.md");
  ASSERT_TRUE(in) << "docs/CONFIGURATION.md not found (run from the source root)";
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_NE(doc.str().find(application_config_def().to_markdown()), std::string::npos)
      << "docs/CONFIGURATION.md is out of date: paste the output of `sluice config` into it";
}

}  // namespace
}  // namespace sluice::config
