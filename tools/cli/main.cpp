// sluice: the command-line entry point. One file per subcommand (cmd_<name>.cpp); this file
// only wires them together. Exit codes: 0 success, 1 the command failed, 2 bad usage.
#include <CLI/CLI.hpp>
#include <vector>

#include "command.h"

int main(int argc, char** argv) {
  using namespace sluice::cli;
  CLI::App app{"Sluice: a Kafka Streams-style stream processor", "sluice"};
  app.require_subcommand(1);
  const std::vector<Command> commands = {
      add_version_command(app), add_datagen_command(app),  add_bench_command(app),
      add_demo_command(app),    add_validate_command(app), add_describe_command(app),
      add_broker_command(app),  add_run_command(app),      add_config_command(app),
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and friends exit 0; every real parse error is a usage error.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  return kExitUsage;
}
