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

}  // namespace sb::loadgen
