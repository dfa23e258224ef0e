// One broken topology file per error class (tests/yaml/broken/): each must fail with a
// diagnostic at the exact line and column, naming what was found and what was expected.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "yaml/topology_file.h"

namespace sluice::yaml {
namespace {

namespace fs = std::filesystem;

fs::path broken_dir() { return fs::path(__FILE__).parent_path() / "broken"; }

// Environment of these tests: nothing is set, so ${VAR} without a default is an error.
std::optional<std::string> no_env(std::string_view) { return std::nullopt; }

std::vector<config::Diagnostic> diagnostics_of(const std::string& name) {
  try {
    load_topology_file((broken_dir() / name).string(), no_env);
  } catch (const config::ConfigError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << name << " loaded without an error";
  return {};
}

struct Case {
  const char* file;
  int line;
  int column;
  std::vector<const char*> fragments;  // each must appear in the message
};

const Case kCases[] = {
    {"unknown_operator.yaml",
     10,
     5,
     {"unknown operator 'windowaggregate'", "did you mean 'window_aggregate'?"}},
    {"unknown_field.yaml",
     12,
     17,
     {"unknown field 'product_info.prise' in sluice.allezon.UserTag",
      "nearest valid fields: 'product_info.price'"}},
    {"type_mismatch.yaml",
     13,
     41,
     {"type mismatch", "sum needs a number but field 'cookie' is string"}},
    {"not_copartitioned.yaml",
     18,
     14,
     {"not co-partitioned", "keyed by sluice.shop.Order.id", "the table by sluice.shop.Product.id",
      "rekey"}},
    {"store_used_twice.yaml", 15, 14, {"store 'recent' is already used by step 'views' (line 10)"}},
    {"missing_required.yaml", 2, 5, {"missing required key 'message_type'"}},
    {"unknown_key.yaml",
     12,
     7,
     {"unknown key 'retension'", "did you mean 'retention'?", "expected one of"}},
    {"bad_duration.yaml", 11, 13, {"'1 minute' is not a duration", "unit ms, s, m, h or d"}},
    {"bad_enum.yaml",
     12,
     13,
     {"emit: unknown value 'finale'", "expected 'final' or 'update'", "did you mean 'final'?"}},
    {"duplicate_step.yaml", 11, 11, {"duplicate name 'buys'", "already defined at line 8"}},
    {"unknown_step.yaml", 9, 11, {"unknown stream 'user_tag'", "did you mean 'user_tags'?"}},
    // The expression ends at column 53; the error points just past it.
    {"bad_expression.yaml", 10, 54, {"bad expression", "expected an operand", "end of input"}},
    {"not_a_condition.yaml", 10, 13, {"is not a condition", "expected a boolean expression"}},
    {"explode_not_a_list.yaml", 8, 22, {"field 'status' is string", "expected a list"}},
    {"unknown_message_type.yaml", 4, 19, {"unknown protobuf message 'sluice.allezon.UserTags'"}},
    // "tags-" is 5 characters: the reference starts at column 12 + 5.
    {"unset_variable.yaml", 3, 17, {"'SLUICE_TEST_UNSET_TOPIC' is not set", ":-default"}},
    {"invalid_yaml.yaml", 4, 6, {"invalid YAML"}},
    {"sink_message_mismatch.yaml",
     12,
     19,
     {"type mismatch: field 'quantity' is double in stream totals but int in "
      "sluice.shop.EnrichedOrderItem"}},
};

// Readable test parameters in ctest's output.
void PrintTo(const Case& c, std::ostream* os) { *os << c.file; }

class BrokenFile : public ::testing::TestWithParam<Case> {};

TEST_P(BrokenFile, ReportsTheProblemAtItsLineAndColumn) {
  const Case& c = GetParam();
  const auto diags = diagnostics_of(c.file);
  ASSERT_EQ(diags.size(), 1u) << (diags.empty() ? "" : diags[1 % diags.size()].to_string());
  const config::Diagnostic& d = diags.front();
  EXPECT_EQ(d.where.file, (broken_dir() / c.file).string());
  EXPECT_EQ(d.where.line, c.line) << d.to_string();
  EXPECT_EQ(d.where.column, c.column) << d.to_string();
  for (const char* f : c.fragments) {
    EXPECT_NE(d.message.find(f), std::string::npos) << "missing '" << f << "' in " << d.message;
  }
  // The form editors and CI logs link to.
  EXPECT_EQ(d.to_string(), d.where.file + ":" + std::to_string(c.line) + ":" +
                               std::to_string(c.column) + ": error: " + d.message);
}

INSTANTIATE_TEST_SUITE_P(ErrorClasses, BrokenFile, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name = info.param.file;
                           name = name.substr(0, name.find('.'));
                           return name;
                         });

TEST(BrokenFiles, EveryErrorClassHasAFileAndEveryFileACase) {
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(broken_dir())) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    const std::string name = entry.path().filename().string();
    bool covered = name == "many_errors.yaml";
    for (const Case& c : kCases) covered |= name == c.file;
    EXPECT_TRUE(covered) << name << " has no expectation";
  }
  EXPECT_GE(files, 12u);
}

