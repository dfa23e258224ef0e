// `sluice validate FILE...`: loads each topology file and prints every problem as
// FILE:LINE:COL: error: MESSAGE on stderr (the form compilers use, so editors jump to it), or
// "FILE: ok". Exit 1 when any file has a problem.
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "yaml/topology_file.h"

namespace sluice::cli {

Command add_validate_command(CLI::App& root) {
  CLI::App* app = root.add_subcommand("validate", "Check topology files and report every problem");
  auto files = std::make_shared<std::vector<std::string>>();
  app->add_option("files", *files, "Topology YAML files")->required();
  return {app, [files] {
            int rc = kExitOk;
            for (const auto& file : *files) {
              try {
                yaml::load_topology_file(file);
                fmt::print("{}: ok\n", file);
              } catch (const config::ConfigError& e) {
                for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", d.to_string());
                rc = kExitFailure;
              }
            }
            return rc;
          }};
}

}  // namespace sluice::cli
