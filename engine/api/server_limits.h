// The bounds the network front enforces (docs/api.md, "Limits"; `limits:` in the server config).
// Beast's own defaults (8 MB bodies, 16 MB WebSocket messages) are far too large for this API.
#pragma once

#include <chrono>
#include <cstddef>

namespace sb::api {

struct ServerLimits {
  std::size_t body_bytes_max = 64 * 1024;
  std::size_t policy_bytes_max = 1024 * 1024;  // PUT /v1/policy and validate carry YAML
  std::size_t header_bytes_max = 8 * 1024;
  std::size_t ws_message_bytes_max = 64 * 1024;
  std::size_t ws_queue_messages_max = 4096;  // per session; more: closed as a slow consumer
  std::size_t connections_max = 10'000;
  std::chrono::milliseconds request_timeout{10'000};  // from the first byte to the whole request
  std::chrono::milliseconds idle_timeout{60'000};     // keep-alive with nothing to read
  std::chrono::milliseconds write_timeout{10'000};
  int retry_after_s = 1;
};

}  // namespace sb::api
