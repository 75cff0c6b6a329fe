// The JSON codec against docs/api.md: every command form over HTTP and the stream, every class
// of refusal with its exact code and field, and every encoder output parsed back and checked
// field by field.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "engine/api/api_error.h"
#include "engine/api/json_decode.h"
#include "engine/api/json_encode.h"

namespace sb::api {
namespace {

namespace json = boost::json;

const DecodeLimits kLimits;

std::string describe(const ApiError& e) {
  return std::to_string(e.status) + " " + e.code + " field=" + e.field.value_or("(none)") + ": " +
         e.message;
}

template <class T>
T ok(const Decoded<T>& decoded) {
  if (const ApiError* e = std::get_if<ApiError>(&decoded)) FAIL("refused: " << describe(*e));
  return std::get<T>(decoded);
}

template <class T>
ApiError refused(const Decoded<T>& decoded) {
  REQUIRE_MESSAGE(std::holds_alternative<ApiError>(decoded), "was accepted");
  return std::get<ApiError>(decoded);
}

// The error's code and field (none: std::nullopt); all decode refusals are 400.
void expect(const ApiError& e, std::string_view code, std::optional<std::string> field) {
  INFO(describe(e));
  CHECK(e.status == 400);
  CHECK(e.code == code);
  CHECK(e.field == field);
  CHECK(!e.message.empty());
}

template <class T>
void expect(const Decoded<T>& decoded, std::string_view code, std::optional<std::string> field) {
  expect(refused(decoded), code, std::move(field));
}

WsRequest ws_ok(std::string_view text) {
  auto decoded = decode_ws_message(text, kLimits);
  if (const auto* e = std::get_if<WsDecodeError>(&decoded)) FAIL("refused: " << describe(e->error));
  return std::get<WsRequest>(decoded);
}

WsDecodeError ws_refused(std::string_view text) {
  auto decoded = decode_ws_message(text, kLimits);
  REQUIRE_MESSAGE(std::holds_alternative<WsDecodeError>(decoded), "was accepted");
  return std::get<WsDecodeError>(decoded);
}

template <class T>
T ws_command(std::string_view text, std::string_view op) {
  WsRequest request = ws_ok(text);
  CHECK(request.op == op);
  const Command* command = std::get_if<Command>(&request.body);
  REQUIRE(command != nullptr);
  REQUIRE(std::holds_alternative<T>(*command));
  return std::get<T>(*command);
}

json::value parse_back(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  REQUIRE_MESSAGE(!ec, "not JSON: " << text);
  return v;
}

// Parsed and copied out, so that nothing refers into a temporary.
json::object parse_object(std::string_view text) {
  const json::value v = parse_back(text);
  REQUIRE(v.is_object());
  return v.as_object();
}

json::object error_of(std::string_view text) {
  const json::object o = parse_object(text);
  REQUIRE(o.contains("error"));
  REQUIRE(o.at("error").is_object());
  return o.at("error").as_object();
}

const json::object& object_of(const json::value& v) {
  REQUIRE(v.is_object());
  return v.as_object();
}

std::string str(const json::object& o, std::string_view key) {
  REQUIRE_MESSAGE(o.contains(key), key);
  REQUIRE_MESSAGE(o.at(key).is_string(), key);
  return std::string(o.at(key).as_string());
}

double num(const json::object& o, std::string_view key) {
  REQUIRE_MESSAGE(o.contains(key), key);
  REQUIRE_MESSAGE(o.at(key).is_number(), key);
  return o.at(key).to_number<double>();
}

bool is_null(const json::object& o, std::string_view key) {
  REQUIRE_MESSAGE(o.contains(key), key);  // absent values are null, never left out
  return o.at(key).is_null();
}

std::string repeat(char c, std::size_t n) { return std::string(n, c); }

// {"k0": 0, "k1": 1, ...} with n members.
std::string object_with(std::size_t n, std::string_view value) {
  std::string out = "{";
  for (std::size_t k = 0; k < n; ++k) {
    out += (k ? ",\"k" : "\"k") + std::to_string(k) + "\":" + std::string(value);
  }
  return out + "}";
}

// ---------------------------------------------------------------------------------------------
// Commands over HTTP.

TEST_CASE("upsert agent: every field, and none") {
  const UpsertAgent c = ok(decode_upsert_agent("a1",
                                               R"({"skills": {"billing": 8, "de_escalation": 0},
      "languages": ["en", "es"], "channels": {"voice": 1, "chat": 3},
      "attributes": {"team": "emea", "tier": 2, "senior": true, "score": -0.5}, "kind": "bot"})",
                                               kLimits));
  CHECK(c.agent_id == "a1");
  REQUIRE(c.skills.size() == 2);
  CHECK(c.skills[0] == std::pair<std::string, int>{"billing", 8});
  CHECK(c.skills[1] == std::pair<std::string, int>{"de_escalation", 0});
  CHECK(c.languages == std::vector<std::string>{"en", "es"});
  REQUIRE(c.channels.size() == 2);
  CHECK(c.channels[0] == std::pair<std::string, std::uint32_t>{"voice", 1});
  CHECK(c.channels[1] == std::pair<std::string, std::uint32_t>{"chat", 3});
  REQUIRE(c.attributes.size() == 4);
  CHECK(c.attributes[0].first == "team");
  CHECK(std::get<std::string>(c.attributes[0].second) == "emea");
  CHECK(std::get<double>(c.attributes[1].second) == 2.0);
  CHECK(std::get<bool>(c.attributes[2].second) == true);
  CHECK(std::get<double>(c.attributes[3].second) == -0.5);
  CHECK(c.kind == AgentKind::Bot);

  const UpsertAgent empty = ok(decode_upsert_agent("a2", "{}", kLimits));
  CHECK(empty.agent_id == "a2");
  CHECK(empty.skills.empty());
  CHECK(empty.channels.empty());
  CHECK(empty.kind == AgentKind::Human);
  CHECK(ok(decode_upsert_agent("a3", R"({"kind": "human"})", kLimits)).kind == AgentKind::Human);
}

TEST_CASE("agent state: each presence, reason optional") {
  SetAgentState s =
      ok(decode_agent_state("a1", R"({"state": "away", "reason": "lunch"})", kLimits));
  CHECK(s.agent_id == "a1");
  CHECK(s.state == Presence::Away);
  CHECK(s.reason == "lunch");
  CHECK(ok(decode_agent_state("a1", R"({"state": "available"})", kLimits)).state ==
        Presence::Available);
  s = ok(decode_agent_state("a1", R"({"state": "offline"})", kLimits));
  CHECK(s.state == Presence::Offline);
  CHECK(s.reason.empty());
  // wrap_up is derived by the core, never set.
  expect(decode_agent_state("a1", R"({"state": "wrap_up"})", kLimits), "invalid_field", "state");
  expect(decode_agent_state("a1", R"({"state": "Available"})", kLimits), "invalid_field", "state");
  expect(decode_agent_state("a1", R"({"reason": "x"})", kLimits), "missing_field", "state");
}

