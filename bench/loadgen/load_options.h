// The settings of one loadgen run, as the command line gives them. A plain value.
#pragma once

#include <cstdint>
#include <string>

namespace sb::loadgen {

enum class Mode { Http, Ws, Livez };

struct LoadOptions {
  std::string url = "http://127.0.0.1:8080";
  std::string token;
  Mode mode = Mode::Http;
  int connections = 4;
  double rate = 0;   // interactions (or requests) per second in total; 0: as fast as possible
  int pipeline = 8;  // ws: interactions open (create to completion) per session
  double duration_s = 10;
  double warmup_s = 2;
  double drain_s_max = 5;  // after the run: how long to wait for outstanding offers
  int agents = 100;        // registered and made available before the run; 0: none
  int capacity = 10;       // chat slots of each agent
  int customers = 1000;    // interactions cycle through this many customer ids
  int threads = 1;
  // http and ws: only creates, counted when acknowledged (no offer handler, no lifecycle); the
  // latency is then submit-to-acknowledgement. The "ingest".
  bool ingest = false;
  bool json = false;
};

const char* mode_name(Mode mode);
// The mode as reports name it: "ws-ingest" for ws with --ingest.
std::string run_name(const LoadOptions& options);

}  // namespace sb::loadgen
