#include "engine/api/request_handler.h"

#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include <cctype>
#include <chrono>

#include "engine/api/json_encode.h"
#include "engine/api/policy_admin.h"
#include "engine/api/request_log.h"
#include "engine/api/router.h"

namespace sb::api {
namespace {

using namespace std::chrono_literals;

ApiError api_error(int status, std::string code, std::string message,
                   std::optional<std::string> field = std::nullopt) {
  return ApiError{status, std::move(code), std::move(field), std::move(message), {}};
}

// The media type without parameters, lower-case: "application/json; charset=utf-8" ->
// "application/json".
std::string media_type(std::string_view content_type) {
  std::string out(content_type.substr(0, content_type.find(';')));
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_json(std::string_view content_type) {
  const std::string type = media_type(content_type);
  return type == "application/json" ||
         (type.starts_with("application/") && type.ends_with("+json"));
}

bool is_yaml(std::string_view content_type) {
  const std::string type = media_type(content_type);
  return type == "application/yaml" || type == "application/x-yaml" || type == "text/yaml" ||
         type == "text/x-yaml" || type == "text/plain";
}

std::int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What a command's answer looks like: agent commands name the agent, the others the interaction.
struct CommandShape {
  bool agent = false;
  bool create = false;
  std::string agent_id;
};

CommandShape shape_of(const Command& command) {
  CommandShape shape;
  if (const auto* c = std::get_if<UpsertAgent>(&command)) {
    shape.agent = true;
    shape.agent_id = c->agent_id;
  } else if (const auto* c = std::get_if<SetAgentState>(&command)) {
    shape.agent = true;
    shape.agent_id = c->agent_id;
  } else {
    shape.create = std::holds_alternative<CreateInteraction>(command);
  }
  return shape;
}

ApiResponse command_response(const CommandShape& shape, const Result<Reply>& result) {
  if (!result.ok()) return error_response(from_core_error(result.error()));
  const Reply& reply = result.value();
  ApiResponse r;
  if (shape.agent) {
    r.body = encode_agent_reply(shape.agent_id, reply);
    return r;
  }
  r.status = shape.create ? 202 : 200;
  r.body = encode_interaction_reply(reply);
  if (reply.duplicate) r.headers.emplace_back("Idempotent-Replayed", "true");
  return r;
}

ApiResponse query_response(runtime::QueryResult&& result, const std::string& not_found,
                           const std::string& customer_id) {
  struct Encode {
    const std::string& not_found;
    const std::string& customer_id;
    ApiResponse operator()(const core::CoreCounts&) const {  // asked only by /metrics
      return error_response(api_error(500, "internal", "unexpected query result"));
    }
    ApiResponse operator()(std::monostate) const {
      return error_response(api_error(404, "not_found", not_found));
    }
    ApiResponse operator()(const AgentView& v) const { return json_response(200, encode_agent(v)); }
    ApiResponse operator()(const std::vector<AgentView>& v) const {
      return json_response(200, encode_agents(v));
    }
    ApiResponse operator()(const InteractionView& v) const {
      return json_response(200, encode_interaction(v));
    }
    ApiResponse operator()(const QueueView& v) const { return json_response(200, encode_queue(v)); }
    ApiResponse operator()(const std::vector<QueueView>& v) const {
      return json_response(200, encode_queues(v));
    }
    ApiResponse operator()(const std::vector<JourneyContact>& v) const {
      return json_response(200, encode_journey(customer_id, v));
    }
  };
  return std::visit(Encode{not_found, customer_id}, result);
}

template <typename T>
bool failed(Decoded<T>& decoded, Respond& respond) {
  if (auto* error = std::get_if<ApiError>(&decoded)) {
    respond(error_response(*error));
    return true;
  }
  return false;
}

// Wraps a decoded command so that the handlers below stay one line each.
template <typename T>
std::optional<Command> take(Decoded<T>&& decoded, Respond& respond) {
  if (failed(decoded, respond)) return std::nullopt;
  return Command{std::move(std::get<T>(decoded))};
}

// The stream's answer to one message: the HTTP answer, wrapped with the op and request id.
std::string stream_envelope(const std::optional<std::string>& request_id,
                            const ApiResponse& response) {
  if (response.error) return encode_ws_error(request_id, *response.error);
  return encode_ws_reply(request_id, static_cast<int>(response.status), response.body);
}

}  // namespace

RequestHandler::RequestHandler(runtime::Runtime& runtime, const TokenTable& tokens,
                               DecodeLimits decode_limits, ServerLimits limits, Health& health,
                               PolicyAdmin& policy, metrics::Metrics& metrics)
    : runtime_(runtime),
      tokens_(tokens),
      decode_limits_(decode_limits),
      limits_(limits),
      health_(health),
      policy_(policy),
      metrics_(metrics) {}

std::optional<ApiResponse> RequestHandler::admit(const Principal& caller, Role needed) {
  if (caller.role < needed) {
    return error_response(api_error(403, "forbidden",
                                    "the role '" + std::string(to_string(caller.role)) +
                                        "' may not do this; it needs '" +
                                        std::string(to_string(needed)) + "'"));
  }
  if (caller.limiter != nullptr) {
    if (auto wait = caller.limiter->admit(steady_us())) {
      const int seconds = static_cast<int>((wait->count() + 999'999) / 1'000'000);
      return error_response(
          api_error(429, "rate_limited", "too many requests for this token; retry later"), seconds);
    }
  }
  return std::nullopt;
}

ApiResponse RequestHandler::health(bool ready_check) const {
  const std::int64_t since_tick_us = runtime::system_now().us - runtime_.last_tick().us;
  const bool ticking = runtime_.running() && since_tick_us < 2'000'000;
  if (!ready_check) {
    if (ticking) return json_response(200, R"({"status":"ok"})");
    return json_response(503, R"({"status":"stalled"})");
  }
  boost::json::array reasons;
  if (!ticking) reasons.emplace_back("the routing core is not ticking");
  if (!runtime_.has_policy()) reasons.emplace_back("no routing policy is installed");
  if (!health_.journal_recovered.load()) reasons.emplace_back("the journal is not recovered");
  if (!runtime_.journal_writable()) reasons.emplace_back("the journal is not writable");
  if (!health_.listening.load()) reasons.emplace_back("the listeners are not up");
  if (health_.shutting_down.load()) reasons.emplace_back("shutting down");
  if (reasons.empty()) return json_response(200, R"({"status":"ready"})");
  return json_response(503, boost::json::serialize(boost::json::object{
                                {"status", "not_ready"}, {"reasons", std::move(reasons)}}));
}

void RequestHandler::handle(const HttpRequestView& request, IoThread& io, Respond respond) {
  const RequestIdScope request_id(request_id_from(request.request_id));
  RouteMiss miss;
  auto route = match_route(request.method, request.target, miss, decode_limits_.max_id_length);
  const std::size_t route_index =
      route ? static_cast<std::size_t>(route->endpoint) : route_labels().size() - 1;
  respond = with_request_log(request.method, request.target, std::move(respond), &metrics_.http(),
                             route_index);
  if (!route) {
    if (miss.bad_path) {
      return respond(error_response(api_error(400, "bad_request",
                                              "a malformed id in the path (1 to " +
                                                  std::to_string(decode_limits_.max_id_length) +
                                                  " bytes, percent-encoded)")));
    }
    if (miss.path_known) {
      ApiResponse r = error_response(api_error(
          405, "method_not_allowed", "use " + miss.allow + " on " + std::string(request.target)));
      r.headers.emplace_back("Allow", miss.allow);
      return respond(std::move(r));
    }
    return respond(
        error_response(api_error(404, "not_found", "no route " + std::string(request.target))));
  }
  if (route->endpoint == Endpoint::Livez) return respond(health(false));
  if (route->endpoint == Endpoint::Readyz) return respond(health(true));

  auto caller = tokens_.authenticate(request.authorization);
  if (!caller) {
    return respond(
        error_response(api_error(401, "unauthorized",
                                 request.authorization.empty() ? "send Authorization: Bearer TOKEN"
                                                               : "the token is not valid")));
  }
  if (auto refused = admit(*caller, *route->role)) return respond(std::move(*refused));
  if (health_.shutting_down.load()) {
    return respond(error_response(api_error(503, "shutting_down", "the server is stopping")));
  }

  const Endpoint endpoint = route->endpoint;
  const bool yaml_body = endpoint == Endpoint::PutPolicy || endpoint == Endpoint::ValidatePolicy;
  if (!request.body.empty() && !yaml_body && !is_json(request.content_type)) {
    return respond(error_response(
        api_error(415, "unsupported_media_type", "send Content-Type: application/json")));
  }
  const std::string& id = route->id;
  const std::string_view body = request.body;
  const DecodeLimits& limits = decode_limits_;
  std::optional<Command> command;
  switch (endpoint) {
    case Endpoint::PutAgent:
      command = take(decode_upsert_agent(id, body, limits), respond);
      break;
    case Endpoint::SetAgentState:
      command = take(decode_agent_state(id, body, limits), respond);
      break;
    case Endpoint::CreateInteraction:
      command = take(decode_create_interaction(body, limits), respond);
      break;
    case Endpoint::UpdateInteraction:
      command = take(decode_update_interaction(id, body, limits), respond);
      break;
    case Endpoint::CancelInteraction:
      command = take(decode_cancel(id, body, limits), respond);
      break;
    case Endpoint::TransferInteraction:
      command = take(decode_transfer(id, body, limits), respond);
      break;
    case Endpoint::CompleteInteraction:
      command = take(decode_complete(id, body, limits), respond);
      break;
    case Endpoint::AcceptOffer:
      command = take(decode_accept(id, body, limits), respond);
      break;
    case Endpoint::RejectOffer:
      command = take(decode_reject(id, body, limits), respond);
      break;
    case Endpoint::ListAgents:
      return submit_query(runtime::ListAgents{}, "", io, std::move(respond));
    case Endpoint::GetAgent:
      return submit_query(runtime::GetAgent{id}, "no agent '" + id + "'", io, std::move(respond));
    case Endpoint::GetInteraction:
      return submit_query(runtime::GetInteraction{id}, "no interaction '" + id + "'", io,
                          std::move(respond));
    case Endpoint::ListQueues:
      return submit_query(runtime::ListQueues{}, "", io, std::move(respond));
    case Endpoint::GetQueue:
      return submit_query(runtime::GetQueue{id}, "no queue '" + id + "'", io, std::move(respond));
    case Endpoint::GetJourney:
      return submit_query(runtime::GetJourney{id}, "", io, std::move(respond));
    case Endpoint::GetPolicy:
    case Endpoint::PutPolicy:
    case Endpoint::ValidatePolicy:
    case Endpoint::PolicyHistory:
      return handle_policy(*route, request, io, std::move(respond));
    case Endpoint::Stream:
      return respond(error_response(
          api_error(400, "bad_request", "GET /v1/stream is a WebSocket: send an upgrade")));
    case Endpoint::Metrics:
      return submit_metrics(std::move(respond));
    case Endpoint::Livez:
    case Endpoint::Readyz:
      break;
  }
  if (command) submit_command(std::move(*command), io, std::move(respond));
}

void RequestHandler::handle_policy(const RouteMatch& route, const HttpRequestView& request,
                                   IoThread& io, Respond respond) {
  // The admin thread answers; hop back to the session's thread to send.
  auto on_io = [&io, respond = std::move(respond)](ApiResponse r) mutable {
    boost::asio::post(io.context(), [respond = std::move(respond), r = std::move(r)]() mutable {
      respond(std::move(r));
    });
  };
  switch (route.endpoint) {
    case Endpoint::GetPolicy:
      return on_io(policy_.current());
    case Endpoint::PolicyHistory:
      return on_io(policy_.history());
    default:
      break;
  }
  if (!is_yaml(request.content_type)) {
    return on_io(error_response(api_error(415, "unsupported_media_type",
                                          "send the policy as Content-Type: application/yaml")));
  }
  if (route.endpoint == Endpoint::PutPolicy) {
    policy_.install(std::string(request.body), std::move(on_io));
  } else {
    policy_.validate(std::string(request.body), std::move(on_io));
  }
}

void RequestHandler::submit(runtime::Request request, const Respond& respond) {
  switch (runtime_.submit(std::move(request))) {
    case runtime::SubmitStatus::Accepted:
      return;
    case runtime::SubmitStatus::Overloaded:
      return respond(
          error_response(api_error(503, "overloaded", "the routing core is busy; retry shortly"),
                         limits_.retry_after_s));
    case runtime::SubmitStatus::Stopped:
      return respond(error_response(api_error(503, "shutting_down", "the server is stopping")));
  }
}

void RequestHandler::submit_command(Command command, IoThread& io, Respond respond) {
  runtime::Request request;
  CommandShape shape = shape_of(command);
  request.what = std::move(command);
  request.outbox = &io;
  request.done = [shape = std::move(shape), respond](runtime::Outcome&& outcome) {
    respond(command_response(shape, std::get<runtime::CommandOutcome>(outcome).result));
  };
  submit(std::move(request), respond);
}

void RequestHandler::submit_query(runtime::Query query, std::string not_found, IoThread& io,
                                  Respond respond) {
  std::string customer_id;
  if (const auto* journey = std::get_if<runtime::GetJourney>(&query)) {
    customer_id = journey->customer_id;
  }
  runtime::Request request;
  request.what = std::move(query);
  request.outbox = &io;
  request.done = [not_found = std::move(not_found), customer_id = std::move(customer_id),
                  respond](runtime::Outcome&& outcome) {
    respond(
        query_response(std::get<runtime::QueryResult>(std::move(outcome)), not_found, customer_id));
  };
  submit(std::move(request), respond);
}

void RequestHandler::submit_metrics(Respond respond) {
  // The core's figures are its last report: a scrape never waits for, nor slows, the core.
  metrics::Metrics::EngineFigures figures;
  figures.runtime = runtime_.stats();
  figures.core = runtime_.report();
  figures.connections = health_.connections.load(std::memory_order_relaxed);
  figures.stream_sessions = health_.streams->sessions.load(std::memory_order_relaxed);
  figures.slow_consumers = health_.streams->slow_consumers.load(std::memory_order_relaxed);
  const auto reloads = policy_.totals();
  figures.reloads = {reloads.accepted, reloads.refused};
  if (auto running = policy_.running()) {
    figures.policy_version = running->first;
    figures.policy_sha256 = running->second;
  }
  ApiResponse r = json_response(200, metrics_.render(figures));
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  respond(std::move(r));
}

std::size_t RequestHandler::body_limit(std::string_view method, std::string_view target,
                                       std::string_view authorization) const {
  // Every request passes here: settle the common case without matching the route.
  if (!target.starts_with("/v1/policy")) return limits_.body_bytes_max;
  RouteMiss miss;
  const auto route = match_route(method, target, miss, decode_limits_.max_id_length);
  const bool upload = route && (route->endpoint == Endpoint::PutPolicy ||
                                route->endpoint == Endpoint::ValidatePolicy);
  if (!upload) return limits_.body_bytes_max;
  if (!tokens_.enabled()) return limits_.policy_bytes_max;
  const auto caller = tokens_.authenticate(authorization);
  return caller && caller->role == Role::Admin ? limits_.policy_bytes_max : limits_.body_bytes_max;
}

std::variant<Principal, ApiResponse> RequestHandler::authorize_stream(
    std::string_view target, std::string_view authorization) {
  RouteMiss miss;
  auto route = match_route("GET", target, miss, decode_limits_.max_id_length);
  if (!route || route->endpoint != Endpoint::Stream) {
    return error_response(api_error(404, "not_found", "the stream is at /v1/stream"));
  }
  auto caller = tokens_.authenticate(authorization);
  if (!caller) {
    return error_response(api_error(401, "unauthorized", "send Authorization: Bearer TOKEN"));
  }
  if (auto refused = admit(*caller, Role::Observer)) return std::move(*refused);
  if (health_.shutting_down.load()) {
    return error_response(api_error(503, "shutting_down", "the server is stopping"));
  }
  return std::move(*caller);
}

void RequestHandler::handle_stream_message(std::string_view text, const Principal& caller,
                                           IoThread& io, std::function<void(std::string)> reply,
                                           const std::function<void(Subscribe&&)>& subscribe) {
  auto decoded = decode_ws_message(text, decode_limits_);
  if (auto* bad = std::get_if<WsDecodeError>(&decoded)) {
    return reply(encode_ws_error(bad->request_id, bad->error));
  }
  WsRequest& request = std::get<WsRequest>(decoded);
  const bool is_subscribe = std::holds_alternative<Subscribe>(request.body);
  if (auto refused = admit(caller, is_subscribe ? Role::Observer : Role::Platform)) {
    return reply(stream_envelope(request.request_id, *refused));
  }
  if (is_subscribe) {
    subscribe(std::move(std::get<Subscribe>(request.body)));
    return reply(stream_envelope(request.request_id, json_response(200, "{}")));
  }
  auto respond = [reply = std::move(reply), request_id = request.request_id](ApiResponse r) {
    reply(stream_envelope(request_id, r));
  };
  submit_command(std::move(std::get<Command>(request.body)), io, std::move(respond));
}

}  // namespace sb::api