TEST_CASE("create interaction: the documented body, and the minimum") {
  const CreateInteraction c = ok(decode_create_interaction(
      R"({"id": "chat-991", "channel": "chat", "customer_id": "c-42",
          "attributes": {"intent": "billing", "language": "es"}, "sentiment": -0.4, "priority": 0})",
      kLimits));
  CHECK(c.interaction_id == "chat-991");
  CHECK(c.channel == "chat");
  CHECK(c.customer_id == "c-42");
  REQUIRE(c.attributes.size() == 2);
  CHECK(c.attributes[1].first == "language");
  CHECK(std::get<std::string>(c.attributes[1].second) == "es");
  CHECK(c.sentiment == -0.4);
  CHECK(c.priority == 0);

  const CreateInteraction m =
      ok(decode_create_interaction(R"({"id":"v1","channel":"voice","customer_id":"c"})", kLimits));
  CHECK(m.attributes.empty());
  CHECK(m.sentiment == 0);
  CHECK(m.priority == 0);
  expect(decode_create_interaction(R"({"id":"v1","customer_id":"c"})", kLimits), "missing_field",
         "channel");
  expect(decode_create_interaction(R"({"channel":"chat","customer_id":"c"})", kLimits),
         "missing_field", "id");
  expect(decode_create_interaction(R"({"id":"v1","channel":"chat"})", kLimits), "missing_field",
         "customer_id");
}

TEST_CASE("update interaction: absent fields stay absent") {
  UpdateInteraction u = ok(decode_update_interaction(
      "chat-991", R"({"sentiment": -0.8, "attributes": {"language": "en"}, "priority": 10})",
      kLimits));
  CHECK(u.interaction_id == "chat-991");
  CHECK(u.sentiment == -0.8);
  CHECK(u.priority == 10);
  REQUIRE(u.attributes.has_value());
  CHECK(u.attributes->size() == 1);

  u = ok(decode_update_interaction("chat-991", R"({"sentiment": 1})", kLimits));
  CHECK(u.sentiment == 1.0);  // an integer where a number is expected
  CHECK(!u.priority);
  CHECK(!u.attributes);
  u = ok(decode_update_interaction("chat-991", "{}", kLimits));
  CHECK((!u.sentiment && !u.priority && !u.attributes));
  // null means absent, as in responses
  u = ok(decode_update_interaction("chat-991", R"({"priority": null})", kLimits));
  CHECK(!u.priority);
}

TEST_CASE("cancel, transfer and complete") {
  CancelInteraction cancel = ok(decode_cancel("i1", "", kLimits));
  CHECK(cancel.interaction_id == "i1");
  CHECK(cancel.reason.empty());
  CHECK(ok(decode_cancel("i1", R"({"reason": "customer hung up"})", kLimits)).reason ==
        "customer hung up");
  CHECK(ok(decode_cancel("i1", " \r\n", kLimits)).reason.empty());

  TransferInteraction t = ok(decode_transfer("i1", R"({"queue": "tech"})", kLimits));
  CHECK(t.interaction_id == "i1");
  CHECK(t.queue == "tech");
  CHECK(t.agent_id.empty());
  t = ok(decode_transfer("i1", R"({"agent_id": "a9"})", kLimits));
  CHECK(t.agent_id == "a9");
  CHECK(t.queue.empty());
  t = ok(decode_transfer("i1", "{}", kLimits));
  CHECK((t.queue.empty() && t.agent_id.empty()));
  expect(decode_transfer("i1", R"({"queue": "tech", "agent_id": "a9"})", kLimits), "invalid_field",
         "agent_id");
  // Out of the routing domain only on purpose: an empty body is not `{}`.
  expect(decode_transfer("i1", "", kLimits), "malformed_json", std::nullopt);
  expect(decode_transfer("i1", R"({"queue": ""})", kLimits), "invalid_field", "queue");

  CompleteInteraction done = ok(decode_complete("i1", "", kLimits));
  CHECK(done.interaction_id == "i1");
  CHECK(done.outcome == "resolved");
  CHECK(ok(decode_complete("i1", R"({"outcome": "escalated"})", kLimits)).outcome == "escalated");
  expect(decode_complete("i1", R"({"outcome": ""})", kLimits), "invalid_field", "outcome");
}

TEST_CASE("accept and reject: offer ids from the path") {
  CHECK(ok(decode_accept("17", "", kLimits)).offer_id == 17);
  CHECK(ok(decode_accept("17", "{}", kLimits)).offer_id == 17);
  CHECK(ok(decode_accept("18446744073709551615", "", kLimits)).offer_id ==
        std::numeric_limits<std::uint64_t>::max());
  expect(decode_accept("17", R"({"reason": "x"})", kLimits), "unknown_field", "reason");
  for (const char* bad :
       {"", "0", "-1", "+1", "1.5", "abc", "17 ", "18446744073709551616", "0x11"}) {
    INFO(bad);
    const ApiError e = refused(decode_accept(bad, "", kLimits));
    CHECK(e.code == "bad_request");
    CHECK(e.field == "offer_id");
    expect(decode_reject(bad, "", kLimits), "bad_request", "offer_id");
  }
  RejectOffer r = ok(decode_reject("3", R"({"reason": "busy"})", kLimits));
  CHECK(r.offer_id == 3);
  CHECK(r.reason == "busy");
  CHECK(ok(decode_reject("3", "", kLimits)).reason.empty());
}

TEST_CASE("path ids: 1 to 128 bytes of UTF-8, else bad_request") {
  expect(decode_upsert_agent("", "{}", kLimits), "bad_request", "id");
  expect(decode_upsert_agent(repeat('a', 129), "{}", kLimits), "bad_request", "id");
  CHECK(ok(decode_upsert_agent(repeat('a', 128), "{}", kLimits)).agent_id.size() == 128);
  expect(decode_cancel("\xff", "", kLimits), "bad_request", "id");
  expect(decode_update_interaction("", "{}", kLimits), "bad_request", "id");
  CHECK(ok(decode_complete("caf\xc3\xa9", "", kLimits)).interaction_id == "caf\xc3\xa9");
}

// ---------------------------------------------------------------------------------------------
// Refusals.

TEST_CASE("malformed JSON carries Boost's reason") {
  for (const char* text : {"{", "{\"a\":}", "nope", "{'a': 1}", "{\"a\": 1,}", "[1,]",
                           "{\"a\": 1} // c", "{\"a\": 01}", "{\"a\": .5}", "{\"a\": NaN}"}) {
    INFO(text);
    const ApiError e = refused(decode_create_interaction(text, kLimits));
    expect(e, "malformed_json", std::nullopt);
    json::error_code ec;
    (void)json::parse(text, ec);
    REQUIRE(ec);
    CHECK(e.message.find(ec.message()) != std::string::npos);
  }
  const ApiError extra = refused(decode_create_interaction("{} {}", kLimits));
  expect(extra, "malformed_json", std::nullopt);
  CHECK(extra.message.find("extra data") != std::string::npos);
}

TEST_CASE("an empty body where one is required is malformed_json") {
  expect(decode_upsert_agent("a1", "", kLimits), "malformed_json", std::nullopt);
  expect(decode_agent_state("a1", "  \n", kLimits), "malformed_json", std::nullopt);
  expect(decode_create_interaction("", kLimits), "malformed_json", std::nullopt);
  expect(decode_update_interaction("i1", "", kLimits), "malformed_json", std::nullopt);
}

TEST_CASE("a body that is JSON but not an object is invalid_field with no field") {
  for (const char* text : {"null", "[]", "[{}]", "5", "\"x\"", "true"}) {
    INFO(text);
    expect(decode_create_interaction(text, kLimits), "invalid_field", std::nullopt);
    expect(decode_cancel("i1", text, kLimits), "invalid_field", std::nullopt);
  }
}

