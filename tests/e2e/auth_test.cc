// End to end, on the real binary: bearer tokens and roles (observer, platform, admin) on HTTP and
// on the stream, the health probes without a token, the per-token rate limit, and the start-ups
// that must be refused (a public address with auth off, a bad server config, a bad policy) with
// a message that says why and where.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>

#include "engine/policy/reloader.h"
#include "tests/e2e/api_helpers.h"

namespace sb::e2e {
namespace {

using namespace std::chrono_literals;

const std::string kObserver = "observer-secret-1";
const std::string kPlatform = "platform-secret-2";
const std::string kAdmin = "admin-secret-3";

// The auth section of a server config with the three tokens, by their SHA-256.
std::string tokens_config() {
  return "auth:\n  tokens:\n"
         "    - {name: grafana, role: observer, sha256: " +
         policy::sha256_hex(kObserver) +
         "}\n"
         "    - {name: contact-platform, role: platform, sha256: " +
         policy::sha256_hex(kPlatform) +
         "}\n"
         "    - {name: ops, role: admin, sha256: " +
         policy::sha256_hex(kAdmin) + "}\n";
}

const std::string kCreate = R"({"id":"i1","channel":"chat","customer_id":"c1"})";

void expect_unauthorized(const client::HttpResponse& r, std::string_view what) {
  expect_error(r, 401, "unauthorized", nullptr, what);
  CHECK(r.header("WWW-Authenticate") == "Bearer");
}

TEST_CASE("tokens and roles on HTTP") {
  ServerProcess server(e2e_spec(tokens_config()));
  client::HttpClient anonymous(server.endpoint());
  client::HttpClient stranger(server.endpoint("not-a-token"));
  client::HttpClient observer(server.endpoint(kObserver));
  client::HttpClient platform(server.endpoint(kPlatform));
  client::HttpClient admin(server.endpoint(kAdmin));

  // The probes need no token.
  CHECK(anonymous.request("GET", "/livez").status == 200);
  CHECK(anonymous.request("GET", "/readyz").status == 200);

  // No token, an unknown one, another scheme: 401 with WWW-Authenticate: Bearer.
  expect_unauthorized(anonymous.request("GET", "/v1/queues"), "no token");
  expect_unauthorized(anonymous.request("POST", "/v1/interactions", kCreate), "no token, create");
  expect_unauthorized(stranger.request("GET", "/v1/queues"), "an unknown token");
  expect_unauthorized(anonymous.request("GET", "/v1/queues", "", "application/json",
                                        {{"Authorization", "Basic " + kPlatform}}),
                      "the Basic scheme");
  expect_unauthorized(
      anonymous.request("GET", "/v1/queues", "", "application/json", {{"Authorization", "Bearer"}}),
      "Bearer and nothing");

  // An observer reads, and may do nothing else.
  CHECK(observer.request("GET", "/v1/queues").status == 200);
  CHECK(observer.request("GET", "/v1/agents").status == 200);
  CHECK(observer.request("GET", "/v1/policy").status == 200);
  expect_error(observer.request("POST", "/v1/interactions", kCreate), 403, "forbidden", nullptr,
               "an observer creating");
  expect_error(observer.request("PUT", "/v1/agents/a1", "{}"), 403, "forbidden", nullptr,
               "an observer adding an agent");
  expect_error(observer.request("GET", "/v1/policy/history"), 403, "forbidden", nullptr,
               "an observer reading the policy history");
  CHECK(observer.request("GET", "/v1/interactions/i1").status == 404);
  CHECK(observer.request("GET", "/v1/agents/a1").status == 404);

  // The platform drives agents and interactions, not the policy.
  auto created = platform.request("POST", "/v1/interactions", kCreate);
  CHECK_MESSAGE(created.status == 202, created.body);
  CHECK(platform.request("PUT", "/v1/agents/a1", "{}").status == 200);
  const std::string policy = e2e_policy();
  expect_error(platform.request("PUT", "/v1/policy", policy, "application/yaml"), 403, "forbidden",
               nullptr, "the platform installing a policy");
  expect_error(platform.request("POST", "/v1/policy/validate", policy, "application/yaml"), 403,
               "forbidden", nullptr, "the platform validating a policy");
  expect_error(platform.request("GET", "/v1/policy/history"), 403, "forbidden", nullptr,
               "the platform reading the policy history");
  CHECK(observer.request("GET", "/v1/interactions/i1").status == 200);

  // The admin may do everything.
  auto installed = admin.request("PUT", "/v1/policy", policy + "# v2\n", "application/yaml");
  CHECK_MESSAGE(installed.status == 200, installed.body);
  auto history = admin.request("GET", "/v1/policy/history");
  REQUIRE(history.status == 200);
  auto entries = parse_object(history.body).at("history").as_array();
  REQUIRE(entries.size() == 2);  // the platform's refused PUT never reached the policy
  CHECK(string_at(entries[1].as_object(), "trigger") == "api");
  CHECK(admin.request("POST", "/v1/interactions/i1/cancel").status == 200);
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

TEST_CASE("only an admin may send a policy-sized body; others are refused at the header") {
  ServerProcess server(e2e_spec(tokens_config() + "limits: {body_bytes_max: 1024}\n"));
  client::HttpClient anonymous(server.endpoint());
  client::HttpClient platform(server.endpoint(kPlatform));
  client::HttpClient admin(server.endpoint(kAdmin));
  const std::string policy = e2e_policy() + "# v2\n";
  REQUIRE(policy.size() > 1024);
  expect_error(anonymous.request("PUT", "/v1/policy", policy, "application/yaml"), 413,
               "body_too_large", nullptr, "an anonymous policy-sized upload");
  expect_error(platform.request("POST", "/v1/policy/validate", policy, "application/yaml"), 413,
               "body_too_large", nullptr, "a platform's policy-sized validation");
  // A small body still gets the answer its role deserves.
  expect_error(platform.request("PUT", "/v1/policy", "version: 1\n", "application/yaml"), 403,
               "forbidden", nullptr, "a platform's small upload");
  auto validated = admin.request("POST", "/v1/policy/validate", policy, "application/yaml");
  CHECK_MESSAGE(validated.status == 200, validated.body);
  auto installed = admin.request("PUT", "/v1/policy", policy, "application/yaml");
  CHECK_MESSAGE(installed.status == 200, installed.body);
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());
}

TEST_CASE("tokens and roles on the stream") {
  ServerProcess server(e2e_spec(tokens_config()));
  for (const std::string& token : {std::string(), std::string("not-a-token")}) {
    unsigned status = 0;
    std::string body;
    try {
      client::StreamClient refused(server.endpoint(token));
    } catch (const client::ClientError& e) {
      status = e.upgrade_status();
      body = e.body();
    }
    CHECK(status == 401);
    CHECK(body.find("\"unauthorized\"") != std::string::npos);
  }

  // An observer subscribes; its commands are refused with 403.
  client::StreamClient observer(server.endpoint(kObserver));
  CHECK(observer.upgrade_status() == 101);
  subscribe_everything(observer);
  observer.send(
      R"({"op":"interaction.create","request_id":"o1","id":"w1","channel":"chat","customer_id":"c"})");
  auto refused = stream_answer(observer, "o1");
  CHECK(string_at(refused, "op") == "error");
  CHECK(number_at(refused, "status") == 403);
  CHECK(string_at(refused.at("error").as_object(), "code") == "forbidden");
  observer.send(R"({"op":"agent.upsert","request_id":"o2","id":"a1"})");
  CHECK(number_at(stream_answer(observer, "o2"), "status") == 403);
  client::HttpClient http(server.endpoint(kObserver));
  CHECK(http.request("GET", "/v1/interactions/w1").status == 404);
  CHECK(http.request("GET", "/v1/agents/a1").status == 404);

  // The platform's commands go through, and the observer sees the events.
  client::StreamClient platform(server.endpoint(kPlatform));
  platform.send(
      R"({"op":"interaction.create","request_id":"p1","id":"w2","channel":"chat","customer_id":"c"})");
  CHECK(number_at(stream_answer(platform, "p1"), "status") == 202);
  CHECK(observer.read_until(
      [](const std::string& m) {
        return m.find("switchboard.interaction.queued") != std::string::npos &&
               m.find("\"w2\"") != std::string::npos;
      },
      10s));
  observer.close();
  platform.close();
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

TEST_CASE("the per-token rate limit: 429 rate_limited with Retry-After") {
  ServerProcess server(e2e_spec(tokens_config() + "rate_limit: {per_token_per_s: 5, burst: 2}\n"));
  client::HttpClient platform(server.endpoint(kPlatform));
  int ok = 0;
  std::optional<client::HttpResponse> limited;
  for (int k = 0; k < 20 && !limited; ++k) {
    auto r = platform.request("GET", "/v1/queues");
    if (r.status == 200) {
      ++ok;
    } else {
      limited = r;
    }
  }
  REQUIRE(limited);
  expect_error(*limited, 429, "rate_limited", nullptr, "over the rate");
  CHECK(std::stoi(limited->header("Retry-After")) >= 1);
  CHECK(ok >= 1);
  CHECK(ok <= 10);
  // Other tokens have their own budget, and the probes none.
  client::HttpClient observer(server.endpoint(kObserver));
  CHECK(observer.request("GET", "/v1/queues").status == 200);
  for (int k = 0; k < 10; ++k) CHECK(platform.request("GET", "/livez").status == 200);
  // The budget comes back with time.
  CHECK(eventually([&] { return platform.request("GET", "/v1/queues").status == 200; }, 5s));
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

// A temporary directory for start-up files, removed at the end of the test.
struct TempDir {
  std::string path = make_temp_dir();
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

// Runs `serve` with this config and policy text; its exit status and standard error.
RunResult serve(const TempDir& dir, const std::string& config, const std::string& policy,
                const std::string& listen = "127.0.0.1:0") {
  write_file(dir.path + "/switchboard.yaml", config);
  write_file(dir.path + "/routing.yaml", policy);
  return run_switchboard({"serve", "--config", dir.path + "/switchboard.yaml", "--policy",
                          dir.path + "/routing.yaml", "--listen", listen, "--data-dir",
                          dir.path + "/data"});
}

// "LINE:COLUMN" (1-based) of the first `needle` in `text`.
std::string position_of(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  const std::size_t line_start = text.rfind('\n', at);
  const std::size_t line =
      static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n')) + 1;
  const std::size_t column = line_start == std::string::npos ? at + 1 : at - line_start;
  return std::to_string(line) + ":" + std::to_string(column);
}

TEST_CASE("start-ups that must be refused say why, and where") {
  TempDir dir;
  const std::string config = dir.path + "/switchboard.yaml";

  SUBCASE("a public address with auth off") {
    auto r = serve(dir, "", e2e_policy(), "0.0.0.0:0");
    CHECK(r.status == 1);
    INFO(r.err);
    CHECK(r.err.find("refusing to listen on 0.0.0.0") != std::string::npos);
    CHECK(r.err.find("tokens") != std::string::npos);
    // (With tokens the same address is fine: the next test case.)
  }
  SUBCASE("an unknown key in the server config") {
    auto r = serve(dir, "listen: 127.0.0.1:0\nlistn: 127.0.0.1:0\n", e2e_policy());
    CHECK(r.status == 1);
    INFO(r.err);
    CHECK(r.err.find(config + ":2:1: unknown key 'listn'") != std::string::npos);
    CHECK(r.err.find("did you mean 'listen'") != std::string::npos);
  }
  SUBCASE("a wrong type in the server config") {
    auto r = serve(dir, "limits:\n  body_bytes_max: lots\n", e2e_policy());
    CHECK(r.status == 1);
    INFO(r.err);
    CHECK(r.err.find(config + ":2:19: body_bytes_max must be a number") != std::string::npos);
  }
  SUBCASE("a token that is not a SHA-256") {
    auto r = serve(dir, "auth:\n  tokens:\n    - {name: x, role: admin, sha256: secret}\n",
                   e2e_policy());
    CHECK(r.status == 1);
    INFO(r.err);
    CHECK(r.err.find(config + ":3:") != std::string::npos);
    CHECK(r.err.find("sha256 must be 64 hex digits") != std::string::npos);
  }
  SUBCASE("a policy with a misspelt skill") {
    std::string policy = e2e_policy();
    const std::size_t at = policy.find("skills: [billing]\n");
    REQUIRE(at != std::string::npos);
    policy.replace(at, 17, "skills: [biling]");
    auto r = serve(dir, "", policy);
    CHECK(r.status == 1);
    INFO(r.err);
    const std::string where = dir.path + "/routing.yaml:" + position_of(policy, "biling") + ":";
    CHECK(r.err.find(where) != std::string::npos);
    CHECK(r.err.find("did you mean 'billing'") != std::string::npos);
  }
}

TEST_CASE("with tokens, a server may listen on every address") {
  ServerSpec spec = e2e_spec(tokens_config());
  spec.listen = "0.0.0.0:0";
  ServerProcess server(spec);
  client::HttpClient http(server.endpoint(kObserver));
  CHECK(http.request("GET", "/v1/queues").status == 200);
  CHECK_MESSAGE(server.stop(SIGTERM) == 0, server.log());  // no sanitizer report either
}

}  // namespace
}  // namespace sb::e2e
