// The set-up of a loadgen run: registers agents lg-0 … lg-(N-1) with chat capacity and makes
// them available (PUT /v1/agents/{id}, POST /v1/agents/{id}/state), with sb_client's blocking
// HTTP client. Runs on the calling thread before the load starts.
#pragma once

#include <cstdio>
#include <string>

#include "bench/loadgen/load_options.h"
#include "engine/client/endpoint.h"

namespace sb::loadgen {

// Returns "" on success, else what went wrong (the first failure).
std::string register_agents(const client::Endpoint& endpoint, const LoadOptions& options);

}  // namespace sb::loadgen
