#include "bench/loadgen/load_options.h"

namespace sb::loadgen {

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::Http:
      return "http";
    case Mode::Ws:
      return "ws";
    case Mode::Livez:
      return "livez";
  }
  return "?";
}

std::string run_name(const LoadOptions& options) {
  std::string name = mode_name(options.mode);
  if (options.ingest && options.mode != Mode::Livez) name += "-ingest";
  return name;
}

}  // namespace sb::loadgen