TEST_CASE("invalid UTF-8 is refused, and Boost.JSON refuses it by default") {
  json::error_code ec;
  (void)json::parse("\"\xff\"", ec);
  CHECK(ec);  // the default parse_options do not allow invalid UTF-8
  for (
      const char* text : {
          "{\"id\": \"\xff\", \"channel\": \"chat\", \"customer_id\": \"c\"}",
          "{\"id\": \"\xc0\xaf\", \"channel\": \"chat\", \"customer_id\": \"c\"}",      // overlong
          "{\"id\": \"\xed\xa0\x80\", \"channel\": \"chat\", \"customer_id\": \"c\"}",  // surrogate
          "{\"id\": \"\xf4\x90\x80\x80\", \"channel\": \"chat\", \"customer_id\": \"c\"}",  // >10FFFF
          "{\"i\xe2\x82\": \"x\"}",  // truncated, in a key
      }) {
    INFO(text);
    const ApiError e = refused(decode_create_interaction(text, kLimits));
    expect(e, "malformed_json", std::nullopt);
    CHECK(e.message.find("UTF-8") != std::string::npos);
  }
  // Well-formed multi-byte text, and escapes, pass.
  const CreateInteraction c = ok(decode_create_interaction(
      "{\"id\": \"\xe4\xb8\xad\xf0\x9f\x98\x80\", \"channel\": \"chat\", \"customer_id\": "
      "\"\\u00e9\\ud83d\\ude00\"}",
      kLimits));
  CHECK(c.interaction_id == "\xe4\xb8\xad\xf0\x9f\x98\x80");
  CHECK(c.customer_id == "\xc3\xa9\xf0\x9f\x98\x80");
}

TEST_CASE("nesting deeper than max_depth is malformed_json") {
  // The body is level 1, attributes level 2, then arrays: 8 levels parse (and the attribute is
  // then refused for being an array), 9 do not.
  auto nested = [](int arrays) {
    return R"({"id":"i","channel":"c","customer_id":"c","attributes":{"a":)" +
           repeat('[', static_cast<std::size_t>(arrays)) + "1" +
           repeat(']', static_cast<std::size_t>(arrays)) + "}}";
  };
  expect(decode_create_interaction(nested(6), kLimits), "invalid_field", "attributes.a");
  const ApiError e = refused(decode_create_interaction(nested(7), kLimits));
  expect(e, "malformed_json", std::nullopt);
  CHECK(e.message.find("deeper than 8") != std::string::npos);
  // Deep enough to overflow a naive recursive parser's stack.
  expect(decode_create_interaction(repeat('[', 100000), kLimits), "malformed_json", std::nullopt);

  DecodeLimits shallow;
  shallow.max_depth = 1;
  expect(decode_create_interaction(R"({"id":"i","channel":"c","customer_id":"c","attributes":{}})",
                                   shallow),
         "malformed_json", std::nullopt);
}

TEST_CASE("numbers that do not fit are malformed_json at their field") {
  auto create_with = [](std::string_view member) {
    return decode_create_interaction(
        R"({"id":"i","channel":"c","customer_id":"c",)" + std::string(member) + "}", kLimits);
  };
  expect(create_with(R"("sentiment": 1e400)"), "malformed_json", "sentiment");
  expect(create_with(R"("sentiment": -1e400)"), "malformed_json", "sentiment");
  expect(create_with(R"("priority": 99999999999999999999999)"), "malformed_json", "priority");
  expect(create_with(R"("priority": -99999999999999999999999)"), "malformed_json", "priority");
  expect(create_with(R"("attributes": {"x": 1e400})"), "malformed_json", "attributes.x");
  expect(create_with(R"("priority": 1e99999999999999999999)"), "malformed_json", std::nullopt);
  expect(decode_upsert_agent("a", R"({"languages": ["en", 1e999]})", kLimits), "malformed_json",
         "languages[1]");
  // Underflow is a sane zero; large exponents that fit are just numbers out of range.
  CHECK(ok(create_with(R"("sentiment": 1e-400)")).sentiment == 0);
  expect(create_with(R"("priority": 1e300)"), "invalid_field", "priority");
  expect(create_with(R"("priority": 18446744073709551615)"), "invalid_field", "priority");
}

TEST_CASE("ranges: sentiment, priority, proficiency, capacity") {
  auto create_with = [](std::string_view member) {
    return decode_create_interaction(
        R"({"id":"i","channel":"c","customer_id":"c",)" + std::string(member) + "}", kLimits);
  };
  CHECK(ok(create_with(R"("sentiment": -1)")).sentiment == -1);
  CHECK(ok(create_with(R"("sentiment": 1.0)")).sentiment == 1);
  expect(create_with(R"("sentiment": 1.01)"), "invalid_field", "sentiment");
  expect(create_with(R"("sentiment": -2)"), "invalid_field", "sentiment");
  expect(create_with(R"("sentiment": "0.5")"), "invalid_field", "sentiment");
  CHECK(ok(create_with(R"("priority": 1000000)")).priority == 1e6);
  CHECK(ok(create_with(R"("priority": -1e6)")).priority == -1e6);
  expect(create_with(R"("priority": 1000000.5)"), "invalid_field", "priority");
  expect(create_with(R"("priority": true)"), "invalid_field", "priority");
  const ApiError e = refused(create_with(R"("sentiment": 3)"));
  CHECK(e.message == "sentiment must be a number from -1 to 1");

  auto skills = [](std::string_view level) {
    return decode_upsert_agent("a", R"({"skills": {"billing": )" + std::string(level) + "}}",
                               kLimits);
  };
  CHECK(ok(skills("10")).skills[0].second == 10);
  CHECK(ok(skills("0")).skills[0].second == 0);
  for (const char* bad : {"11", "-1", "8.0", "8.5", "\"8\"", "null", "18446744073709551615"}) {
    INFO(bad);
    expect(skills(bad), "invalid_field", "skills.billing");
  }

  auto channels = [](std::string_view capacity) {
    return decode_upsert_agent("a", R"({"channels": {"voice": )" + std::string(capacity) + "}}",
                               kLimits);
  };
  CHECK(ok(channels("0")).channels[0].second == 0);
  CHECK(ok(channels("100")).channels[0].second == 100);  // the core's maximum
  for (const char* bad : {"101", "-1", "1.5", "\"1\"", "[]"}) {
    INFO(bad);
    expect(channels(bad), "invalid_field", "channels.voice");
  }
}

TEST_CASE("wrong types name the field and say what it must be") {
  const ApiError id = refused(
      decode_create_interaction(R"({"id": 5, "channel": "chat", "customer_id": "c"})", kLimits));
  expect(id, "invalid_field", "id");
  CHECK(id.message == "id must be a string");
  expect(
      decode_create_interaction(R"({"id": null, "channel": "chat", "customer_id": "c"})", kLimits),
      "invalid_field", "id");
  expect(decode_upsert_agent("a", R"({"attributes": "x"})", kLimits), "invalid_field",
         "attributes");
  expect(decode_upsert_agent("a", R"({"attributes": {"language": null}})", kLimits),
         "invalid_field", "attributes.language");
  expect(decode_upsert_agent("a", R"({"attributes": {"language": {}}})", kLimits), "invalid_field",
         "attributes.language");
  expect(decode_upsert_agent("a", R"({"attributes": {"language": ["en"]}})", kLimits),
         "invalid_field", "attributes.language");
  expect(decode_upsert_agent("a", R"({"attributes": {"": 1}})", kLimits), "invalid_field",
         "attributes");
  expect(decode_upsert_agent("a", R"({"languages": "en"})", kLimits), "invalid_field", "languages");
  expect(decode_upsert_agent("a", R"({"languages": ["en", "de", 5]})", kLimits), "invalid_field",
         "languages[2]");
  expect(decode_upsert_agent("a", R"({"languages": ["en", ""]})", kLimits), "invalid_field",
         "languages[1]");
  expect(decode_upsert_agent("a", R"({"skills": ["billing"]})", kLimits), "invalid_field",
         "skills");
  expect(decode_upsert_agent("a", R"({"channels": {"voice": "1"}})", kLimits), "invalid_field",
         "channels.voice");
  expect(decode_upsert_agent("a", R"({"kind": "robot"})", kLimits), "invalid_field", "kind");
  expect(decode_upsert_agent("a", R"({"kind": 1})", kLimits), "invalid_field", "kind");
  expect(decode_agent_state("a", R"({"state": "away", "reason": 5})", kLimits), "invalid_field",
         "reason");
  expect(decode_update_interaction("i", R"({"attributes": []})", kLimits), "invalid_field",
         "attributes");
}

