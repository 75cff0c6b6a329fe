// HttpClient: a small blocking HTTP/1.1 client over one keep-alive connection (plain or TLS), for
// tools and tests — not for high load. It reconnects when the server has closed the connection.
// Not thread-safe: one thread uses an instance at a time.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/client/client_error.h"
#include "engine/client/endpoint.h"
#include "engine/client/http_response.h"

namespace sb::client {

class HttpClient {
 public:
  explicit HttpClient(Endpoint e);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and returns the response, whatever its status. The Authorization header
  // carries the endpoint's token; Content-Type is sent with a non-empty body; `extra_headers`
  // are set last (they replace headers of the same name). A kept-alive connection the server
  // has closed meanwhile is re-opened and the request sent once more. Throws ClientError on a
  // network failure or when no response arrives within `timeout`.
  HttpResponse request(std::string_view method, std::string_view target, std::string_view body = {},
                       std::string_view content_type = "application/json",
                       std::vector<std::pair<std::string, std::string>> extra_headers = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // For tests of malformed requests: writes `raw` as is (on the current connection, opened if
  // needed) and reads one response. nullopt when the server closed the connection without one.
  // Throws ClientError when the connection cannot be opened or nothing happens within `timeout`.
  std::optional<HttpResponse> raw(std::string_view raw, std::chrono::milliseconds timeout);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::client
