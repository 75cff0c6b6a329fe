// parse_url and url_target: the URL forms the tools accept, their defaults and their errors.
#include "engine/client/endpoint.h"

#include <doctest/doctest.h>

namespace sb::client {
namespace {

TEST_CASE("parse_url takes host and port of http, https, ws and wss URLs") {
  std::string error;
  Endpoint e = parse_url("http://127.0.0.1:8080", error);
  CHECK(error.empty());
  CHECK(e.host == "127.0.0.1");
  CHECK(e.port == 8080);
  CHECK_FALSE(e.tls);

  e = parse_url("wss://switchboard.example.com/v1/stream", error);
  CHECK(error.empty());
  CHECK(e.host == "switchboard.example.com");
  CHECK(e.port == 443);
  CHECK(e.tls);

  e = parse_url("ws://localhost:9000/v1/stream?x=1", error);
  CHECK(error.empty());
  CHECK(e.host == "localhost");
  CHECK(e.port == 9000);

  e = parse_url("https://[::1]:8443", error);
  CHECK(error.empty());
  CHECK(e.host == "::1");
  CHECK(e.port == 8443);
  CHECK(e.tls);

  e = parse_url("http://h", error);
  CHECK(error.empty());
  CHECK(e.port == 80);
}

TEST_CASE("parse_url refuses what it cannot connect to") {
  std::string error;
  for (const char* bad :
       {"127.0.0.1:8080", "ftp://h", "http://", "http://:80", "http://h:", "http://h:0",
        "http://h:65536", "http://h:8o", "http://[::1", "http://[::1]x", "http://user@h:80"}) {
    CAPTURE(bad);
    parse_url(bad, error);
    CHECK_FALSE(error.empty());
  }
}

TEST_CASE("url_target is the path and query, empty without one") {
  CHECK(url_target("ws://h:1/v1/stream") == "/v1/stream");
  CHECK(url_target("ws://h:1/v1/stream?a=b#frag") == "/v1/stream?a=b");
  CHECK(url_target("ws://h:1?a=b") == "/?a=b");
  CHECK(url_target("ws://h:1") == "");
  CHECK(url_target("nonsense") == "");
}

}  // namespace
}  // namespace sb::client
