// End to end, on the real binary: every error class of docs/api.md's table — bad JSON, bad
// fields, limits, bad paths, unknown routes and names, wrong methods and media types, conflicts,
// oversize bodies and headers, slow and half-sent requests, garbage on the wire — answered with
// its status, code and field, changing nothing, and leaving the server serving others. Then the
// stream's errors (oversize messages, binary frames, slow consumers) and overload (503 with
// Retry-After, and a refused create never happened).
#include <doctest/doctest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>
#include <csignal>
#include <mutex>
#include <set>
#include <thread>

#include "tests/e2e/api_helpers.h"

namespace sb::e2e {
namespace {

using namespace std::chrono_literals;

// A create body around `fields` (which starts with a comma, or is empty).
std::string create_body(const std::string& id, const std::string& fields = "") {
  return R"({"id":")" + id + R"(","channel":"chat","customer_id":"c-)" + id + "\"" + fields + "}";
}

// n attributes, each a string of `length` characters.
std::string attributes(int n, std::size_t length) {
  std::string out = R"(,"attributes":{)";
  for (int k = 0; k < n; ++k) {
    if (k > 0) out += ",";
    out += "\"k" + std::to_string(k) + "\":\"" + std::string(length, 'v') + "\"";
  }
  return out + "}";
}

// Queue `name`'s count of interactions that ever entered it.
int entered(client::HttpClient& http, const std::string& name) {
  auto r = http.request("GET", "/v1/queues/" + name);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return static_cast<int>(number_at(parse_object(r.body), "entered"));
}

int entered_everywhere(client::HttpClient& http) {
  int total = 0;
  for (const char* q : {"billing", "tech", "general"}) total += entered(http, q);
  return total;
}

TEST_CASE("bad request bodies: each error code with its field, and nothing changes") {
  ServerProcess server(e2e_spec());
  client::HttpClient http(server.endpoint());

  struct Case {
    const char* what;
    std::string id;
    std::string body;
    const char* code;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"truncated JSON", "b1", R"({"id":"b1","channel":"chat")", "malformed_json", nullptr},
      {"not JSON", "b2", "id=b2&channel=chat", "malformed_json", nullptr},
      {"an empty body", "b3", "", "malformed_json", nullptr},
      {"nesting over 8 levels", "b4", create_body("b4", R"(,"attributes":{"a":[[[[[[[[1]]]]]]]]})"),
       "malformed_json", nullptr},
      {"invalid UTF-8", "b5", create_body("b5", ",\"attributes\":{\"a\":\"\xC3\x28\"}"),
       "malformed_json", nullptr},
      {"1e400", "b6", create_body("b6", R"(,"sentiment":1e400)"), "malformed_json", "sentiment"},
      {"an integer over 64 bits", "b7", create_body("b7", R"(,"priority":99999999999999999999999)"),
       "malformed_json", "priority"},
      {"a string for a number", "b8", create_body("b8", R"(,"sentiment":"high")"), "invalid_field",
       "sentiment"},
      {"a number for a string", "b9", R"({"id":"b9","channel":5,"customer_id":"c"})",
       "invalid_field", "channel"},
      {"an object as an attribute", "b10", create_body("b10", R"(,"attributes":{"a":{"b":1}})"),
       "invalid_field", "attributes.a"},
      {"sentiment out of range", "b11", create_body("b11", R"(,"sentiment":2)"), "invalid_field",
       "sentiment"},
      {"not an object", "b12", R"(["b12"])", "invalid_field", nullptr},
      {"an unknown field", "b13", create_body("b13", R"(,"colour":"red")"), "unknown_field",
       "colour"},
      {"a missing field", "b14", R"({"id":"b14","channel":"chat"})", "missing_field",
       "customer_id"},
      {"a duplicate key", "b15", R"({"id":"b15","channel":"chat","customer_id":"c","id":"b15"})",
       "invalid_field", "id"},
      {"65 attributes", "b16", create_body("b16", attributes(65, 4)), "limit_exceeded",
       "attributes"},
      {"a 300-character attribute", "b17", create_body("b17", attributes(1, 300)), "limit_exceeded",
       "attributes.k0"},
      {"a 300-character customer id", "b18",
       R"({"id":"b18","channel":"chat","customer_id":")" + std::string(300, 'c') + "\"}",
       "limit_exceeded", "customer_id"},
  };
  for (const Case& c : cases) {
    auto r = http.request("POST", "/v1/interactions", c.body);
    expect_error(r, 400, c.code, c.field, c.what);
  }
  // Nothing was created, and the server still serves.
  for (const Case& c : cases) {
    auto r = http.request("GET", "/v1/interactions/" + c.id);
    CHECK_MESSAGE(r.status == 404, c.what);
  }
  CHECK(entered_everywhere(http) == 0);
  CHECK(serves(server));

  // The same rules hold on agents: nothing is created.
  expect_error(http.request("PUT", "/v1/agents/a1", R"({"skills":{"billing":"high"}})"), 400,
               "invalid_field", "skills.billing", "a string proficiency");
  expect_error(http.request("PUT", "/v1/agents/a1", R"({"skils":{"billing":5}})"), 400,
               "unknown_field", "skils", "a misspelt field");
  expect_error(http.request("POST", "/v1/agents/a1/state", R"({"reason":"lunch"})"), 400,
               "missing_field", "state", "a state without a state");
  expect_error(http.request("PUT", "/v1/agents/a1", R"({"skills":{"billing":11}})"), 400,
               "invalid_field", "skills.billing", "proficiency over 10");
  CHECK(http.request("GET", "/v1/agents/a1").status == 404);
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