TEST_CASE("unknown fields are refused, the first in document order") {
  const ApiError e = refused(decode_upsert_agent("a", R"({"skils": {}, "kind": "bot"})", kLimits));
  expect(e, "unknown_field", "skils");
  CHECK(e.message.find("skils") != std::string::npos);
  // The path's id is not a body field over HTTP.
  expect(decode_upsert_agent("a", R"({"id": "a"})", kLimits), "unknown_field", "id");
  expect(decode_create_interaction(
             R"({"id":"i","channel":"c","customer_id":"c","queue":"billing","zz":1})", kLimits),
         "unknown_field", "queue");
  expect(decode_cancel("i", R"({"reason": "x", "outcome": "y"})", kLimits), "unknown_field",
         "outcome");
  expect(decode_agent_state("a", R"({"state": "away", "presence": "away"})", kLimits),
         "unknown_field", "presence");
}

TEST_CASE("a key given twice is invalid_field at its path") {
  const ApiError top = refused(decode_update_interaction(
      "i", R"({"sentiment": 0.1, "priority": 1, "sentiment": 0.2})", kLimits));
  expect(top, "invalid_field", "sentiment");
  CHECK(top.message.find("given twice") != std::string::npos);
  expect(decode_upsert_agent("a", R"({"attributes": {"language": "en", "team": "x",
                                      "language": "es"}})",
                             kLimits),
         "invalid_field", "attributes.language");
  expect(decode_upsert_agent("a", R"({"skills": {"billing": 1, "billing": 2}})", kLimits),
         "invalid_field", "skills.billing");
  expect(decode_upsert_agent("a", R"({"channels": {"voice": 1, "chat": 1, "voice": 2}})", kLimits),
         "invalid_field", "channels.voice");
  // The first repeated key in document order, whatever its name sorts as.
  expect(decode_update_interaction("i", R"({"z": 1, "b": 1, "z": 2, "b": 2})", kLimits),
         "invalid_field", "z");
  // Inside an array element.
  auto ws = ws_refused(R"({"op": "subscribe", "agents": [{"x": 1, "x": 2}]})");
  expect(ws.error, "invalid_field", "agents[0].x");
  // The same key in sibling objects is fine.
  CHECK(ok(decode_upsert_agent("a", R"({"skills": {"x": 1}, "channels": {"x": 1}})", kLimits))
            .skills.size() == 1);
}

TEST_CASE("limits: counts and lengths are limit_exceeded") {
  expect(decode_upsert_agent("a", R"({"attributes": )" + object_with(65, "1") + "}", kLimits),
         "limit_exceeded", "attributes");
  CHECK(ok(decode_upsert_agent("a", R"({"attributes": )" + object_with(64, "1") + "}", kLimits))
            .attributes.size() == 64);
  expect(decode_upsert_agent("a", R"({"skills": )" + object_with(129, "1") + "}", kLimits),
         "limit_exceeded", "skills");
  CHECK(ok(decode_upsert_agent("a", R"({"skills": )" + object_with(128, "1") + "}", kLimits))
            .skills.size() == 128);
  std::string languages = "[";
  for (int k = 0; k < 33; ++k) languages += (k ? ",\"l" : "\"l") + std::to_string(k) + "\"";
  expect(decode_upsert_agent("a", R"({"languages": )" + languages + "]}", kLimits),
         "limit_exceeded", "languages");
  expect(decode_upsert_agent("a", R"({"channels": )" + object_with(65, "1") + "}", kLimits),
         "limit_exceeded", "channels");

  const std::string long_text = "\"" + repeat('x', 257) + "\"";
  const std::string max_text = "\"" + repeat('x', 256) + "\"";
  expect(decode_cancel("i", R"({"reason": )" + long_text + "}", kLimits), "limit_exceeded",
         "reason");
  CHECK(ok(decode_cancel("i", R"({"reason": )" + max_text + "}", kLimits)).reason.size() == 256);
  expect(decode_upsert_agent("a", R"({"attributes": {"k": )" + long_text + "}}", kLimits),
         "limit_exceeded", "attributes.k");
  expect(decode_upsert_agent("a", R"({"attributes": {)" + long_text + ": 1}}", kLimits),
         "limit_exceeded", "attributes");
  expect(
      decode_create_interaction(
          R"({"id": ")" + repeat('i', 129) + R"(", "channel": "c", "customer_id": "c"})", kLimits),
      "limit_exceeded", "id");
  expect(decode_create_interaction(
             R"({"id": "i", "channel": "c", "customer_id": ")" + repeat('c', 129) + "\"}", kLimits),
         "limit_exceeded", "customer_id");

  DecodeLimits small;
  small.max_attributes = 1;
  small.max_string_length = 3;
  expect(decode_upsert_agent("a", R"({"attributes": {"a": 1, "b": 2}})", small), "limit_exceeded",
         "attributes");
  expect(decode_agent_state("a", R"({"state": "away", "reason": "four"})", small), "limit_exceeded",
         "reason");
}

// ---------------------------------------------------------------------------------------------
// The stream.

TEST_CASE("stream: every op decodes to the command its HTTP call would") {
  WsRequest sub = ws_ok(
      R"({"op": "subscribe", "agents": ["a1", "a2"], "queues": ["billing"], "request_id": "r1"})");
  CHECK(sub.op == "subscribe");
  CHECK(sub.request_id == "r1");
  const Subscribe& s = std::get<Subscribe>(sub.body);
  CHECK(s.agents == std::vector<std::string>{"a1", "a2"});
  CHECK(s.queues == std::vector<std::string>{"billing"});
  const Subscribe all = std::get<Subscribe>(ws_ok(R"({"op":"subscribe","agents":["*"]})").body);
  CHECK(all.agents == std::vector<std::string>{"*"});
  CHECK(all.queues.empty());

  const auto upsert = ws_command<UpsertAgent>(
      R"({"op": "agent.upsert", "id": "a1", "skills": {"billing": 8}, "kind": "bot"})",
      "agent.upsert");
  CHECK(upsert.agent_id == "a1");
  CHECK(upsert.skills.size() == 1);
  CHECK(upsert.kind == AgentKind::Bot);

  const auto state = ws_command<SetAgentState>(
      R"({"op": "agent.state", "id": "a1", "state": "available", "reason": "back"})",
      "agent.state");
  CHECK(state.agent_id == "a1");
  CHECK(state.state == Presence::Available);
  CHECK(state.reason == "back");

  WsRequest create = ws_ok(
      R"({"op": "interaction.create", "request_id": "r2", "id": "chat-991", "channel": "chat", "customer_id": "c-42"})");
  CHECK(create.request_id == "r2");
  const auto& c = std::get<CreateInteraction>(std::get<Command>(create.body));
  CHECK(c.interaction_id == "chat-991");
  CHECK(c.customer_id == "c-42");

  const auto update = ws_command<UpdateInteraction>(
      R"({"op": "interaction.update", "id": "i1", "sentiment": -0.8})", "interaction.update");
  CHECK(update.interaction_id == "i1");
  CHECK(update.sentiment == -0.8);

  const auto cancel = ws_command<CancelInteraction>(
      R"({"op": "interaction.cancel", "id": "i1", "reason": "gone"})", "interaction.cancel");
  CHECK(cancel.interaction_id == "i1");
  CHECK(cancel.reason == "gone");

  const auto transfer = ws_command<TransferInteraction>(
      R"({"op": "interaction.transfer", "id": "i1", "queue": "tech"})", "interaction.transfer");
  CHECK(transfer.interaction_id == "i1");
  CHECK(transfer.queue == "tech");

  const auto complete = ws_command<CompleteInteraction>(
      R"({"op": "interaction.complete", "id": "i1"})", "interaction.complete");
  CHECK(complete.interaction_id == "i1");
  CHECK(complete.outcome == "resolved");

  CHECK(ws_command<AcceptOffer>(R"({"op": "offer.accept", "offer_id": "17"})", "offer.accept")
            .offer_id == 17);
  const auto reject = ws_command<RejectOffer>(
      R"({"op": "offer.reject", "offer_id": "9", "reason": "busy"})", "offer.reject");
  CHECK(reject.offer_id == 9);
  CHECK(reject.reason == "busy");
}

