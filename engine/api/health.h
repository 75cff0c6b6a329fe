// What /livez and /readyz report, gathered from the runtime and the server. Atomics: written by
// the server's control thread, read by any I/O thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace sb::api {

struct Health {
  std::atomic<bool> listening{false};
  std::atomic<bool> journal_recovered{true};  // until there is a journal to recover
  std::atomic<bool> shutting_down{false};
  std::atomic<std::size_t> connections{0};  // open connections, counted by the server
  // Shared with the stream sessions, which may outlive this at shutdown.
  struct StreamCounters {
    std::atomic<std::size_t> sessions{0};
    std::atomic<std::uint64_t> slow_consumers{0};  // closed for falling behind
  };
  std::shared_ptr<StreamCounters> streams = std::make_shared<StreamCounters>();
};

}  // namespace sb::api
