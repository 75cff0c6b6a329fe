// The one error shape of the network front: an HTTP status, a machine-readable code, the dotted
// path of the offending field (or none), a message for humans and, for policies, the list of
// FILE:LINE:COLUMN problems. docs/api.md, "Errors", is the contract. Plain data, safe from any
// thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "switchboard/result.h"

namespace sb::api {

struct ApiError {
  int status = 400;
  std::string code;                  // "invalid_field", "not_found", ...
  std::optional<std::string> field;  // "attributes.language", "languages[2]"; none: the request
  std::string message;
  std::vector<std::string> details;  // only for invalid_policy
};

// The status and code of a core error (docs/api.md's table): invalid_field and limit_exceeded
// are 400, not_found 404, conflict, invalid_state and capacity_below_load 409, unknown_skill,
// unknown_channel, unknown_queue and no_queue 422, no_policy and journal_unavailable 503. An empty
// field becomes none.
ApiError from_core_error(const sb::Error& error);

}  // namespace sb::api
