// Durability on the real binary: a restart recovers the state (waiting interactions keep their
// wait, pending offers keep their id), `switchboard replay` gives the hash the live server had
// when it stopped, and a journal damaged in the middle stops the start-up with file and offset
// unless --truncate-corrupt says to cut it.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <regex>

#include "engine/client/http_client.h"
#include "tests/e2e/api_helpers.h"
#include "tests/e2e/server_process.h"

namespace sb::e2e {
namespace {

std::string data_spec_dir() { return make_temp_dir(); }

ServerSpec spec_on(const std::string& data_dir, std::vector<std::string> extra = {}) {
  ServerSpec spec = e2e_spec();
  spec.data_dir = data_dir;
  spec.extra_args = std::move(extra);
  return spec;
}

std::string hash_in_log(const std::string& log) {
  std::smatch m;
  static const std::regex final_hash("final state hash ([0-9a-f]{16})");
  REQUIRE_MESSAGE(std::regex_search(log, m, final_hash), log);
  return m[1];
}

client::HttpResponse post(client::HttpClient& http, const std::string& target,
                          const std::string& body = "") {
  return http.request("POST", target, body);
}

TEST_CASE("a restart recovers the state; replay gives the live hash") {
  const std::string root = data_spec_dir();
  const std::string data = root + "/data";
  std::string queued_at;
  std::string offer_id;
  std::string live_hash;
  {
    ServerProcess server(spec_on(data));
    client::HttpClient http(server.endpoint());
    REQUIRE(
        http.request("PUT", "/v1/agents/ana", R"({"skills":{"billing":9},"channels":{"chat":1}})")
            .status == 200);
    REQUIRE(post(http, "/v1/agents/ana/state", R"({"state":"available"})").status == 200);
    auto first =
        post(http, "/v1/interactions",
             R"({"id":"c1","channel":"chat","customer_id":"x","attributes":{"intent":"billing"}})");
    REQUIRE(first.status == 202);
    auto second =
        post(http, "/v1/interactions",
             R"({"id":"c2","channel":"chat","customer_id":"y","attributes":{"intent":"billing"}})");
    REQUIRE(second.status == 202);
    CHECK(string_at(parse_object(second.body), "state") == "queued");  // ana is full
    // A rejected command is journaled too, and rejected again on replay.
    CHECK(post(http, "/v1/offers/999/accept").status == 404);
    auto c1 = parse_object(http.request("GET", "/v1/interactions/c1").body);
    offer_id = string_at(c1, "offer_id");
    REQUIRE_FALSE(offer_id.empty());
    queued_at =
        string_at(parse_object(http.request("GET", "/v1/interactions/c2").body), "queued_at");
    REQUIRE(server.stop(SIGTERM) == 0);
    live_hash = hash_in_log(server.log());
  }

  // replay reads the data directory without changing it, and checks the graceful stop's mark.
  RunResult replay = run_switchboard({"replay", "--data-dir", data, "--json"});
  REQUIRE_MESSAGE(replay.status == 0, replay.err);
  auto summary = parse_object(replay.out);
  CHECK(string_at(summary, "state_hash") == live_hash);
  CHECK(number_at(summary, "marks_checked") == 1);
  CHECK(number_at(summary, "marks_mismatched") == 0);
  CHECK(number_at(summary, "commands") == 6);  // policy, agent, state, 2 creates, the bad accept
  CHECK(number_at(summary, "rejected") == 1);
  CHECK(number_at(summary, "waiting") == 1);
  CHECK(number_at(summary, "offered") == 1);

  {
    ServerProcess server(spec_on(data));
    client::HttpClient http(server.endpoint());
    CHECK(http.request("GET", "/readyz").status == 200);
    auto c2 = parse_object(http.request("GET", "/v1/interactions/c2").body);
    CHECK(string_at(c2, "state") == "queued");
    CHECK(string_at(c2, "queued_at") == queued_at);  // the wait goes on from when it began
    // The pending offer survived with its id: the agent can still accept it.
    auto accepted = post(http, "/v1/offers/" + offer_id + "/accept");
    CHECK_MESSAGE(accepted.status == 200, accepted.body);
    // A retried create is still recognised after the restart: the same answer, no duplicate.
    auto again =
        post(http, "/v1/interactions",
             R"({"id":"c1","channel":"chat","customer_id":"x","attributes":{"intent":"billing"}})");
    CHECK(again.status == 202);
    CHECK(again.header("Idempotent-Replayed") == "true");
  }
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
}

TEST_CASE("snapshots: taken while serving, on /metrics, and a restart loads the state") {
  const std::string root = data_spec_dir();
  const std::string data = root + "/data";
  std::string queued_at;
  std::string offer_id;
  std::string live_hash;
  auto spec = [&data] {
    ServerSpec s =
        e2e_spec("journal: {snapshot_every_commands: 2}\nmetrics: {report_interval: 50ms}\n");
    s.data_dir = data;
    return s;
  };
  {
    ServerProcess server(spec());
    client::HttpClient http(server.endpoint());
    REQUIRE(
        http.request("PUT", "/v1/agents/ana", R"({"skills":{"billing":9},"channels":{"chat":1}})")
            .status == 200);
    REQUIRE(post(http, "/v1/agents/ana/state", R"({"state":"available"})").status == 200);
    for (const char* id : {"s1", "s2"}) {
      REQUIRE(post(http, "/v1/interactions",
                   std::string(R"({"id":")") + id +
                       R"(","channel":"chat","customer_id":"x","attributes":{"intent":"billing"}})")
                  .status == 202);
    }
    offer_id = string_at(parse_object(http.request("GET", "/v1/interactions/s1").body), "offer_id");
    queued_at =
        string_at(parse_object(http.request("GET", "/v1/interactions/s2").body), "queued_at");
    // A snapshot is taken in the background, after every second command: /metrics shows it.
    std::string metrics;
    CHECK(eventually([&] {
      metrics = http.request("GET", "/metrics").body;
      return sample(metrics, "switchboard_journal_snapshots_total") >= 1 &&
             sample(metrics, "switchboard_journal_last_snapshot_bytes") > 0;
    }));
    CHECK(sample(metrics, "switchboard_journal_snapshot_failures_total") == 0);
    CHECK(sample(metrics, "switchboard_journal_last_snapshot_timestamp_seconds") > 1.7e9);
    CHECK(sample(metrics, "switchboard_journal_last_snapshot_duration_seconds") >= 0);
    REQUIRE(server.stop(SIGTERM) == 0);
    live_hash = hash_in_log(server.log());
  }
  std::size_t snapshots = 0;
  for (const auto& e : std::filesystem::directory_iterator(data)) {
    if (e.path().extension() == ".snap") ++snapshots;
  }
  CHECK(snapshots == 1);  // each new one replaces the one before

