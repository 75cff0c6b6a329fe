// The route table: which endpoint a method and target name, the role it needs, and the ids the
// path carries (percent-decoded). Pure functions over strings; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/api/auth.h"

namespace sb::api {

enum class Endpoint {
  Livez,
  Readyz,
  Metrics,
  Stream,
  PutAgent,
  SetAgentState,
  ListAgents,
  GetAgent,
  CreateInteraction,
  GetInteraction,
  UpdateInteraction,
  CancelInteraction,
  TransferInteraction,
  CompleteInteraction,
  AcceptOffer,
  RejectOffer,
  ListQueues,
  GetQueue,
  GetJourney,
  GetPolicy,
  PutPolicy,
  ValidatePolicy,
  PolicyHistory,
};

struct RouteMatch {
  Endpoint endpoint = Endpoint::Livez;
  std::optional<Role> role;  // nullopt: open to anyone (health checks)
  std::string id;            // the path's {id} or {name}, percent-decoded
};

struct RouteMiss {
  bool path_known = false;  // the path exists with other methods: 405
  std::string allow;        // the methods it has, for the Allow header
  bool bad_path = false;    // malformed percent-encoding or an empty or oversized id
};

// The route labels of /metrics, by Endpoint value, then "unmatched" for requests that match
// no route.
const std::vector<std::string_view>& route_labels();

// Matches `method` and the path of `target` (the query string is ignored).
std::optional<RouteMatch> match_route(std::string_view method, std::string_view target,
                                      RouteMiss& miss, std::size_t max_id_length = 128);

// Decodes %XX escapes; nullopt when malformed or when it decodes to a NUL.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace sb::api
