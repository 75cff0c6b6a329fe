// End to end, on the real binary: the routing policy at run time. GET /v1/policy, a refused PUT
// (422 with FILE:LINE:COLUMN and a hint) that leaves the old policy routing, validate, a PUT that
// takes effect at once, the history of every attempt, SIGHUP and file-watch reloads (a broken
// edit leaves the running policy alone), and the policy.reloaded event on the stream.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>

#include "engine/policy/reloader.h"
#include "tests/e2e/api_helpers.h"

namespace sb::e2e {
namespace {

using namespace std::chrono_literals;

// The e2e policy with one more queue, `name`, for interactions whose intent is `name`.
std::string with_queue(const std::string& name) {
  std::string policy = e2e_policy();
  const std::size_t general = policy.find("  - name: general");
  REQUIRE(general != std::string::npos);
  policy.insert(general,
                "  - name: " + name + "\n    match: \"interaction.attributes.intent == '" + name +
                    "'\"\n    priority: 20\n    sla: {answer_within: 30s, target: 80%}\n"
                    "    steps:\n      - after: 0s\n        agents: \"kind == 'human'\"\n");
  return policy;
}

// The e2e policy with a misspelt skill in the billing queue.
std::string misspelt() {
  std::string policy = e2e_policy();
  const std::string good = "skills: [billing]\n";
  const std::size_t at = policy.find(good);
  REQUIRE(at != std::string::npos);
  policy.replace(at, good.size(), "skills: [biling]\n");
  return policy;
}

// "LINE:COLUMN" (1-based) of the first `needle` in `text`.
std::string position_of(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  const auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
  const std::size_t line_start = text.rfind('\n', at);
  const std::size_t column = line_start == std::string::npos ? at + 1 : at - line_start;
  return std::to_string(line + 1) + ":" + std::to_string(column);
}

// Replaces the file in one step (write aside, rename), so that a watcher never reads half of it.
void replace_file(const std::string& path, const std::string& text) {
  write_file(path + ".new", text);
  std::filesystem::rename(path + ".new", path);
}

std::vector<std::string> queue_names(client::HttpClient& http) {
  auto r = http.request("GET", "/v1/queues");
  REQUIRE(r.status == 200);
  std::vector<std::string> names;
  const json::object body = parse_object(r.body);
  for (const auto& q : body.at("queues").as_array()) {
    names.push_back(string_at(q.as_object(), "name"));
  }
  return names;
}

bool has_queue(client::HttpClient& http, const std::string& name) {
  const auto names = queue_names(http);
  return std::find(names.begin(), names.end(), name) != names.end();
}

json::array history(client::HttpClient& http) {
  auto r = http.request("GET", "/v1/policy/history");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return parse_object(r.body).at("history").as_array();
}

// The queue an interaction with this intent lands in (a fresh id each call).
std::string routed_to(client::HttpClient& http, const std::string& intent) {
  static int next = 0;
  const std::string id = "route-" + std::to_string(++next);
  auto r = http.request("POST", "/v1/interactions",
                        R"({"id":")" + id +
                            R"(","channel":"email","customer_id":"c","attributes":)"
                            R"({"intent":")" +
                            intent + "\"}}");
  REQUIRE_MESSAGE(r.status == 202, r.body);
  return string_at(parse_object(r.body), "queue");
}

json::object current_policy(client::HttpClient& http) {
  auto r = http.request("GET", "/v1/policy");
  REQUIRE(r.status == 200);
  return parse_object(r.body);
}

