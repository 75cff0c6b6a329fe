// Request ids and the log line that ends each HTTP request. The id comes from the client's
// X-Request-Id when it is sane, else it is made here; it is echoed in the X-Request-Id response
// header and set as this thread's current request id while the request is handled and answered,
// so that every line logged meanwhile carries it (engine/app/logging.h puts it on each line).
// Thread contract: the current id and fields are per thread; any thread may call everything.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "engine/api/api_response.h"

namespace sb::metrics {
class HttpMetrics;
}

namespace sb::api {

inline constexpr std::size_t kRequestIdBytesMax = 128;

// `client` (an X-Request-Id header) if it is 1 to 128 characters of [A-Za-z0-9._:@/+=-];
// otherwise a new random id of 32 hex digits.
std::string request_id_from(std::string_view client);

// The request id of the request this thread is handling; empty outside of one.
std::string_view current_request_id();

// Makes `id` this thread's current request id until the scope ends (then the previous one).
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  std::string id_;
  std::string previous_;
};

// A structured field of the line being logged on this thread (JSON lines carry them all).
struct LogField {
  std::string_view key;
  std::string value;
  bool number = false;  // written without quotes in JSON
};
std::span<const LogField> current_log_fields();

// Wraps `respond` so that the answer carries X-Request-Id (this thread's current request id,
// which must be set) and ends with one log line: method, target, status, duration, and for an
// error its code and message. Successes log at debug, client errors at info, server errors at
// warning. With `http`, the same wrapper counts the request for /metrics under `route` (one
// clock read and one wrapper per request for both).
Respond with_request_log(std::string_view method, std::string_view target, Respond respond,
                         metrics::HttpMetrics* http = nullptr, std::size_t route = 0);

}  // namespace sb::api