TEST_CASE("stream: refusals echo the request_id when it could be read") {
  WsDecodeError e = ws_refused(R"({"request_id": "r3"})");
  expect(e.error, "missing_field", "op");
  CHECK(e.request_id == "r3");

  e = ws_refused(R"({"op": "agent.delete", "request_id": "r4"})");
  expect(e.error, "invalid_field", "op");
  CHECK(e.error.message.find("interaction.create") != std::string::npos);
  CHECK(e.request_id == "r4");

  e = ws_refused(R"({"op": "interaction.create", "request_id": "r5", "id": "i", "channel": "c",
                     "customer_id": "c", "sentiment": 2})");
  expect(e.error, "invalid_field", "sentiment");
  CHECK(e.request_id == "r5");

  e = ws_refused(R"({"op": "agent.upsert", "request_id": "r6", "skills": {}})");
  expect(e.error, "missing_field", "id");
  CHECK(e.request_id == "r6");

  e = ws_refused(R"({"op": "interaction.cancel", "id": "i", "request_id": "r7", "outcome": "x"})");
  expect(e.error, "unknown_field", "outcome");
  CHECK(e.request_id == "r7");

  e = ws_refused(R"({"op": "offer.accept", "request_id": "r8", "offer_id": 17})");
  expect(e.error, "invalid_field", "offer_id");
  CHECK(e.request_id == "r8");
  expect(ws_refused(R"({"op": "offer.reject", "offer_id": "0"})").error, "invalid_field",
         "offer_id");
  expect(ws_refused(R"({"op": "offer.accept"})").error, "missing_field", "offer_id");

  // What cannot be read is not echoed.
  e = ws_refused(R"({"op": "subscribe", "request_id": 7})");
  expect(e.error, "invalid_field", "request_id");
  CHECK(!e.request_id);
  e = ws_refused(R"({"op": "subscribe", "request_id": ")" + repeat('r', 129) + "\"}");
  expect(e.error, "limit_exceeded", "request_id");
  CHECK(!e.request_id);
  e = ws_refused(R"({"op": "subscribe", "request_id": "r9", )");
  expect(e.error, "malformed_json", std::nullopt);
  CHECK(!e.request_id);
  expect(ws_refused("").error, "malformed_json", std::nullopt);
  expect(ws_refused("[]").error, "invalid_field", std::nullopt);
  expect(ws_refused(R"({"op": 5})").error, "invalid_field", "op");
}

TEST_CASE("stream: subscriptions are bounded lists of names") {
  expect(ws_refused(R"({"op": "subscribe", "agents": "a1"})").error, "invalid_field", "agents");
  expect(ws_refused(R"({"op": "subscribe", "queues": ["q", 1]})").error, "invalid_field",
         "queues[1]");
  expect(ws_refused(R"({"op": "subscribe", "queues": [""]})").error, "invalid_field", "queues[0]");
  DecodeLimits small;
  small.max_subscriptions = 2;
  auto decoded = decode_ws_message(R"({"op": "subscribe", "agents": ["a", "b", "c"]})", small);
  REQUIRE(std::holds_alternative<WsDecodeError>(decoded));
  expect(std::get<WsDecodeError>(decoded).error, "limit_exceeded", "agents");
}

// ---------------------------------------------------------------------------------------------
// Errors.

