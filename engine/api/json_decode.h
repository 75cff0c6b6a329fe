// JSON text -> commands: the request bodies of docs/api.md and the messages of its WebSocket
// stream, strictly validated. Unknown fields, wrong types, values out of range, duplicate keys,
// invalid UTF-8, numbers that do not fit and nesting past the limit are all refused with an
// ApiError that names the dotted path of the field. Nothing throws out of these functions.
// Pure functions of their arguments: safe from any thread (the I/O threads call them).
//
// The decoders check what can be checked without routing state (types, ranges, lengths, counts);
// the core still checks names against the policy and the state of what a command refers to.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/api/api_error.h"
#include "switchboard/command.h"

namespace sb::api {

// docs/api.md, "Limits"; the server takes them from `limits:` in config/switchboard.yaml.
struct DecodeLimits {
  std::size_t max_depth = 8;  // JSON nesting; the top-level object is level 1
  std::size_t max_id_length = 128;
  std::size_t max_string_length = 256;  // names, reasons, outcomes, attribute strings
  std::size_t max_attributes = 64;
  std::size_t max_skills = 128;
  std::size_t max_languages = 32;
  std::size_t max_channels = 64;         // the core's bound on channels
  std::size_t max_subscriptions = 1024;  // names in each list of a subscription
};

// Either the decoded value or the error to answer with.
template <class T>
using Decoded = std::variant<T, ApiError>;

// HTTP bodies. Ids that come from the path (already percent-decoded) are checked too: an empty
// or over-long one is 400 bad_request. A body is required unless said otherwise; an empty (or
// blank) required body is 400 malformed_json, and a body that is valid JSON but not an object
// is 400 invalid_field with no field.
Decoded<UpsertAgent> decode_upsert_agent(std::string_view agent_id, std::string_view body,
                                         const DecodeLimits& limits);
Decoded<SetAgentState> decode_agent_state(std::string_view agent_id, std::string_view body,
                                          const DecodeLimits& limits);
Decoded<CreateInteraction> decode_create_interaction(std::string_view body,
                                                     const DecodeLimits& limits);
Decoded<UpdateInteraction> decode_update_interaction(std::string_view interaction_id,
                                                     std::string_view body,
                                                     const DecodeLimits& limits);
// The body may be empty.
Decoded<CancelInteraction> decode_cancel(std::string_view interaction_id, std::string_view body,
                                         const DecodeLimits& limits);
// `{}` transfers out of the routing domain; an empty body is refused, so that is never an
// accident.
Decoded<TransferInteraction> decode_transfer(std::string_view interaction_id, std::string_view body,
                                             const DecodeLimits& limits);
// The body may be empty (outcome "resolved").
Decoded<CompleteInteraction> decode_complete(std::string_view interaction_id, std::string_view body,
                                             const DecodeLimits& limits);
// offer_id is the path's: decimal digits, above zero, fitting 64 bits (else 400 bad_request).
// The body may be empty; accept takes no fields, reject an optional reason.
Decoded<AcceptOffer> decode_accept(std::string_view offer_id, std::string_view body,
                                   const DecodeLimits& limits);
Decoded<RejectOffer> decode_reject(std::string_view offer_id, std::string_view body,
                                   const DecodeLimits& limits);

// The stream. A subscription lists agent ids and queue names; "*" means all of them.
struct Subscribe {
  std::vector<std::string> agents;
  std::vector<std::string> queues;
};

// One client message: its op ("subscribe", "agent.upsert", ... as in docs/api.md), the
// request_id to echo, and what it asks.
struct WsRequest {
  std::string op;
  std::optional<std::string> request_id;
  std::variant<Subscribe, Command> body;
};

// A refused message, with its request_id when that could be read, so the answer can echo it.
struct WsDecodeError {
  ApiError error;
  std::optional<std::string> request_id;
};

std::variant<WsRequest, WsDecodeError> decode_ws_message(std::string_view text,
                                                         const DecodeLimits& limits);

}  // namespace sb::api
