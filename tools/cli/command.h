// The `sluice` subcommands. Each lives in its own cmd_<name>.cpp and registers itself on the
// root CLI11 app; main() parses once and runs the one that was chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace sluice::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed (I/O, bad data, mismatch)
inline constexpr int kExitUsage = 2;    // bad flags or arguments

// Rejects a leading '-' before CLI11 converts to an unsigned type (which would wrap around).
inline CLI::Validator non_negative() {
  return CLI::Validator(
      [](const std::string& v) {
        return v.find_first_not_of(" \t") != std::string::npos &&
                       v[v.find_first_not_of(" \t")] == '-'
                   ? std::string("must not be negative")
                   : std::string();
      },
      "NON-NEGATIVE");
}

// One top-level subcommand: its CLI11 node and what runs when the user chose it. `run` owns
// (by capture) the variables CLI11 parses into.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_version_command(CLI::App& root);
Command add_datagen_command(CLI::App& root);
Command add_bench_command(CLI::App& root);
Command add_demo_command(CLI::App& root);
Command add_validate_command(CLI::App& root);
Command add_describe_command(CLI::App& root);
Command add_broker_command(CLI::App& root);
Command add_run_command(CLI::App& root);
Command add_config_command(CLI::App& root);

}  // namespace sluice::cli
