// `sluice describe FILE [--format text|dot]`: the processor graph a topology file compiles to
// (Topology::describe(), or Graphviz DOT). Problems in the file are printed as by `validate`.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "command.h"
#include "yaml/topology_file.h"

namespace sluice::cli {

Command add_describe_command(CLI::App& root) {
  CLI::App* app = root.add_subcommand("describe", "Print the processor graph of a topology file");
  struct Args {
    std::string file;
    std::string format = "text";
  };
  auto args = std::make_shared<Args>();
  app->add_option("file", args->file, "Topology YAML file")->required();
  app->add_option("--format", args->format, "text (default) or dot")
      ->check(CLI::IsMember({"text", "dot"}));
  return {app, [args] {
            try {
              const yaml::TopologyFile t = yaml::load_topology_file(args->file);
              fmt::print("{}",
                         args->format == "dot" ? t.topology.describe_dot() : t.topology.describe());
              return kExitOk;
            } catch (const config::ConfigError& e) {
              for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", d.to_string());
              return kExitFailure;
            }
          }};
}

}  // namespace sluice::cli
