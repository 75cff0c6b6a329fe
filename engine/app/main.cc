// The `switchboard` command: wiring only. Subcommands live in their own files.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "engine/app/check_command.h"

int main(int argc, char** argv) {
  CLI::App app{"switchboard: real-time skills-based routing engine"};
  app.require_subcommand(1);

  std::vector<std::string> policies;
  CLI::App* check = app.add_subcommand("check", "validate a routing policy and run its tests");
  // Unreadable files are reported by run_check as FILE:1:1 lines, with exit status 1.
  check->add_option("POLICY", policies, "policy files (YAML)")->required();

  CLI11_PARSE(app, argc, argv);
  if (check->parsed()) return sb::app::run_check(policies, stdout, stderr);
  return 2;
}