  RunResult replay = run_switchboard({"replay", "--data-dir", data, "--json"});
  REQUIRE_MESSAGE(replay.status == 0, replay.err);
  auto summary = parse_object(replay.out);
  CHECK(string_at(summary, "snapshot_kind") == "state");
  CHECK(string_at(summary, "state_hash") == live_hash);
  CHECK(number_at(summary, "marks_mismatched") == 0);

  {
    ServerProcess server(spec());
    CHECK(server.log().find("from the state in") != std::string::npos);
    client::HttpClient http(server.endpoint());
    auto s2 = parse_object(http.request("GET", "/v1/interactions/s2").body);
    CHECK(string_at(s2, "state") == "queued");
    CHECK(string_at(s2, "queued_at") == queued_at);
    CHECK(post(http, "/v1/offers/" + offer_id + "/accept").status == 200);
  }
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
}

TEST_CASE("damage in the middle of the journal stops the start; --truncate-corrupt cuts it") {
  const std::string root = data_spec_dir();
  const std::string data = root + "/data";
  for (int run = 0; run < 2; ++run) {  // two runs: two segments
    ServerProcess server(spec_on(data));
    client::HttpClient http(server.endpoint());
    for (int k = 0; k < 5; ++k) {
      REQUIRE(http.request("PUT", "/v1/agents/a" + std::to_string(run * 10 + k),
                           R"({"skills":{"billing":5}})")
                  .status == 200);
    }
    REQUIRE(server.stop(SIGTERM) == 0);
  }
  std::vector<std::string> segments;
  for (const auto& e : std::filesystem::directory_iterator(data)) {
    if (e.path().extension() == ".log") segments.push_back(e.path().string());
  }
  std::sort(segments.begin(), segments.end());
  REQUIRE(segments.size() == 2);
  // Flip a byte of the first segment's second record (the header is 24 bytes).
  const int fd = ::open(segments[0].c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  char len[4];
  REQUIRE(::pread(fd, len, 4, 24) == 4);
  const std::uint32_t first_length = static_cast<unsigned char>(len[0]) |
                                     static_cast<unsigned char>(len[1]) << 8 |
                                     static_cast<unsigned char>(len[2]) << 16;
  const std::uint64_t second = 24 + 25 + first_length;
  char c = 0;
  REQUIRE(::pread(fd, &c, 1, static_cast<off_t>(second + 30)) == 1);
  c = static_cast<char>(c ^ 0x40);
  REQUIRE(::pwrite(fd, &c, 1, static_cast<off_t>(second + 30)) == 1);
  ::close(fd);

  const std::string config = root + "/switchboard.yaml";
  write_file(config, "");
  const std::string policy = root + "/routing.yaml";
  write_file(policy, e2e_policy());
  RunResult refused = run_switchboard({"serve", "--config", config, "--policy", policy, "--listen",
                                       "127.0.0.1:0", "--data-dir", data});
  CHECK(refused.status == 1);
  CHECK_MESSAGE(
      refused.err.find(segments[0] + " at offset " + std::to_string(second)) != std::string::npos,
      refused.err);
  CHECK(refused.err.find("--truncate-corrupt") != std::string::npos);

  ServerProcess cut(spec_on(data, {"--truncate-corrupt"}));
  CHECK(cut.log().find("--truncate-corrupt: cut") != std::string::npos);
  client::HttpClient http(cut.endpoint());
  CHECK(http.request("GET", "/readyz").status == 200);
  // The policy record came first and survived; the agents after the damage are gone.
  CHECK(http.request("GET", "/v1/agents/a0").status == 404);
  CHECK(http.request("GET", "/v1/agents/a10").status == 404);
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
}

}  // namespace
}  // namespace sb::e2e
