// `switchboard tail`: subscribes to the event stream (/v1/stream) of a running server and prints
// each event on one line — a short human line, or with --json the CloudEvent as received. Runs
// on the calling thread until SIGINT/SIGTERM or the server closes the stream.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace sb::app {

struct TailOptions {
  std::string url = "ws://127.0.0.1:8080";  // a path in the URL replaces /v1/stream
  std::string token;                        // bearer token (observer or above); may be empty
  // What to subscribe to; "*" means all. When both are empty, both are "*"; when only one is
  // given, the other stays empty (a session gets the events of the agents OR the queues listed).
  std::vector<std::string> agents;
  std::vector<std::string> queues;
  std::string ca_file;  // wss: verify the server against this CA file; empty: no verification
  bool json = false;
};

// Returns the exit code: 0 after SIGINT/SIGTERM or a normal close by the server (1000, 1001);
// 1 when the URL is bad, the connection or the subscription fails, or the stream ends
// otherwise — with a message on `err`.
int run_tail(const TailOptions& options, std::FILE* out, std::FILE* err);

}  // namespace sb::app
