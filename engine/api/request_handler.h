// From a request to its answer, for HTTP and the stream alike: route, authenticate, authorize,
// rate-limit, decode (all on the I/O thread, so bad input never reaches the core), then submit
// the command or query to the runtime and encode what comes back. Shared by every I/O thread:
// it holds no per-request state, and what it reads after start-up (tokens, limits) is immutable.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include "engine/api/api_response.h"
#include "engine/api/auth.h"
#include "engine/api/health.h"
#include "engine/api/io_thread.h"
#include "engine/api/json_decode.h"
#include "engine/api/router.h"
#include "engine/api/server_limits.h"
#include "engine/metrics/metrics.h"
#include "engine/runtime/runtime.h"

namespace sb::api {

class PolicyAdmin;

struct HttpRequestView {
  std::string_view method;
  std::string_view target;
  std::string_view authorization;
  std::string_view content_type;
  std::string_view body;
  std::string_view request_id;  // the X-Request-Id header, "" when absent
};

class RequestHandler {
 public:
  RequestHandler(runtime::Runtime& runtime, const TokenTable& tokens, DecodeLimits decode_limits,
                 ServerLimits limits, Health& health, PolicyAdmin& policy,
                 metrics::Metrics& metrics);

  // Answers one HTTP request: `respond` is called exactly once, on `io`'s thread (perhaps before
  // handle returns). The answer carries X-Request-Id, and one log line ends the request
  // (engine/api/request_log.h).
  void handle(const HttpRequestView& request, IoThread& io, Respond respond);

  // The stream's upgrade request: the caller, or the refusal to answer with.
  std::variant<Principal, ApiResponse> authorize_stream(std::string_view target,
                                                        std::string_view authorization);

  // One stream message from `caller`. `reply` gets the JSON text to send back, exactly once, on
  // `io`'s thread; a valid subscription is handed to `subscribe` before the reply.
  void handle_stream_message(std::string_view text, const Principal& caller, IoThread& io,
                             std::function<void(std::string)> reply,
                             const std::function<void(Subscribe&&)>& subscribe);

  const ServerLimits& limits() const { return limits_; }
  Health& health() { return health_; }

  // The largest body a request may send, from its header alone: policy_bytes_max for a policy
  // upload or validation by an admin (anyone, with auth off), body_bytes_max for everything else,
  // so that a caller who may not upload a policy cannot make the server hold one.
  std::size_t body_limit(std::string_view method, std::string_view target,
                         std::string_view authorization) const;

 private:
  std::optional<ApiResponse> admit(const Principal& caller, Role needed);
  // Hands a request to the core thread, or answers 503 when it cannot take it.
  void submit(runtime::Request request, const Respond& respond);
  void submit_command(Command command, IoThread& io, Respond respond);
  void submit_query(runtime::Query query, std::string not_found, IoThread& io, Respond respond);
  void handle_policy(const RouteMatch& route, const HttpRequestView& request, IoThread& io,
                     Respond respond);
  void submit_metrics(Respond respond);
  ApiResponse health(bool ready_check) const;

  runtime::Runtime& runtime_;
  const TokenTable& tokens_;
  DecodeLimits decode_limits_;
  ServerLimits limits_;
  Health& health_;
  PolicyAdmin& policy_;
  metrics::Metrics& metrics_;
};

}  // namespace sb::api