TEST_CASE("paths, routes, methods and media types") {
  ServerProcess server(e2e_spec());
  client::HttpClient http(server.endpoint());

  expect_error(http.request("GET", "/v1/interactions/a%zz"), 400, "bad_request", nullptr,
               "bad percent-encoding");
  expect_error(http.request("GET", "/v1/interactions/a%2"), 400, "bad_request", nullptr,
               "a truncated escape");
  expect_error(http.request("GET", "/v1/interactions/a%00b"), 400, "bad_request", nullptr,
               "an encoded NUL");
  expect_error(http.request("GET", "/v1/agents/" + std::string(129, 'x')), 400, "bad_request",
               nullptr, "a 129-byte id");
  expect_error(http.request("POST", "/v1/offers/abc/accept"), 400, "bad_request", kAnyField,
               "an offer id that is not a number");
  // A well-encoded id is decoded.
  CHECK(http.request("PUT", "/v1/agents/ann%20lee", "{}").status == 200);
  CHECK(string_at(parse_object(http.request("GET", "/v1/agents/ann%20lee").body), "id") ==
        "ann lee");

  expect_error(http.request("GET", "/v1/nothing"), 404, "not_found", nullptr, "no route");
  expect_error(http.request("GET", "/"), 404, "not_found", nullptr, "the root");
  expect_error(http.request("GET", "/v1/agents/ghost"), 404, "not_found", nullptr, "no agent");
  expect_error(http.request("GET", "/v1/interactions/ghost"), 404, "not_found", nullptr,
               "no interaction");
  expect_error(http.request("GET", "/v1/queues/ghost"), 404, "not_found", nullptr, "no queue");
  expect_error(http.request("POST", "/v1/offers/12345/accept"), 404, "not_found", "offer_id",
               "no offer");
  expect_error(http.request("POST", "/v1/interactions/ghost/cancel"), 404, "not_found", kAnyField,
               "cancelling nothing");

  auto r = http.request("DELETE", "/v1/interactions/x");
  expect_error(r, 405, "method_not_allowed", nullptr, "DELETE an interaction");
  CHECK(r.header("Allow").find("GET") != std::string::npos);
  CHECK(r.header("Allow").find("PATCH") != std::string::npos);
  r = http.request("POST", "/v1/queues", "{}");
  expect_error(r, 405, "method_not_allowed", nullptr, "POST a queue");
  CHECK(r.header("Allow") == "GET");

  const std::string body = create_body("m1", R"(,"attributes":{"intent":"billing"})");
  expect_error(http.request("POST", "/v1/interactions", body, "text/plain"), 415,
               "unsupported_media_type", nullptr, "text/plain");
  expect_error(http.request("POST", "/v1/interactions", body, "application/x-www-form-urlencoded"),
               415, "unsupported_media_type", nullptr, "a form");
  CHECK(http.request("GET", "/v1/interactions/m1").status == 404);
  // A charset parameter is fine.
  CHECK(http.request("POST", "/v1/interactions", body, "application/json; charset=utf-8").status ==
        202);
  CHECK(entered(http, "billing") == 1);
  CHECK(serves(server));
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

TEST_CASE("conflicts and names the policy does not declare") {
  ServerProcess server(e2e_spec());
  client::HttpClient http(server.endpoint());

  // 409 conflict: the same id with another body.
  REQUIRE(http.request("POST", "/v1/interactions", create_body("c1")).status == 202);
  expect_error(http.request("POST", "/v1/interactions", create_body("c1", R"(,"priority":5)")), 409,
               "conflict", kAnyField, "a reused id");
  CHECK(number_at(parse_object(http.request("GET", "/v1/interactions/c1").body), "priority") == 0);

  // 409 invalid_state: completing an interaction nobody has.
  expect_error(http.request("POST", "/v1/interactions/c1/complete"), 409, "invalid_state",
               kAnyField, "completing a waiting interaction");
  CHECK(string_at(parse_object(http.request("GET", "/v1/interactions/c1").body), "state") ==
        "queued");

  // 409 capacity_below_load: an agent holding a chat may not drop its chat capacity to 0.
  REQUIRE(http.request("PUT", "/v1/agents/cap", R"({"channels":{"chat":3}})").status == 200);
  REQUIRE(http.request("POST", "/v1/agents/cap/state", R"({"state":"available"})").status == 200);
  auto view = parse_object(http.request("GET", "/v1/interactions/c1").body);
  REQUIRE(string_at(view, "state") == "offered");
  auto accepted = http.request("POST", "/v1/offers/" + string_at(view, "offer_id") + "/accept");
  REQUIRE_MESSAGE(accepted.status == 200, accepted.body);
  expect_error(http.request("PUT", "/v1/agents/cap", R"({"channels":{"chat":0}})"), 409,
               "capacity_below_load", "channels.chat", "capacity under the load");
  auto agent = parse_object(http.request("GET", "/v1/agents/cap").body);
  CHECK(agent.at("channels").at("chat").at("capacity").to_number<int>() == 3);
  CHECK(agent.at("channels").at("chat").at("load").to_number<int>() == 1);

  // 422: names the policy does not declare.
  expect_error(http.request("PUT", "/v1/agents/typo", R"({"skills":{"biling":5}})"), 422,
               "unknown_skill", "skills.biling", "an unknown skill");
  CHECK(http.request("GET", "/v1/agents/typo").status == 404);
  expect_error(http.request("PUT", "/v1/agents/typo", R"({"channels":{"fax":1}})"), 422,
               "unknown_channel", "channels.fax", "an unknown channel on an agent");
  expect_error(
      http.request("POST", "/v1/interactions", R"({"id":"f1","channel":"fax","customer_id":"c"})"),
      422, "unknown_channel", "channel", "an unknown channel");
  CHECK(http.request("GET", "/v1/interactions/f1").status == 404);
  expect_error(http.request("POST", "/v1/interactions/c1/transfer", R"({"queue":"nowhere"})"), 422,
               "unknown_queue", kAnyField, "a transfer to an unknown queue");
  CHECK(string_at(parse_object(http.request("GET", "/v1/interactions/c1").body), "queue") ==
        "general");
  CHECK(entered_everywhere(http) == 1);
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

TEST_CASE("no queue takes the interaction: 422 no_queue") {
  // The e2e policy without its catch-all queue.
  std::string policy = e2e_policy();
  const std::size_t general = policy.find("  - name: general");
  REQUIRE(general != std::string::npos);
  policy.resize(general);
  ServerSpec spec = e2e_spec();
  spec.policy_yaml = policy;
  ServerProcess server(spec);
  client::HttpClient http(server.endpoint());

  expect_error(http.request("POST", "/v1/interactions",
                            create_body("n1", R"(,"attributes":{"intent":"sales"})")),
               422, "no_queue", "attributes", "no matching queue");
  CHECK(http.request("GET", "/v1/interactions/n1").status == 404);
  auto queues = parse_object(http.request("GET", "/v1/queues").body);
  for (const auto& q : queues.at("queues").as_array()) {
    CHECK(q.at("entered").to_number<int>() == 0);
  }
  CHECK(http.request("POST", "/v1/interactions",
                     create_body("n2", R"(,"attributes":{"intent":"tech"})"))
            .status == 202);
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

TEST_CASE("on the wire: oversize bodies and headers, slow and half-sent requests, garbage") {
  ServerProcess server(e2e_spec("limits: {body_bytes_max: 1024, request_timeout: 300ms}\n"));
  client::HttpClient http(server.endpoint());

  // 413: over the body limit, declared or sent.
  auto big = http.request("POST", "/v1/interactions", create_body("big", attributes(10, 150)));
  expect_error(big, 413, "body_too_large", nullptr, "a 1.6 KB body");
  CHECK(http.request("GET", "/v1/interactions/big").status == 404);
  CHECK(serves(server));
  {
    client::HttpClient raw(server.endpoint());
    auto r = raw.raw(
        "POST /v1/interactions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 100000\r\n\r\n",
        5s);
    REQUIRE(r);
    expect_error(*r, 413, "body_too_large", nullptr, "a declared 100 KB body");
  }
  CHECK(serves(server));
  // The policy endpoints take YAML up to policy_bytes_max, above body_bytes_max.
  const std::string policy = e2e_policy();
  REQUIRE(policy.size() > 1024);
  auto checked = http.request("POST", "/v1/policy/validate", policy, "application/yaml");
  CHECK_MESSAGE(checked.status == 200, checked.body);

  // 431: headers over the 8 KiB default.
  auto huge = http.request("GET", "/v1/queues", "", "application/json",
                           {{"X-Padding", std::string(10'000, 'p')}});
  expect_error(huge, 431, "headers_too_large", nullptr, "10 KB of headers");
  CHECK(serves(server));

  // 408: a body that stops short of its Content-Length, and headers that never end.
  {
    client::HttpClient raw(server.endpoint());
    auto r = raw.raw(
        "POST /v1/interactions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 200\r\n\r\n{\"id\":\"half\"",
        5s);
    REQUIRE(r);
    expect_error(*r, 408, "request_timeout", nullptr, "a half-sent body");
  }
  CHECK(http.request("GET", "/v1/interactions/half").status == 404);
  CHECK(serves(server));
  {
    client::HttpClient raw(server.endpoint());
    std::optional<client::HttpResponse> r;
    CHECK_NOTHROW(r = raw.raw("GET /v1/queues HTTP/1.1\r\nHost: x\r\nX-Slow: ", 5s));
    REQUIRE(r);
    expect_error(*r, 408, "request_timeout", nullptr, "half-sent headers");
  }
  CHECK(serves(server));

  // 400: garbage for a request line, a bad version, a TLS hello on the plain port.
  for (const char* garbage :
       {"HELLO THERE\r\n\r\n", "GET /livez HTPT/1.1\r\n\r\n", "\x16\x03\x01\x02\x01\r\n\r\n"}) {
    client::HttpClient raw(server.endpoint());
    auto r = raw.raw(garbage, 5s);
    REQUIRE(r);
    expect_error(*r, 400, "bad_request", nullptr, "garbage");
    CHECK(serves(server));
  }
  CHECK(entered_everywhere(http) == 0);
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

TEST_CASE("an idle keep-alive connection is closed without a response") {
  ServerProcess server(e2e_spec("limits: {idle_timeout: 300ms}\n"));
  client::HttpClient raw(server.endpoint());
  auto first = raw.raw("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n", 5s);
  REQUIRE(first);
  CHECK(first->status == 200);
  // Send nothing more: the server closes the connection, with no 408.
  CHECK_FALSE(raw.raw("", 5s).has_value());
  // So does a connection on which nothing was ever sent.
  client::HttpClient silent(server.endpoint());
  CHECK_FALSE(silent.raw("", 5s).has_value());
  CHECK(serves(server));
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

// Reads the stream to its end; the close code (0 if it did not close within the time).
int read_to_close(client::StreamClient& stream, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  try {
    while (std::chrono::steady_clock::now() < deadline) stream.read(1s);
  } catch (const client::ClientError&) {
  }
  return stream.close_code().value_or(0);
}

TEST_CASE("the stream: a message over the limit closes with 1009") {
  ServerProcess server(e2e_spec("limits: {ws_message_bytes_max: 1024}\n"));
  client::StreamClient stream(server.endpoint());
  stream.send(R"({"op":"subscribe","agents":[")" + std::string(2000, 'a') + R"("]})");
  CHECK(read_to_close(stream, 10s) == 1009);
  CHECK(serves(server));
  // Another session is unaffected.
  client::StreamClient other(server.endpoint());
  other.send(R"({"op":"subscribe","agents":["*"],"request_id":"ok"})");
  CHECK(string_at(stream_answer(other, "ok"), "op") == "reply");
  other.close();
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

TEST_CASE("the stream: a binary frame gets an error reply, and the session goes on") {
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  namespace net = boost::asio;
  ServerProcess server(e2e_spec());
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).expires_after(10s);
  beast::get_lowest_layer(ws).connect(
      net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
  ws.handshake("127.0.0.1", "/v1/stream");

  // One message each way, bounded in time by the stream's expiry.
  auto exchange = [&](const std::string& message, bool binary) {
    ws.binary(binary);
    ws.write(net::buffer(message));
    beast::flat_buffer buffer;
    beast::error_code result = net::error::would_block;
    ws.async_read(buffer, [&](beast::error_code ec, std::size_t) { result = ec; });
    beast::get_lowest_layer(ws).expires_after(10s);
    ioc.restart();
    ioc.run();
    REQUIRE_MESSAGE(!result, result.message());
    return beast::buffers_to_string(buffer.data());
  };
  auto reply = parse_object(exchange(std::string("\x01\x02\x03", 3), true));
  CHECK(string_at(reply, "op") == "error");
  CHECK(number_at(reply, "status") == 400);
  CHECK(string_at(reply.at("error").as_object(), "code") == "bad_request");
  auto subscribed =
      parse_object(exchange(R"({"op":"subscribe","agents":["*"],"request_id":"s"})", false));
  CHECK(string_at(subscribed, "op") == "reply");
  CHECK(string_at(subscribed, "request_id") == "s");
  ws.close(websocket::close_code::normal);
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

TEST_CASE("the stream: a subscriber that does not read is closed with 1008 slow consumer") {
  // A long write timeout, so that the close frame waits for the reader rather than a reset.
  ServerProcess server(e2e_spec("limits: {ws_queue_messages_max: 16, write_timeout: 60s}\n"));
  client::HttpClient http(server.endpoint());
  REQUIRE(http.request("PUT", "/v1/agents/a1", R"({"channels":{"chat":3}})").status == 200);
  REQUIRE(http.request("POST", "/v1/agents/a1/state", R"({"state":"available"})").status == 200);

  client::StreamClient slow(server.endpoint());
  subscribe_everything(slow);
  // Each offer carries the interaction's 64 attributes of 250 characters (about 17 KB): a few
  // hundred fill the socket buffers, then the session's queue.
  const std::string fat = attributes(64, 250);
  for (int k = 0; k < 1500; ++k) {
    const std::string id = "s" + std::to_string(k);
    auto created = http.request("POST", "/v1/interactions", create_body(id, fat));
    REQUIRE_MESSAGE(created.status == 202, created.body);
    REQUIRE(http.request("POST", "/v1/interactions/" + id + "/cancel").status == 200);
  }
  CHECK(read_to_close(slow, 20s) == 1008);
  CHECK(slow.close_reason() == "slow consumer");
  // A fresh subscriber is served.
  client::StreamClient fresh(server.endpoint());
  subscribe_everything(fresh);
  REQUIRE(http.request("POST", "/v1/interactions", create_body("after")).status == 202);
  CHECK(fresh.read_until(
      [](const std::string& m) { return m.find("\"after\"") != std::string::npos; }, 10s));
  fresh.close();
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

TEST_CASE("overload: every create is 202, or 503 overloaded with Retry-After and never happened") {
  ServerProcess server(e2e_spec("io_threads: 2\nlimits: {inbound_queue_max: 1}\n"));
  constexpr int kClients = 8;
  constexpr int kEach = 150;
  std::mutex mutex;
  std::set<std::string> accepted;
  std::set<std::string> refused;
  std::atomic<int> odd{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      client::HttpClient http(server.endpoint());
      for (int k = 0; k < kEach; ++k) {
        const std::string id = "o" + std::to_string(c) + "-" + std::to_string(k);
        auto r = http.request("POST", "/v1/interactions", create_body(id));
        std::lock_guard lock(mutex);
        if (r.status == 202) {
          accepted.insert(id);
        } else if (r.status == 503 && r.body.find("\"overloaded\"") != std::string::npos &&
                   !r.header("Retry-After").empty()) {
          refused.insert(id);
        } else {
          ++odd;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  CHECK(odd.load() == 0);
  CHECK(accepted.size() + refused.size() == kClients * kEach);
  MESSAGE(accepted.size() << " accepted, " << refused.size() << " refused as overloaded");
  // With room for one request in the core's queue and 8 clients, both answers must happen.
  CHECK(!accepted.empty());
  CHECK(!refused.empty());

  client::HttpClient http(server.endpoint());
  auto status_of = [&](const std::string& id) {
    client::HttpResponse r;
    eventually([&] {
      r = http.request("GET", "/v1/interactions/" + id);
      return r.status != 503;
    });
    return r.status;
  };
  int missing = 0;
  int ghosts = 0;
  for (const auto& id : accepted) missing += status_of(id) != 200;
  for (const auto& id : refused) ghosts += status_of(id) != 404;
  CHECK(missing == 0);
  CHECK(ghosts == 0);
  auto general = parse_object(http.request("GET", "/v1/queues/general").body);
  CHECK(number_at(general, "entered") == static_cast<double>(accepted.size()));
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

}  // namespace
}  // namespace sb::e2e
