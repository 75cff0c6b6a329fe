#include "bench/loadgen/agent_setup.h"

#include "bench/loadgen/text.h"
#include "engine/client/http_client.h"

namespace sb::loadgen {

std::string register_agents(const client::Endpoint& endpoint, const LoadOptions& options) {
  try {
    client::HttpClient http(endpoint);
    const std::string profile =
        cat({R"({"channels":{"chat":)", std::to_string(options.capacity), "}}"});
    for (int i = 0; i < options.agents; ++i) {
      const std::string path = cat({"/v1/agents/lg-", std::to_string(i)});
      client::HttpResponse r = http.request("PUT", path, profile);
      if (r.status != 200) return cat({"PUT ", path, ": ", std::to_string(r.status), " ", r.body});
      r = http.request("POST", cat({path, "/state"}), R"({"state":"available"})");
      if (r.status != 200)
        return cat({"POST ", path, "/state: ", std::to_string(r.status), " ", r.body});
    }
  } catch (const client::ClientError& e) {
    return e.what();
  }
  return {};
}

}  // namespace sb::loadgen
