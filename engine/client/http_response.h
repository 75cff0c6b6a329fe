// HttpResponse: one HTTP response as sb_client hands it back. A plain value; any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::client {

struct HttpResponse {
  unsigned status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // in the order received

  // The first header with this name (case-insensitive), "" when absent.
  std::string header(std::string_view name) const;
};

}  // namespace sb::client
