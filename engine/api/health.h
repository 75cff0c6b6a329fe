// What /livez and /readyz report, gathered from the runtime and the server. Atomics: written by
// the server's control thread, read by any I/O thread.
#pragma once

#include <atomic>

namespace sb::api {

struct Health {
  std::atomic<bool> listening{false};
  std::atomic<bool> journal_recovered{true};  // until there is a journal to recover
  std::atomic<bool> shutting_down{false};
};

}  // namespace sb::api
