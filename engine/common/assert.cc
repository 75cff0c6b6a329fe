#include "engine/common/assert.h"

#include <cstdio>
#include <cstdlib>

namespace sb::detail {

void check_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "switchboard: check failed: %s at %s:%d\n", expr, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace sb::detail
