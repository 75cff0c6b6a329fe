// `switchboard serve`: load the server config and the routing policy, start the core thread,
// the I/O threads and the listener, then wait for signals on the main thread: SIGHUP reloads the
// policy file (as does a change of the file, when watched), SIGINT and SIGTERM shut down
// gracefully (stop accepting, answer what was accepted, close sessions, exit 0). Before the core
// thread starts, the state is recovered from the journal in the data directory; /readyz says
// "not ready" until then.
#pragma once

#include <cstdio>
#include <string>

namespace sb::app {

struct ServeOptions {
  std::string config_file = "config/switchboard.yaml";
  std::string policy_file = "config/routing.yaml";
  std::string listen;     // empty: the config's
  std::string data_dir;   // empty: the config's
  std::string log_level;  // empty: the config's (log.level)
  // Recovery: cut the journal at damage in the middle instead of refusing to start.
  bool truncate_corrupt = false;
};

// Returns the process exit code; prints `listening on HOST:PORT` on `out` once ready.
int run_serve(const ServeOptions& options, std::FILE* out);

}  // namespace sb::app
