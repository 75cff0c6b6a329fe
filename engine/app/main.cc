// The `switchboard` command: wiring only. Subcommands live in their own files.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "engine/app/check_command.h"
#include "engine/app/tail_command.h"

int main(int argc, char** argv) {
  CLI::App app{"switchboard: real-time skills-based routing engine"};
  app.require_subcommand(1);

  std::vector<std::string> policies;
  CLI::App* check = app.add_subcommand("check", "validate a routing policy and run its tests");
  // Unreadable files are reported by run_check as FILE:1:1 lines, with exit status 1.
  check->add_option("POLICY", policies, "policy files (YAML)")->required();

  sb::app::TailOptions tail_options;
  CLI::App* tail = app.add_subcommand("tail", "print the events of a running server, one a line");
  tail->add_option("--url", tail_options.url, "server URL (ws:// or wss://)")
      ->capture_default_str();
  tail->add_option("--token", tail_options.token, "bearer token")->envname("SWITCHBOARD_TOKEN");
  tail->add_option("--agents", tail_options.agents, "agents to follow (a,b; * for all)")
      ->delimiter(',');
  tail->add_option("--queues", tail_options.queues, "queues to follow (q1,q2; * for all)")
      ->delimiter(',');
  tail->add_option("--ca-file", tail_options.ca_file, "CA file to verify a wss:// server");
  tail->add_flag("--json", tail_options.json, "print each event as its CloudEvent JSON");

  CLI11_PARSE(app, argc, argv);
  if (check->parsed()) return sb::app::run_check(policies, stdout, stderr);
  if (tail->parsed()) return sb::app::run_tail(tail_options, stdout, stderr);
  return 2;
}
