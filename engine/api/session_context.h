// What every session of the server shares: the request handler, the limits, the count of open
// connections. Owned by the Server; sessions hold a reference and one ConnectionSlot each.
#pragma once

#include <atomic>
#include <cstddef>

#include "engine/api/request_handler.h"
#include "engine/api/server_limits.h"

namespace sb::api {

struct SessionContext {
  RequestHandler& handler;
  const ServerLimits& limits;
  std::atomic<std::size_t>& connections;
};

// One open connection, counted for the connection cap for as long as it lives.
class ConnectionSlot {
 public:
  explicit ConnectionSlot(std::atomic<std::size_t>& counter) : counter_(&counter) {}
  ConnectionSlot(ConnectionSlot&& other) noexcept : counter_(other.counter_) {
    other.counter_ = nullptr;
  }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ~ConnectionSlot() {
    if (counter_ != nullptr) counter_->fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  std::atomic<std::size_t>* counter_;
};

}  // namespace sb::api
