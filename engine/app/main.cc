// The `switchboard` command: wiring only. Subcommands live in their own files.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "engine/app/check_command.h"
#include "engine/app/replay_command.h"
#include "engine/app/serve_command.h"
#include "engine/app/simulate_command.h"
#include "engine/app/tail_command.h"

int main(int argc, char** argv) {
  CLI::App app{"switchboard: real-time skills-based routing engine"};
  app.require_subcommand(1);

  std::vector<std::string> policies;
  CLI::App* check = app.add_subcommand("check", "validate a routing policy and run its tests");
  // Unreadable files are reported by run_check as FILE:1:1 lines, with exit status 1.
  check->add_option("POLICY", policies, "policy files (YAML)")->required();

  sb::app::ServeOptions serve_options;
  CLI::App* serve =
      app.add_subcommand("serve", "run the routing engine with its HTTP/WebSocket API");
  serve->add_option("--config", serve_options.config_file, "server config (YAML)")
      ->capture_default_str();
  serve->add_option("--policy", serve_options.policy_file, "routing policy (YAML)")
      ->capture_default_str();
  serve->add_option("--listen", serve_options.listen,
                    "HOST:PORT to listen on (port 0: any free port); default: the config's, "
                    "127.0.0.1:8080");
  serve->add_option("--data-dir", serve_options.data_dir, "data directory; default: ./data");
  serve
      ->add_option("--log-level", serve_options.log_level,
                   "trace, debug, info, warn, error, critical or off; default: the config's "
                   "log.level, info")
      ->check(
          CLI::IsMember({"trace", "debug", "info", "warn", "warning", "error", "critical", "off"}));
  serve->add_flag("--truncate-corrupt", serve_options.truncate_corrupt,
                  "if the journal is damaged in the middle, cut it there (losing what follows) "
                  "instead of refusing to start");

  sb::app::ReplayOptions replay_options;
  CLI::App* replay = app.add_subcommand(
      "replay",
      "rebuild the routing state from a data directory and print counts and state hash; with "
      "--policy, the what-if replay: the recorded arrivals against that candidate policy, its "
      "KPIs side by side with the recorded ones (exit 0; 1 with the reason on stderr)");
  replay->footer(
      "What-if: agents, presence, interactions and customers leaving are replayed as recorded; "
      "an offer to the agent it went to live gets the recorded answer, and a leg answered live "
      "its recorded handle time; the rest (answers, handle times, patience) is drawn from the "
      "recording. The recorded policy as candidate gives the recorded KPIs back exactly. "
      "docs/simulation.md, \"What-if replay\".");
  replay->add_option("--data-dir", replay_options.data_dir, "data directory")->required();
  CLI::Option* candidate =
      replay->add_option("--policy", replay_options.policy_file,
                         "candidate policy (YAML): replay the journal's arrivals against it");
  replay
      ->add_option("--seed", replay_options.seed,
                   "seed of the modelled agent answers, handle times and patience")
      ->capture_default_str()
      ->needs(candidate);
  replay
      ->add_option("--install-policy", replay_options.install_policy_file,
                   "install this policy after the replay, as a restart with it would")
      ->excludes(candidate);
  replay->add_flag("--json", replay_options.json, "print one JSON object");
  replay->add_flag("--truncate-corrupt", replay_options.truncate_corrupt,
                   "stop at damage in the middle of the journal instead of failing");

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

  sb::app::SimulateOptions simulate_options;
  CLI::App* simulate = app.add_subcommand(
      "simulate", "run a scenario against the routing core on a virtual clock; print its KPIs");
  // An unreadable scenario or policy is reported by run_simulate as FILE:1:1, exit status 1.
  simulate->add_option("SCENARIO", simulate_options.scenario_file, "scenario (YAML)")->required();
  simulate->add_option("--policy", simulate_options.policy_file,
                       "routing policy (YAML); default: one queue that takes everything");
  simulate->add_option("--seed", simulate_options.seed, "seed; default: the scenario's");
  simulate->add_flag("--json", simulate_options.json, "print one JSON object");
  simulate->add_option("--plot", simulate_options.plot_file,
                       "write an SVG of service level and waiting interactions over time");
  simulate
      ->add_option("--record", simulate_options.record_dir,
                   "also write the run's commands into this data directory as a journal, for "
                   "`switchboard replay` (needs --policy)")
      ->needs("--policy");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the problem (or the help); a usage error exits 2, as is conventional.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (simulate->parsed()) return sb::app::run_simulate(simulate_options, stdout, stderr);
  if (check->parsed()) return sb::app::run_check(policies, stdout, stderr);
  if (serve->parsed()) return sb::app::run_serve(serve_options, stdout);
  if (tail->parsed()) return sb::app::run_tail(tail_options, stdout, stderr);
  if (replay->parsed()) return sb::app::run_replay(replay_options, stdout, stderr);
  return 2;
}