TEST_CASE("the policy over HTTP: read, refuse, validate, install, history, and the event") {
  ServerProcess server(e2e_spec("policy_watch: 0s\n"));
  client::HttpClient http(server.endpoint());
  CHECK(http.request("GET", "/readyz").status == 200);
  CHECK(http.request("GET", "/livez").status == 200);
  client::StreamClient stream(server.endpoint());
  subscribe_everything(stream);

  const std::string original = e2e_policy();
  auto first = current_policy(http);
  CHECK(number_at(first, "version") == 1);
  CHECK(string_at(first, "sha256") == policy::sha256_hex(original));
  CHECK(string_at(first, "source") == original);

  // A misspelt skill: 422 with every problem at api:LINE:COLUMN, and a hint.
  const std::string bad = misspelt();
  auto refused = http.request("PUT", "/v1/policy", bad, "application/yaml");
  expect_error(refused, 422, "invalid_policy", kAnyField, "a misspelt skill");
  const json::object error = parse_object(refused.body).at("error").as_object();
  REQUIRE(error.contains("details"));
  bool located = false;
  for (const auto& line : error.at("details").as_array()) {
    const std::string text(line.as_string());
    located = located || (text.starts_with("api:" + position_of(bad, "biling") + ":") &&
                          text.find("did you mean 'billing'") != std::string::npos);
  }
  CHECK_MESSAGE(located, refused.body);
  // The old policy runs on.
  CHECK(string_at(current_policy(http), "sha256") == policy::sha256_hex(original));
  CHECK(routed_to(http, "billing") == "billing");

  // The policy is YAML.
  expect_error(http.request("PUT", "/v1/policy", original, "application/json"), 415,
               "unsupported_media_type", nullptr, "a policy sent as JSON");

  // Validate checks without installing.
  const std::string good = with_queue("sales");
  auto valid = http.request("POST", "/v1/policy/validate", good, "application/yaml");
  REQUIRE_MESSAGE(valid.status == 200, valid.body);
  CHECK(parse_object(valid.body).at("valid") == true);
  CHECK(string_at(parse_object(valid.body), "sha256") == policy::sha256_hex(good));
  expect_error(http.request("POST", "/v1/policy/validate", bad, "application/yaml"), 422,
               "invalid_policy", kAnyField, "validating a misspelt skill");
  CHECK_FALSE(has_queue(http, "sales"));
  CHECK(routed_to(http, "sales") == "general");

  // A good policy takes effect at once.
  auto installed = http.request("PUT", "/v1/policy", good, "application/yaml");
  REQUIRE_MESSAGE(installed.status == 200, installed.body);
  const json::object answer = parse_object(installed.body);
  CHECK(answer.at("accepted") == true);
  CHECK(string_at(answer, "sha256") == policy::sha256_hex(good));
  const double version = number_at(answer, "version");
  CHECK(version > 1);
  auto now = current_policy(http);
  CHECK(number_at(now, "version") == version);
  CHECK(string_at(now, "source") == good);
  CHECK(has_queue(http, "sales"));
  CHECK(routed_to(http, "sales") == "sales");
  CHECK(routed_to(http, "billing") == "billing");

  // Subscribers hear of it.
  auto reloaded = stream.read_until(
      [](const std::string& m) {
        return m.find("switchboard.policy.reloaded") != std::string::npos;
      },
      10s);
  REQUIRE(reloaded);
  CHECK(number_at(parse_object(*reloaded).at("data").as_object(), "version") == version);

  // Every attempt is in the history, oldest first: validate and the 415 are not attempts.
  const json::array entries = history(http);
  REQUIRE(entries.size() == 3);
  const json::object& startup = entries[0].as_object();
  const json::object& failed = entries[1].as_object();
  const json::object& last = entries[2].as_object();
  CHECK(string_at(startup, "trigger") == "startup");
  CHECK(startup.at("accepted") == true);
  CHECK(string_at(startup, "sha256") == policy::sha256_hex(original));
  CHECK(string_at(failed, "trigger") == "api");
  CHECK(failed.at("accepted") == false);
  CHECK_FALSE(failed.at("errors").as_array().empty());
  CHECK(string_at(last, "trigger") == "api");
  CHECK(last.at("accepted") == true);
  CHECK(number_at(last, "version") == version);
  CHECK(last.at("errors").as_array().empty());
  CHECK_FALSE(string_at(last, "at").empty());
  stream.close();
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

TEST_CASE("SIGHUP reloads the policy file; a broken file leaves the old policy running") {
  ServerProcess server(e2e_spec("policy_watch: 0s\n"));
  client::HttpClient http(server.endpoint());
  const std::string returns = with_queue("returns");
  replace_file(server.policy_file(), returns);
  server.signal(SIGHUP);
  REQUIRE(eventually([&] { return has_queue(http, "returns"); }));
  // The reload thread records the history once the core has answered, so a query may see the
  // new queue a moment before the history has its entry.
  REQUIRE(eventually([&] { return history(http).size() == 2; }));
  auto entries = history(http);
  REQUIRE(entries.size() == 2);
  CHECK(string_at(entries[1].as_object(), "trigger") == "signal");
  CHECK(entries[1].at("accepted") == true);
  CHECK(string_at(current_policy(http), "source") == returns);

  replace_file(server.policy_file(), misspelt());
  server.signal(SIGHUP);
  REQUIRE(eventually([&] { return history(http).size() == 3; }));
  const json::object refused = history(http)[2].as_object();
  CHECK(string_at(refused, "trigger") == "signal");
  CHECK(refused.at("accepted") == false);
  const json::array errors = refused.at("errors").as_array();
  REQUIRE_FALSE(errors.empty());
  const std::string where = server.policy_file() + ":" + position_of(misspelt(), "biling") + ":";
  CHECK_MESSAGE(std::string(errors[0].as_string()).starts_with(where), json::serialize(errors));
  CHECK(string_at(current_policy(http), "source") == returns);
  CHECK(routed_to(http, "returns") == "returns");
  CHECK(http.request("GET", "/readyz").status == 200);
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

TEST_CASE("policy_watch: an edit of the file is reloaded; a broken edit is refused") {
  ServerProcess server(e2e_spec("policy_watch: 100ms\n"));
  client::HttpClient http(server.endpoint());
  client::StreamClient stream(server.endpoint());
  subscribe_everything(stream);

  const std::string loyalty = with_queue("loyalty");
  replace_file(server.policy_file(), loyalty);
  REQUIRE(eventually([&] { return has_queue(http, "loyalty"); }));
  // The reload thread records the history once the core has answered, so a query may see the
  // new queue a moment before the history has its entry.
  REQUIRE(eventually([&] { return history(http).size() == 2; }));
  auto entries = history(http);
  REQUIRE(entries.size() == 2);
  CHECK(string_at(entries[1].as_object(), "trigger") == "file_change");
  CHECK(entries[1].at("accepted") == true);
  CHECK(stream.read_until(
      [](const std::string& m) {
        return m.find("switchboard.policy.reloaded") != std::string::npos;
      },
      10s));
  CHECK(routed_to(http, "loyalty") == "loyalty");

  replace_file(server.policy_file(), misspelt());
  REQUIRE(eventually([&] { return history(http).size() == 3; }));
  const json::object refused = history(http)[2].as_object();
  CHECK(string_at(refused, "trigger") == "file_change");
  CHECK(refused.at("accepted") == false);
  CHECK(string_at(current_policy(http), "source") == loyalty);
  CHECK(routed_to(http, "loyalty") == "loyalty");
  // The refused edit is tried once, not on every look at the file.
  replace_file(server.policy_file(), with_queue("vip"));
  REQUIRE(eventually([&] { return has_queue(http, "vip"); }));
  CHECK(history(http).size() == 4);
  // A queue the policy no longer declares is kept for its statistics, inactive.
  auto loyalty_queue = http.request("GET", "/v1/queues/loyalty");
  REQUIRE(loyalty_queue.status == 200);
  CHECK(parse_object(loyalty_queue.body).at("active") == false);
  CHECK(routed_to(http, "loyalty") == "general");
  stream.close();
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

}  // namespace
}  // namespace sb::e2e