TEST_CASE("core errors map to the documented status and code") {
  struct Case {
    ErrorCode code;
    int status;
    std::string_view name;
  };
  const Case cases[] = {
      {ErrorCode::InvalidField, 400, "invalid_field"},
      {ErrorCode::LimitExceeded, 400, "limit_exceeded"},
      {ErrorCode::NotFound, 404, "not_found"},
      {ErrorCode::Conflict, 409, "conflict"},
      {ErrorCode::InvalidState, 409, "invalid_state"},
      {ErrorCode::CapacityBelowLoad, 409, "capacity_below_load"},
      {ErrorCode::UnknownSkill, 422, "unknown_skill"},
      {ErrorCode::UnknownChannel, 422, "unknown_channel"},
      {ErrorCode::UnknownQueue, 422, "unknown_queue"},
      {ErrorCode::NoQueue, 422, "no_queue"},
      {ErrorCode::NoPolicy, 503, "no_policy"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const ApiError e = from_core_error(make_error(c.code, "skills.billing", "m"));
    CHECK(e.status == c.status);
    CHECK(e.code == c.name);
    CHECK(e.field == "skills.billing");
    CHECK(e.message == "m");
  }
  CHECK(!from_core_error(make_error(ErrorCode::NoPolicy, "", "none")).field);
}

TEST_CASE("encode_error: one shape; details only when there are some") {
  ApiError e{400, "invalid_field", "sentiment", "sentiment is a number from -1 to 1", {}};
  std::string text = encode_error(e);
  CHECK(
      text ==
      R"({"error":{"code":"invalid_field","field":"sentiment","message":"sentiment is a number from -1 to 1"}})");
  e = ApiError{422,
               "invalid_policy",
               std::nullopt,
               "the policy does not compile",
               {"api:12:7: unknown skill 'biling'", "api:13:1: x"}};
  const json::object error = error_of(encode_error(e));
  CHECK(is_null(error, "field"));
  CHECK(str(error, "code") == "invalid_policy");
  REQUIRE(error.at("details").is_array());
  CHECK(error.at("details").as_array().size() == 2);
  CHECK(error.at("details").as_array()[0].as_string() == "api:12:7: unknown skill 'biling'");
}

// ---------------------------------------------------------------------------------------------
// Replies and views.

TEST_CASE("replies") {
  Reply r;
  r.presence = Presence::WrapUp;
  CHECK(encode_agent_reply("a1", r) == R"({"id":"a1","presence":"wrap_up"})");
  r.interaction_id = "chat-991";
  r.state = InteractionState::Offered;
  r.queue = "billing";
  CHECK(encode_interaction_reply(r) == R"({"id":"chat-991","state":"offered","queue":"billing"})");
  r.queue.clear();
  r.state = InteractionState::Transferred;
  CHECK(encode_interaction_reply(r) == R"({"id":"chat-991","state":"transferred","queue":null})");

  const json::object reply =
      parse_object(encode_ws_reply("r2", 202, R"({"id":"chat-991","state":"queued","queue":"b"})"));
  CHECK(str(reply, "op") == "reply");
  CHECK(str(reply, "request_id") == "r2");
  CHECK(num(reply, "status") == 202);
  CHECK(str(object_of(reply.at("result")), "state") == "queued");
  const json::object error =
      parse_object(encode_ws_error(std::nullopt, ApiError{404, "not_found", "id", "no agent", {}}));
  CHECK(str(error, "op") == "error");
  CHECK(is_null(error, "request_id"));
  CHECK(num(error, "status") == 404);
  CHECK(str(object_of(error.at("error")), "field") == "id");
}

constexpr Timestamp kT0{1'795'599'000'000'000};  // 2026-11-25T09:30:00Z

TEST_CASE("agent view, field by field") {
  AgentView a;
  a.id = "a1";
  a.kind = AgentKind::Human;
  a.presence = Presence::Available;
  a.skills = {{"billing", 8}};
  a.languages = {"en"};
  a.attributes = {{"team", std::string("emea")}, {"tier", 2.0}, {"remote", true}};
  a.channels = {{"chat", 3, 1, 2}, {"voice", 1, 0, 0}};
  a.idle_since = kT0;
  a.consecutive_misses = 2;
  const json::object o = parse_object(encode_agent(a));
  CHECK(o.size() == 11);
  CHECK(str(o, "id") == "a1");
  CHECK(str(o, "kind") == "human");
  CHECK(str(o, "presence") == "available");
  CHECK(str(o, "reason") == "");
  CHECK(num(object_of(o.at("skills")), "billing") == 8);
  CHECK(o.at("languages").as_array().size() == 1);
  const json::object& attributes = object_of(o.at("attributes"));
  CHECK(str(attributes, "team") == "emea");
  CHECK(num(attributes, "tier") == 2);
  CHECK(attributes.at("remote").as_bool());
  const json::object& chat = object_of(object_of(o.at("channels")).at("chat"));
  CHECK(num(chat, "capacity") == 3);
  CHECK(num(chat, "load") == 1);
  CHECK(num(chat, "free") == 2);
  CHECK(str(o, "idle_since") == "2026-11-25T09:30:00.000000Z");
  CHECK(num(o, "consecutive_misses") == 2);
  CHECK(num(o, "consecutive_negative") == 0);

  const json::object list = parse_object(encode_agents(std::vector<AgentView>{a, a}));
  CHECK(list.at("agents").as_array().size() == 2);
  CHECK(encode_agents({}) == R"({"agents":[]})");
}

ScoreBreakdown score(std::string agent, double total) {
  return ScoreBreakdown{std::move(agent), total, 0.8, 1.0, 0.4, 0.0, 1.0};
}

InteractionSummary summary() {
  InteractionSummary s;
  s.id = "chat-991";
  s.channel = "chat";
  s.customer_id = "c-42";
  s.attributes = {{"intent", std::string("billing")}, {"language", std::string("es")}};
  s.sentiment = -0.4;
  s.priority = 0;
  s.queue = "billing";
  s.created_at = kT0;
  return s;
}

TEST_CASE("interaction view: flattened, nulls for what is absent") {
  InteractionView v;
  v.summary = summary();
  v.state = InteractionState::Offered;
  v.agent_id = "a1";
  v.offer_id = 17;
  v.queued_at = kT0 + std::chrono::milliseconds(5);
  v.effective_priority = 5;
  v.explanation = Explanation{"billing", 0, "best_score", score("a1", 3.2), std::nullopt, 4};
  std::string text = encode_interaction(v);
  CHECK(text.find(R"("sentiment":-0.4)") != std::string::npos);  // as people write it
  CHECK(text.find(R"("effective_priority":5.0)") != std::string::npos);
  const json::object o = parse_object(text);
  CHECK(o.size() == 21);  // the 21 fields of docs/api.md
  CHECK(str(o, "id") == "chat-991");
  CHECK(str(o, "channel") == "chat");
  CHECK(str(o, "customer_id") == "c-42");
  CHECK(str(object_of(o.at("attributes")), "language") == "es");
  CHECK(num(o, "sentiment") == -0.4);
  CHECK(num(o, "priority") == 0);
  CHECK(str(o, "queue") == "billing");
  CHECK(str(o, "state") == "offered");
  CHECK(num(o, "step") == 0);
  CHECK(str(o, "agent_id") == "a1");
  CHECK(str(o, "offer_id") == "17");
  CHECK(is_null(o, "held_for_agent"));
  CHECK(str(o, "created_at") == "2026-11-25T09:30:00.000000Z");
  CHECK(str(o, "queued_at") == "2026-11-25T09:30:00.005000Z");
  CHECK(is_null(o, "answered_at"));
  CHECK(is_null(o, "ended_at"));
  CHECK(is_null(o, "estimated_wait_s"));
  CHECK(num(o, "effective_priority") == 5);
  CHECK(num(o, "transfers") == 0);
  CHECK(is_null(o, "outcome"));
  const json::object& x = object_of(o.at("explanation"));
  CHECK(str(x, "queue") == "billing");
  CHECK(str(x, "reason") == "best_score");
  CHECK(num(x, "candidates") == 4);
  CHECK(is_null(x, "runner_up"));
  const json::object& chosen = object_of(x.at("chosen"));
  CHECK(str(chosen, "agent_id") == "a1");
  CHECK(num(chosen, "total") == 3.2);
  for (const char* k : {"skill", "idle", "load", "affinity", "sentiment"})
    CHECK(chosen.contains(k));

  v.explanation.reset();
  v.offer_id = 0;
  v.agent_id.clear();
  v.state = InteractionState::Queued;
  v.estimated_wait = std::chrono::milliseconds(1500);
  v.held_for_agent = "a7";
  v.outcome = "resolved";
  v.answered_at = kT0;
  const json::object q = parse_object(encode_interaction(v));
  CHECK(is_null(q, "explanation"));
  CHECK(is_null(q, "offer_id"));
  CHECK(is_null(q, "agent_id"));
  CHECK(num(q, "estimated_wait_s") == 1.5);
  CHECK(str(q, "held_for_agent") == "a7");
  CHECK(str(q, "outcome") == "resolved");
  CHECK(str(q, "answered_at") == "2026-11-25T09:30:00.000000Z");
}

TEST_CASE("queue view and list") {
  QueueView q;
  q.name = "billing";
  q.priority = 2;
  q.waiting = 3;
  q.oldest_wait = std::chrono::microseconds(12'500'000);
  q.entered = 10;
  q.answered = 7;
  q.answered_within_sla = 6;
  q.service_level = 0.75;
  q.sla_threshold = std::chrono::seconds(20);
  q.service_rate_per_s = 0.25;
  q.eligible_agents_available = 4;
  const json::object o = parse_object(encode_queue(q));
  CHECK(o.size() == 19);
  CHECK(str(o, "name") == "billing");
  CHECK(o.at("active").as_bool());
  CHECK(num(o, "priority") == 2);
  CHECK(num(o, "waiting") == 3);
  CHECK(num(o, "oldest_wait_s") == 12.5);
  CHECK(num(o, "entered") == 10);
  CHECK(num(o, "answered") == 7);
  CHECK(num(o, "answered_within_sla") == 6);
  for (const char* k :
       {"abandoned", "abandoned_within_sla", "transferred_out", "overflowed", "sla_breaches"}) {
    CHECK(num(o, k) == 0);
  }
  CHECK(num(o, "service_level") == 0.75);
  CHECK(num(o, "sla_target") == 0.8);
  CHECK(num(o, "sla_threshold_s") == 20);
  CHECK(is_null(o, "estimated_wait_s"));
  CHECK(num(o, "service_rate_per_s") == 0.25);
  CHECK(num(o, "eligible_agents_available") == 4);
  q.estimated_wait = std::chrono::seconds(30);
  const json::object list = parse_object(encode_queues(std::vector<QueueView>{q}));
  CHECK(num(object_of(list.at("queues").as_array()[0]), "estimated_wait_s") == 30);
}

JourneyContact contact() {
  JourneyContact c;
  c.interaction_id = "v-1";
  c.channel = "voice";
  c.queue = "billing";
  c.agent_id = "a1";
  c.intent = "billing";
  c.created_at = kT0 - std::chrono::hours(24);
  c.answered_at = kT0 - std::chrono::hours(24) + std::chrono::seconds(30);
  c.outcome = "resolved";
  c.sentiment = 0.2;
  return c;
}

TEST_CASE("journey") {
  JourneyContact unanswered;
  unanswered.interaction_id = "c-2";
  unanswered.channel = "chat";
  unanswered.created_at = kT0;
  const std::vector<JourneyContact> contacts = {contact(), unanswered};
  const json::object o = parse_object(encode_journey("c-42", contacts));
  CHECK(str(o, "customer_id") == "c-42");
  const json::array& list = o.at("contacts").as_array();
  REQUIRE(list.size() == 2);
  const json::object& first = object_of(list[0]);
  CHECK(first.size() == 10);
  CHECK(str(first, "interaction_id") == "v-1");
  CHECK(str(first, "channel") == "voice");
  CHECK(str(first, "queue") == "billing");
  CHECK(str(first, "agent_id") == "a1");
  CHECK(str(first, "intent") == "billing");
  CHECK(str(first, "created_at") == "2026-11-24T09:30:00.000000Z");
  CHECK(str(first, "answered_at") == "2026-11-24T09:30:30.000000Z");
  CHECK(is_null(first, "ended_at"));
  CHECK(str(first, "outcome") == "resolved");
  CHECK(num(first, "sentiment") == 0.2);
  const json::object& second = object_of(list[1]);
  for (const char* k : {"queue", "agent_id", "intent", "answered_at", "ended_at", "outcome"}) {
    CHECK(is_null(second, k));
  }
  CHECK(encode_journey("nobody", {}) == R"({"customer_id":"nobody","contacts":[]})");
}

TEST_CASE("strings are escaped, and bytes that are not UTF-8 replaced") {
  ApiError e{400,
             "invalid_field",
             std::string("a\"b\\c"),
             std::string("line\nbreak\ttab\x01\x1f end \xe2\x82\xac \xff\xc3 done"),
             {}};
  const json::object error = error_of(encode_error(e));
  CHECK(str(error, "field") == "a\"b\\c");
  CHECK(str(error, "message") ==
        "line\nbreak\ttab\x01\x1f end \xe2\x82\xac \xef\xbf\xbd\xef\xbf\xbd done");
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes += static_cast<char>(b);
  e.message = all_bytes;
  (void)parse_back(encode_error(e));
}

TEST_CASE("numbers: shortest form, integers as N.0, non-finite as null") {
  QueueView q;
  q.name = "q";
  q.service_level = std::numeric_limits<double>::quiet_NaN();
  q.priority = std::numeric_limits<double>::infinity();
  q.sla_target = 1e23;
  q.service_rate_per_s = -0.0;
  const std::string text = encode_queue(q);
  CHECK(text.find(R"("service_level":null)") != std::string::npos);
  CHECK(text.find(R"("priority":null)") != std::string::npos);
  CHECK(text.find(R"("sla_target":1e+23)") != std::string::npos);
  CHECK(text.find(R"("service_rate_per_s":-0.0)") != std::string::npos);
  CHECK(text.find(R"("oldest_wait_s":0.0)") != std::string::npos);
  (void)parse_back(text);
}

// ---------------------------------------------------------------------------------------------
// Events.

json::object cloud_event(const Event& e, std::uint64_t id = 1289) {
  const json::value v = parse_back(encode_cloud_event(e, id, "switchboard"));
  const json::object& o = object_of(v);
  CHECK(str(o, "specversion") == "1.0");
  CHECK(str(o, "id") == std::to_string(id));
  CHECK(str(o, "source") == "switchboard");
  CHECK(str(o, "type") == event_type(e));
  CHECK(str(o, "time") == format_time(e.time));
  CHECK(str(o, "datacontenttype") == "application/json");
  REQUIRE(o.at("data").is_object());
  return o;
}

TEST_CASE("cloud event: offer.created") {
  OfferCreated offer;
  offer.offer_id = 17;
  offer.agent_id = "a1";
  offer.interaction = summary();
  offer.journey = {contact()};
  offer.explanation =
      Explanation{"billing", 1, "best_score", score("a1", 3.2), score("a7", 2.9), 4};
  offer.expires_at = kT0 + std::chrono::seconds(20);
  const Event e{kT0, offer};
  const json::object o = cloud_event(e, 18446744073709551615ull);
  CHECK(str(o, "id") == "18446744073709551615");
  CHECK(str(o, "type") == "switchboard.offer.created");
  CHECK(str(o, "time") == "2026-11-25T09:30:00.000000Z");
  CHECK(str(o, "subject") == "a1");
  const json::object& d = o.at("data").as_object();
  CHECK(d.size() == 6);
  CHECK(str(d, "offer_id") == "17");
  CHECK(str(d, "agent_id") == "a1");
  const json::object& i = object_of(d.at("interaction"));
  CHECK(i.size() == 8);  // the summary, without routing fields
  CHECK(str(i, "id") == "chat-991");
  CHECK(str(i, "queue") == "billing");
  CHECK(num(i, "sentiment") == -0.4);
  CHECK(str(i, "created_at") == "2026-11-25T09:30:00.000000Z");
  CHECK(str(object_of(d.at("journey").as_array()[0]), "interaction_id") == "v-1");
  const json::object& x = object_of(d.at("explanation"));
  CHECK(num(x, "step") == 1);
  CHECK(str(object_of(x.at("runner_up")), "agent_id") == "a7");
  CHECK(num(object_of(x.at("runner_up")), "total") == 2.9);
  CHECK(str(d, "expires_at") == "2026-11-25T09:30:20.000000Z");
  const EventScope scope = event_scope(e);
  CHECK(scope.agent == "a1");
  CHECK(scope.queue == "billing");
  CHECK(!scope.broadcast);
}

TEST_CASE("cloud event: offer ended, queued, assigned, abandoned") {
  for (auto [reason, type] :
       {std::pair{OfferEndReason::Rejected, "switchboard.offer.rejected"},
        std::pair{OfferEndReason::Expired, "switchboard.offer.expired"},
        std::pair{OfferEndReason::Withdrawn, "switchboard.offer.withdrawn"}}) {
    const json::object o = cloud_event(Event{kT0, OfferEnded{17, "a1", "i1", reason}});
    CHECK(str(o, "type") == type);
    CHECK(str(o, "subject") == "a1");
    const json::object& d = o.at("data").as_object();
    CHECK(d.size() == 3);
    CHECK(str(d, "offer_id") == "17");
    CHECK(str(d, "agent_id") == "a1");
    CHECK(str(d, "interaction_id") == "i1");
  }

  json::object o = cloud_event(Event{kT0, InteractionQueued{"i1", "billing", 2, ""}});
  CHECK(str(o, "subject") == "billing");
  json::object d = o.at("data").as_object();
  CHECK(d.size() == 4);
  CHECK(str(d, "interaction_id") == "i1");
  CHECK(str(d, "queue") == "billing");
  CHECK(num(d, "step") == 2);
  CHECK(is_null(d, "held_for_agent"));
  o = cloud_event(Event{kT0, InteractionQueued{"i1", "billing", 0, "a3"}});
  CHECK(str(o.at("data").as_object(), "held_for_agent") == "a3");

  const Event assigned{
      kT0, InteractionAssigned{"i1", "a1", "billing", 17, std::chrono::microseconds(2'250'000)}};
  o = cloud_event(assigned);
  CHECK(str(o, "subject") == "a1");
  d = o.at("data").as_object();
  CHECK(d.size() == 5);
  CHECK(str(d, "agent_id") == "a1");
  CHECK(str(d, "queue") == "billing");
  CHECK(str(d, "offer_id") == "17");
  CHECK(num(d, "waited_s") == 2.25);
  CHECK(event_scope(assigned).queue == "billing");

  o = cloud_event(Event{kT0, InteractionAbandoned{"i1", "billing", std::chrono::seconds(40)}});
  CHECK(str(o, "subject") == "billing");
  d = o.at("data").as_object();
  CHECK(d.size() == 3);
  CHECK(num(d, "waited_s") == 40);
}

TEST_CASE("cloud event: ended, transferred, agent state, SLA breach, policy") {
  for (auto [state, type] :
       {std::pair{InteractionState::WrapUp, "switchboard.interaction.wrap_up"},
        std::pair{InteractionState::Completed, "switchboard.interaction.completed"},
        std::pair{InteractionState::Cancelled, "switchboard.interaction.cancelled"}}) {
    const json::object o = cloud_event(Event{kT0, InteractionEnded{"i1", "a1", state, "resolved"}});
    CHECK(str(o, "type") == type);
    const json::object& d = o.at("data").as_object();
    CHECK(d.size() == 4);
    CHECK(str(d, "state") == to_string(state));
    CHECK(str(d, "outcome") == "resolved");
  }
  // No agent: the subject is the interaction.
  json::object o =
      cloud_event(Event{kT0, InteractionEnded{"i1", "", InteractionState::Cancelled, ""}});
  CHECK(str(o, "subject") == "i1");
  CHECK(is_null(o.at("data").as_object(), "agent_id"));
  CHECK(is_null(o.at("data").as_object(), "outcome"));

  const Event to_queue{kT0, InteractionTransferred{"i1", "billing", "tech", ""}};
  o = cloud_event(to_queue);
  CHECK(str(o, "subject") == "tech");
  json::object d = o.at("data").as_object();
  CHECK(d.size() == 4);
  CHECK(str(d, "from_queue") == "billing");
  CHECK(str(d, "to_queue") == "tech");
  CHECK(is_null(d, "to_agent"));
  EventScope scope = event_scope(to_queue);
  CHECK(scope.queue == "tech");
  CHECK(scope.other_queue == "billing");
  CHECK(scope.agent.empty());
  const Event to_agent{kT0, InteractionTransferred{"i1", "billing", "", "a9"}};
  CHECK(str(cloud_event(to_agent), "subject") == "a9");
  CHECK(event_scope(to_agent).agent == "a9");
  CHECK(str(cloud_event(Event{kT0, InteractionTransferred{"i1", "billing", "", ""}}), "subject") ==
        "billing");

  o = cloud_event(Event{kT0, AgentStateChanged{"a1", Presence::Away, "lunch"}});
  CHECK(str(o, "type") == "switchboard.agent.state");
  CHECK(str(o, "subject") == "a1");
  d = o.at("data").as_object();
  CHECK(d.size() == 3);
  CHECK(str(d, "presence") == "away");
  CHECK(str(d, "reason") == "lunch");

  o = cloud_event(Event{kT0, SlaBreach{"i1", "billing", std::chrono::seconds(20)}});
  CHECK(str(o, "subject") == "billing");
  d = o.at("data").as_object();
  CHECK(d.size() == 3);
  CHECK(num(d, "threshold_s") == 20);

  o = cloud_event(
      Event{kT0, QueueServiceLevel{"billing", true, 0.5, 0.8, std::chrono::minutes(15), 12}});
  CHECK(str(o, "type") == "switchboard.queue.sla_below_target");
  CHECK(str(o, "subject") == "billing");
  d = o.at("data").as_object();
  CHECK(d.size() == 6);
  CHECK(d.at("below_target").as_bool());
  CHECK(num(d, "service_level") == 0.5);
  CHECK(num(d, "target") == 0.8);
  CHECK(num(d, "window_s") == 900);
  CHECK(num(d, "samples") == 12);
  o = cloud_event(
      Event{kT0, QueueServiceLevel{"billing", false, 0.9, 0.8, std::chrono::minutes(15), 30}});
  CHECK(str(o, "type") == "switchboard.queue.sla_recovered");

  o = cloud_event(Event{kT0, SentimentDrop{"i1", "billing", "a1", 0.2, -0.4, -0.5, "sharp_drop"}});
  CHECK(str(o, "type") == "switchboard.sentiment.drop");
  CHECK(str(o, "subject") == "a1");
  d = o.at("data").as_object();
  CHECK(d.size() == 7);
  CHECK(str(d, "interaction_id") == "i1");
  CHECK(str(d, "queue") == "billing");
  CHECK(num(d, "from") == 0.2);
  CHECK(num(d, "to") == -0.4);
  CHECK(num(d, "threshold") == -0.5);
  CHECK(str(d, "reason") == "sharp_drop");
  o = cloud_event(
      Event{kT0, SentimentDrop{"i2", "billing", "", 0.0, -0.6, -0.5, "below_threshold"}});
  CHECK(str(o, "subject") == "billing");  // nobody handles it yet: the queue's supervisors
  CHECK(o.at("data").as_object().at("agent_id").is_null());

  const Event reload{kT0, PolicyInstalled{4, 12}};
  o = cloud_event(reload);
  CHECK(str(o, "type") == "switchboard.policy.reloaded");
  CHECK(!o.contains("subject"));  // it concerns no agent, queue or interaction
  d = o.at("data").as_object();
  CHECK(num(d, "version") == 4);
  CHECK(num(d, "requeued") == 12);
  CHECK(event_scope(reload).broadcast);
}

// ---------------------------------------------------------------------------------------------
// Time.

TEST_CASE("format_time: RFC 3339, UTC, microseconds") {
  CHECK(format_time(Timestamp{0}) == "1970-01-01T00:00:00.000000Z");
  CHECK(format_time(kT0) == "2026-11-25T09:30:00.000000Z");
  CHECK(format_time(kT0 + std::chrono::microseconds(7)) == "2026-11-25T09:30:00.000007Z");
  CHECK(format_time(kT0 + std::chrono::microseconds(123'456)) == "2026-11-25T09:30:00.123456Z");
  CHECK(format_time(Timestamp{1'709'251'199'999'999}) == "2024-02-29T23:59:59.999999Z");
  CHECK(format_time(Timestamp{1'709'251'200'000'000}) == "2024-03-01T00:00:00.000000Z");
  // Before the epoch: floor, not truncation toward zero.
  CHECK(format_time(Timestamp{-1}) == "1969-12-31T23:59:59.999999Z");
  CHECK(format_time(Timestamp{-1'000'000}) == "1969-12-31T23:59:59.000000Z");
  CHECK(format_time(Timestamp{-2'203'848'000'000'000}) == "1900-03-01T12:00:00.000000Z");
  // What RFC 3339 cannot write is clamped to years 0000 and 9999.
  CHECK(format_time(Timestamp{std::numeric_limits<std::int64_t>::min()}) ==
        "0000-01-01T00:00:00.000000Z");
  CHECK(format_time(Timestamp{std::numeric_limits<std::int64_t>::max()}) ==
        "9999-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace sb::api
