#include "engine/api/router.h"

#include <array>

namespace sb::api {
namespace {

struct RouteSpec {
  std::string_view method;
  std::string_view pattern;  // "{}" is the one id segment
  Endpoint endpoint;
  std::optional<Role> role;
};

// Redis-style command table: the generic checks (route, method, role) run from here before any
// handler does.
constexpr std::array kRoutes = {
    RouteSpec{"GET", "/livez", Endpoint::Livez, std::nullopt},
    RouteSpec{"GET", "/readyz", Endpoint::Readyz, std::nullopt},
    RouteSpec{"GET", "/metrics", Endpoint::Metrics, Role::Observer},
    RouteSpec{"GET", "/v1/stream", Endpoint::Stream, Role::Observer},
    RouteSpec{"GET", "/v1/agents", Endpoint::ListAgents, Role::Observer},
    RouteSpec{"GET", "/v1/agents/{}", Endpoint::GetAgent, Role::Observer},
    RouteSpec{"PUT", "/v1/agents/{}", Endpoint::PutAgent, Role::Platform},
    RouteSpec{"POST", "/v1/agents/{}/state", Endpoint::SetAgentState, Role::Platform},
    RouteSpec{"POST", "/v1/interactions", Endpoint::CreateInteraction, Role::Platform},
    RouteSpec{"GET", "/v1/interactions/{}", Endpoint::GetInteraction, Role::Observer},
    RouteSpec{"PATCH", "/v1/interactions/{}", Endpoint::UpdateInteraction, Role::Platform},
    RouteSpec{"POST", "/v1/interactions/{}/cancel", Endpoint::CancelInteraction, Role::Platform},
    RouteSpec{"POST", "/v1/interactions/{}/transfer", Endpoint::TransferInteraction,
              Role::Platform},
    RouteSpec{"POST", "/v1/interactions/{}/complete", Endpoint::CompleteInteraction,
              Role::Platform},
    RouteSpec{"POST", "/v1/offers/{}/accept", Endpoint::AcceptOffer, Role::Platform},
    RouteSpec{"POST", "/v1/offers/{}/reject", Endpoint::RejectOffer, Role::Platform},
    RouteSpec{"GET", "/v1/queues", Endpoint::ListQueues, Role::Observer},
    RouteSpec{"GET", "/v1/queues/{}", Endpoint::GetQueue, Role::Observer},
    RouteSpec{"GET", "/v1/customers/{}/journey", Endpoint::GetJourney, Role::Observer},
    RouteSpec{"GET", "/v1/policy", Endpoint::GetPolicy, Role::Observer},
    RouteSpec{"PUT", "/v1/policy", Endpoint::PutPolicy, Role::Admin},
    RouteSpec{"POST", "/v1/policy/validate", Endpoint::ValidatePolicy, Role::Admin},
    RouteSpec{"GET", "/v1/policy/history", Endpoint::PolicyHistory, Role::Admin},
};

// Splits "/a/b/c" into {"a","b","c"}; a trailing slash is not a segment.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    const std::size_t end = path.find('/', pos);
    const std::size_t stop = end == std::string_view::npos ? path.size() : end;
    out.push_back(path.substr(pos, stop - pos));
    pos = stop;
  }
  return out;
}

enum class Fit { No, Yes, BadId };

Fit fits(const std::vector<std::string_view>& pattern, const std::vector<std::string_view>& path,
         std::string& id, std::size_t max_id_length) {
  if (pattern.size() != path.size()) return Fit::No;
  std::optional<std::string_view> raw_id;
  for (std::size_t k = 0; k < pattern.size(); ++k) {
    if (pattern[k] == "{}") {
      raw_id = path[k];
    } else if (pattern[k] != path[k]) {
      return Fit::No;
    }
  }
  id.clear();
  if (!raw_id) return Fit::Yes;
  auto decoded = percent_decode(*raw_id);
  if (!decoded || decoded->empty() || decoded->size() > max_id_length) return Fit::BadId;
  id = std::move(*decoded);
  return Fit::Yes;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t k = 0; k < text.size(); ++k) {
    if (text[k] != '%') {
      out.push_back(text[k]);
      continue;
    }
    if (k + 2 >= text.size()) return std::nullopt;
    const int hi = hex(text[k + 1]);
    const int lo = hex(text[k + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    k += 2;
  }
  return out;
}

const std::vector<std::string_view>& route_labels() {
  // In Endpoint order: the label names the route's method and path template.
  static const std::vector<std::string_view> labels{
      "GET /livez",
      "GET /readyz",
      "GET /metrics",
      "GET /v1/stream",
      "PUT /v1/agents/{id}",
      "POST /v1/agents/{id}/state",
      "GET /v1/agents",
      "GET /v1/agents/{id}",
      "POST /v1/interactions",
      "GET /v1/interactions/{id}",
      "PATCH /v1/interactions/{id}",
      "POST /v1/interactions/{id}/cancel",
      "POST /v1/interactions/{id}/transfer",
      "POST /v1/interactions/{id}/complete",
      "POST /v1/offers/{id}/accept",
      "POST /v1/offers/{id}/reject",
      "GET /v1/queues",
      "GET /v1/queues/{name}",
      "GET /v1/customers/{id}/journey",
      "GET /v1/policy",
      "PUT /v1/policy",
      "POST /v1/policy/validate",
      "GET /v1/policy/history",
      "unmatched",
  };
  return labels;
}

std::optional<RouteMatch> match_route(std::string_view method, std::string_view target,
                                      RouteMiss& miss, std::size_t max_id_length) {
  const std::string_view path = target.substr(0, target.find('?'));
  const auto parts = segments(path);
  miss = RouteMiss{};
  static const auto kPatterns = [] {
    std::vector<std::vector<std::string_view>> out;
    for (const RouteSpec& route : kRoutes) out.push_back(segments(route.pattern));
    return out;
  }();
  for (std::size_t r = 0; r < kRoutes.size(); ++r) {
    const RouteSpec& route = kRoutes[r];
    std::string id;
    const Fit fit = fits(kPatterns[r], parts, id, max_id_length);
    if (fit == Fit::No) continue;
    if (fit == Fit::BadId) {
      miss.bad_path = true;
      continue;
    }
    if (route.method == method) return RouteMatch{route.endpoint, route.role, std::move(id)};
    miss.path_known = true;
    if (!miss.allow.empty()) miss.allow += ", ";
    miss.allow += route.method;
  }
  return std::nullopt;
}

}  // namespace sb::api
