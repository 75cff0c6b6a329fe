// A response ready to send, independent of Beast: what the request handler and the policy admin
// produce and the HTTP and WebSocket sessions turn into bytes. Plain data.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/api/api_error.h"

namespace sb::api {

struct ApiResponse {
  unsigned status = 200;
  std::string body;  // JSON unless content_type says otherwise
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<ApiError> error;  // what the body says, for errors (the stream re-wraps it)
};

// Called exactly once with the answer, on the I/O thread that owns the session.
using Respond = std::function<void(ApiResponse)>;

inline ApiResponse json_response(unsigned status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// The error shape of docs/api.md, with the headers its status calls for.
ApiResponse error_response(const ApiError& error, int retry_after_s = 1);

}  // namespace sb::api
