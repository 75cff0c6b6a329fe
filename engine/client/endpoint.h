// Endpoint: where a client connects (host, port, TLS, bearer token) and the parsing of the URLs
// that tools take on their command lines. Plain values and pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sb::client {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string token;    // sent as `Authorization: Bearer TOKEN` when not empty
  bool tls = false;     // https:// or wss://
  std::string ca_file;  // with tls: verify the server against this CA file; empty: no verification
};

// Parses http://HOST[:PORT][/PATH], https://…, ws://… and wss://… (HOST may be a name, an IPv4
// address or a bracketed IPv6 address). The port defaults to 80 (http, ws) or 443 (https, wss).
// On success `error` is cleared; on failure it says what is wrong and the result is unspecified.
// The path is not part of the endpoint: see url_target().
Endpoint parse_url(std::string_view url, std::string& error);

// The path (and query) of a URL as parse_url() accepts it, "" when it has none.
std::string url_target(std::string_view url);

}  // namespace sb::client