TEST(BrokenFiles, ReportsEveryProblemOfAFileInFileOrderNotJustTheFirst) {
  const auto diags = diagnostics_of("many_errors.yaml");
  ASSERT_EQ(diags.size(), 3u);
  EXPECT_EQ(diags[0].where.line, 10);
  EXPECT_EQ(diags[0].where.column, 34);  // `prise` inside the quoted expression
  EXPECT_NE(diags[0].message.find("nearest valid fields: 'product_info.price'"), std::string::npos)
      << diags[0].message;
  EXPECT_NE(diags[0].message.find("unknown field 'prise'"), std::string::npos);
  EXPECT_EQ(diags[1].where.line, 14);
  EXPECT_NE(diags[1].message.find("'10 parsecs' is not a duration"), std::string::npos);
  EXPECT_EQ(diags[2].where.line, 15);
  EXPECT_NE(diags[2].message.find("unknown value 'sometimes'"), std::string::npos);
}

TEST(TopologyFile, InterpolatesVariablesAndRecordsThemAsParameters) {
  const std::string text = R"(
sources:
  - name: tags
    topic: ${TAGS_TOPIC:-user_tags}
    message_type: sluice.allezon.UserTag
steps:
  - name: recent
    from: tags
    capped_list: {max: "${CAP}"}
)";
  auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "CAP") return "7";
    return std::nullopt;
  };
  const TopologyFile f = load_topology_string(text, "inline.yaml", env);
  ASSERT_EQ(f.sources.size(), 1u);
  EXPECT_EQ(f.sources[0].topics, std::vector<std::string>{"user_tags"});
  EXPECT_EQ(f.parameters.at("TAGS_TOPIC"), "user_tags");
  EXPECT_EQ(f.parameters.at("CAP"), "7");
  EXPECT_NE(f.topology.describe().find("newest 7 per key"), std::string::npos)
      << f.topology.describe();
  ASSERT_EQ(f.stores.size(), 1u);
  EXPECT_EQ(f.stores[0].name, "recent-store");
  EXPECT_EQ(f.stores[0].step, "recent");
}

}  // namespace
}  // namespace sluice::yaml

namespace sluice::yaml {
namespace {

TEST(TopologyFile, PointsAtTheScalarWhenInterpolationMovedTheExpressionsColumns) {
  const std::string text =
      "sources:\n"
      "  - {name: tags, topic: t, message_type: sluice.allezon.UserTag}\n"
      "steps:\n"
      "  - name: pricey\n"
      "    from: tags\n"
      "    filter: \"product_info.price > ${MIN_PRICE:-pric}\"\n";
  try {
    load_topology_string(text, "inline.yaml", no_env);
    FAIL() << "loaded a filter on an unknown field";
  } catch (const config::ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    const auto& d = e.diagnostics()[0];
    EXPECT_EQ(d.where.line, 6);
    EXPECT_EQ(d.where.column, 13);
    EXPECT_NE(d.message.find("unknown field 'pric'"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("column 22 of the interpolated text"), std::string::npos) << d.message;
  }
}

}  // namespace
}  // namespace sluice::yaml
