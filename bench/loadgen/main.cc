// loadgen: drives a running `switchboard serve` over the network and measures it — creates
// per second and submit-to-offer latency (modes http and ws), or the I/O ceiling (mode livez).
// Exit status: 0, 1 when the run could not be made, 3 when the event session ended early.
// Wiring only: options here, the run in load_run.cc, the output in report.cc.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>

#include "bench/loadgen/load_run.h"
#include "bench/loadgen/report.h"

int main(int argc, char** argv) {
  using sb::loadgen::Mode;
  sb::loadgen::LoadOptions o;
  CLI::App app{"loadgen: network load generator for switchboard serve"};
  app.add_option("--url", o.url, "server URL (http://HOST:PORT)")->capture_default_str();
  app.add_option("--token", o.token, "bearer token (platform)")->envname("SWITCHBOARD_TOKEN");
  const std::map<std::string, Mode> modes{
      {"http", Mode::Http}, {"ws", Mode::Ws}, {"livez", Mode::Livez}};
  app.add_option("--mode", o.mode, "http | ws | livez")
      ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case))
      ->capture_default_str();
  app.add_option("--connections", o.connections, "connections (ws: sessions) that send")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--rate", o.rate, "interactions (livez: requests) per second in total; 0: max")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--pipeline", o.pipeline,
                 "ws: interactions open (create to completion) per session")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--duration", o.duration_s, "measured seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--warmup", o.warmup_s, "seconds of load before measuring")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--drain", o.drain_s_max, "seconds to wait for open offers after the run")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--agents", o.agents, "agents to register and make available (0: none)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  app.add_option("--capacity", o.capacity, "chat capacity of each agent")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--customers", o.customers, "distinct customer ids")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  app.add_option("--threads", o.threads, "I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_flag("--ingest", o.ingest,
               "http, ws: creates only, counted when acknowledged (no offers; use --agents 0)");
  app.add_flag("--json", o.json, "end with one JSON line of the results");
  CLI11_PARSE(app, argc, argv);

  const sb::loadgen::RunOutcome outcome = sb::loadgen::run_load(o, stderr);
  if (!outcome.error.empty()) {
    std::fprintf(stderr, "loadgen: %s\n", outcome.error.c_str());
    return 1;
  }
  sb::loadgen::print_report(stdout, o, outcome.results);
  if (outcome.events_lost) {
    std::fprintf(stdout,
                 "  WARNING: the event session ended during the run (see the errors): "
                 "submit-to-offer figures are incomplete\n");
  }
  if (o.json) sb::loadgen::print_json_line(stdout, o, outcome.results);
  return outcome.events_lost ? 3 : 0;
}
