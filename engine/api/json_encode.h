// Replies, views, events and errors -> compact JSON text, in exactly the shapes of docs/api.md:
// every field always present (absent optional values are null), times in RFC 3339 UTC with
// microseconds, durations as seconds in fields named *_s, offer ids as decimal strings.
// Output is always valid JSON: bytes that are not UTF-8 become U+FFFD and non-finite numbers
// null. Pure functions of their arguments: safe from any thread (the I/O threads call them once
// per reply or event).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "engine/api/api_error.h"
#include "switchboard/command.h"
#include "switchboard/event.h"
#include "switchboard/time.h"
#include "switchboard/views.h"

namespace sb::api {

// {"error": {"code", "field" (null if none), "message"[, "details" if any]}}
std::string encode_error(const ApiError& error);

// {"id", "presence"}: the answer to agent commands.
std::string encode_agent_reply(std::string_view agent_id, const Reply& reply);
// {"id", "state", "queue" (null if none)}: the answer to interaction and offer commands; the id
// is reply.interaction_id.
std::string encode_interaction_reply(const Reply& reply);

// The stream's answers: {"op": "reply", "request_id", "status", "result"} with `result_json`
// (already encoded, e.g. by encode_interaction_reply) as the result, and
// {"op": "error", "request_id", "status", "error": {...}}. request_id is null when absent.
std::string encode_ws_reply(const std::optional<std::string>& request_id, int status,
                            std::string_view result_json);
std::string encode_ws_error(const std::optional<std::string>& request_id, const ApiError& error);

// GET /v1/agents/{id} and GET /v1/agents ({"agents": [...]}).
std::string encode_agent(const AgentView& agent);
std::string encode_agents(std::span<const AgentView> agents);
// GET /v1/interactions/{id}: the summary's fields, the routing fields, the explanation (null
// before the first decision) and estimated_wait_s, all at the top level.
std::string encode_interaction(const InteractionView& interaction);
// GET /v1/queues/{name} and GET /v1/queues ({"queues": [...]}).
std::string encode_queue(const QueueView& queue);
std::string encode_queues(std::span<const QueueView> queues);
// GET /v1/customers/{id}/journey: {"customer_id", "contacts": [...]}, newest first.
std::string encode_journey(std::string_view customer_id, std::span<const JourneyContact> contacts);

// An event as a structured-mode CloudEvent 1.0: specversion, id (decimal), source, type,
// time, datacontenttype, subject (the agent it concerns, else the queue, else the interaction;
// left out for policy.reloaded, which concerns none) and data as in docs/api.md.
std::string encode_cloud_event(const Event& event, std::uint64_t id, std::string_view source);

// What an event concerns, for matching it against subscriptions: the agent, the queue, and for
// a transfer the queue it left (other_queue). broadcast: every subscribed session gets it.
// The views point into the event.
struct EventScope {
  std::string_view agent;
  std::string_view queue;
  std::string_view other_queue;
  bool broadcast = false;
};
EventScope event_scope(const Event& event);

// RFC 3339 in UTC with microseconds, "2026-11-25T09:30:00.000000Z". Times before year 0 or
// after 9999 (which RFC 3339 cannot write) are clamped to those years' first and last instant.
std::string format_time(Timestamp time);

}  // namespace sb::api
