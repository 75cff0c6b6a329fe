// Helpers for the end-to-end tests: reading JSON answers, checking the error shape of
// docs/api.md, subscribing on the stream, and asking whether the server still answers.
// Header-only; each function is used by one test thread at a time.
#pragma once

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "engine/client/http_client.h"
#include "engine/client/stream_client.h"
#include "tests/e2e/server_process.h"

namespace sb::e2e {

namespace json = boost::json;

// The body as a JSON object; a failed check (and an empty object) when it is not one.
// The value of one sample line of the Prometheus text ("name{labels} value"), or -1.
inline double sample(const std::string& text, const std::string& series) {
  const std::size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

inline json::object parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    FAIL_CHECK("not a JSON object: " << text);
    return {};
  }
  return std::move(v.as_object());
}

// o[key] as a string, "" when absent or not a string.
inline std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// o[key] as a number, -1 when absent or not a number.
inline double number_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_number() ? v->to_number<double>() : -1;
}

// For expect_error: the field must be there, whatever it names.
inline constexpr const char* kAnyField = "*";

// Checks an HTTP error answer: its status, error.code, and error.field (nullptr: the field must
// be null; kAnyField: any). `what` names the case in a failure.
inline void expect_error(const client::HttpResponse& r, unsigned status, std::string_view code,
                         const char* field, std::string_view what) {
  INFO(what << " -> " << r.status << " " << r.body);
  CHECK(r.status == status);
  CHECK(r.header("Content-Type") == "application/json");
  const json::object body = parse_object(r.body);
  const json::value* error = body.if_contains("error");
  REQUIRE(error != nullptr);
  REQUIRE(error->is_object());
  const json::object& e = error->as_object();
  CHECK(string_at(e, "code") == code);
  CHECK_FALSE(string_at(e, "message").empty());
  const json::value* f = e.if_contains("field");
  REQUIRE(f != nullptr);  // absent values are null, never left out
  if (field == nullptr) {
    CHECK(f->is_null());
  } else if (std::string_view(field) != kAnyField) {
    CHECK(string_at(e, "field") == field);
  }
}

// Whether a fresh client gets 200 from /livez.
inline bool serves(const ServerProcess& server) {
  client::HttpClient other(server.endpoint());
  return other.request("GET", "/livez").status == 200;
}

// Subscribes `stream` to every agent and queue and waits for the reply.
inline void subscribe_everything(client::StreamClient& stream) {
  stream.send(R"({"op":"subscribe","agents":["*"],"queues":["*"],"request_id":"sub"})");
  auto reply =
      stream.read_until([](const std::string& m) { return m.find("\"sub\"") != std::string::npos; },
                        std::chrono::seconds(10));
  REQUIRE(reply);
  CHECK(string_at(parse_object(*reply), "op") == "reply");
}

// The stream's answer to the message with this request id.
inline json::object stream_answer(client::StreamClient& stream, const std::string& request_id) {
  const std::string quoted = "\"" + request_id + "\"";
  auto answer =
      stream.read_until([&](const std::string& m) { return m.find(quoted) != std::string::npos; },
                        std::chrono::seconds(10));
  REQUIRE_MESSAGE(answer.has_value(), "no answer to " << request_id);
  return parse_object(*answer);
}

}  // namespace sb::e2e
