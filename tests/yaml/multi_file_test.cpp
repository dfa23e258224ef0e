// Several topology files run as one application: compiled onto one topology, sub-topologies of
// each file side by side; a name used by two files is an error naming a file.
#include <gtest/gtest.h>

#include <set>

#include "yaml/topology_file.h"

namespace sluice::yaml {
namespace {

config::EnvLookup no_env() {
  return [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
}

TEST(TopologyFiles, SeveralFilesCompileOntoOneTopologyWithEveryFilesNodesAndStores) {
  const std::vector<std::string> paths = {"topologies/minute_aggregation.yaml",
                                          "topologies/product_enrichment.yaml"};
  std::set<std::string> want_nodes;
  std::set<std::string> want_stores;
  size_t want_subtopologies = 0;
  for (const auto& p : paths) {
    TopologyFile one = load_topology_file(p, no_env());
    for (const auto& n : one.topology.nodes()) want_nodes.insert(n.name);
    for (const auto& s : one.topology.stores()) want_stores.insert(s.name);
    want_subtopologies += one.topology.subtopologies().size();
  }
  TopologyFile all = load_topology_files(paths, no_env());
  std::set<std::string> nodes;
  std::set<std::string> stores;
  for (const auto& n : all.topology.nodes()) nodes.insert(n.name);
  for (const auto& s : all.topology.stores()) stores.insert(s.name);
  EXPECT_EQ(nodes, want_nodes);
  EXPECT_EQ(stores, want_stores);
  EXPECT_EQ(all.topology.subtopologies().size(), want_subtopologies);
  EXPECT_EQ(all.name, "minute_aggregation+product_enrichment");
}

TEST(TopologyFiles, ANameTwoFilesUseIsAnError) {
  const std::vector<std::string> paths = {"topologies/minute_aggregation.yaml",
                                          "topologies/minute_aggregation.yaml"};
  try {
    (void)load_topology_files(paths, no_env());
    FAIL() << "expected a ConfigError";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("topologies/minute_aggregation.yaml:"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace sluice::yaml
