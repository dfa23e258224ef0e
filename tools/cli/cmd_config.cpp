// `sluice config`: every key an application file (`sluice run --config`) accepts, with its
// type, default and description, as a Markdown table: the one table the parser validates
// against (config::application_config_def), so the listing cannot drift from the code.
#include <fmt/core.h>

#include "command.h"
#include "config/application_config.h"

namespace sluice::cli {

Command add_config_command(CLI::App& root) {
  CLI::App* app = root.add_subcommand(
      "config", "Print every application-file key (type, default, description) as Markdown");
  return {app, [] {
            fmt::print("{}", config::application_config_def().to_markdown());
            return kExitOk;
          }};
}

}  // namespace sluice::cli
