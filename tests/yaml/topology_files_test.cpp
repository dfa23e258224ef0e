// Every file in topologies/ (and topologies/examples/) loads (what `sluice validate
// topologies/*.yaml` checks), and names what it reads and writes.
#include <gtest/gtest.h>

#include <filesystem>

#include "yaml/topology_file.h"

namespace sluice::yaml {
namespace {

namespace fs = std::filesystem;

fs::path topologies_dir() {
  return fs::path(__FILE__).parent_path().parent_path().parent_path() / "topologies";
}

TEST(TopologyFiles, EveryShippedTopologyValidates) {
  size_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(topologies_dir())) {
    if (entry.path().extension() != ".yaml") continue;
    ++n;
    SCOPED_TRACE(entry.path().string());
    try {
      const TopologyFile f = load_topology_file(entry.path().string());
      EXPECT_EQ(f.name, entry.path().stem().string());
      EXPECT_FALSE(f.sources.empty());
      EXPECT_FALSE(f.topology.describe().empty());
    } catch (const config::ConfigError& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GE(n, 6u);  // the five shipped with the language, examples/windowed_count.yaml
}

}  // namespace
}  // namespace sluice::yaml
