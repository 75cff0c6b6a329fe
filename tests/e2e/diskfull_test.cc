// A failing disk on the real binary: the test lowers the server's file-size limit (prlimit(2) on
// its pid, RLIMIT_FSIZE) so that the journal's writes fail with EFBIG — a real write failure in
// the real process, with no root and no mount. The server ignores SIGXFSZ, so it lives on: the
// intake stops (503 journal_unavailable, Retry-After) while reads go on, nothing refused is
// applied or journaled, and once the limit is lifted the next command repairs the journal and
// is accepted. A SIGKILL and a restart on the same data directory then show that every
// acknowledged create is there and no refused one is. The same again right after that restart,
// when the segment being written holds no records yet: a repair must still try the disk.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/client/http_client.h"
#include "tests/e2e/api_helpers.h"
#include "tests/e2e/server_process.h"

namespace sb::e2e {
namespace {

using namespace std::chrono_literals;

// The runtime's journal_retry (engine/runtime/runtime.h): a repair is tried at most this often,
// and only when a command comes.
constexpr auto kRepairInterval = 250ms;
// A file-size limit below a segment header (24 bytes, docs/operations.md): no file may grow, so
// a repair cannot start a fresh segment either — a full disk.
constexpr rlim_t kNoGrowth = 8;

std::string create_body(const std::string& id) {
  return R"({"id":")" + id + R"(","channel":"chat","customer_id":"cust-)" + id +
         R"(","attributes":{"intent":"billing"}})";
}

// The segment being written: the newest journal-*.log (named by first sequence, zero-padded).
std::filesystem::path current_segment(const std::string& data_dir) {
  std::filesystem::path newest;
  for (const auto& e : std::filesystem::directory_iterator(data_dir)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("journal-") && e.path().extension() == ".log" &&
        (newest.empty() || name > newest.filename().string())) {
      newest = e.path();
    }
  }
  REQUIRE_FALSE(newest.empty());
  return newest;
}

// Sets the soft RLIMIT_FSIZE of `pid` (the hard limit stays as it is).
void set_file_size_limit(pid_t pid, rlim_t bytes) {
  rlimit limit{};
  REQUIRE(::prlimit(pid, RLIMIT_FSIZE, nullptr, &limit) == 0);
  limit.rlim_cur = bytes;
  REQUIRE_MESSAGE(::prlimit(pid, RLIMIT_FSIZE, &limit, nullptr) == 0, std::strerror(errno));
}

void expect_refused(const client::HttpResponse& r, const std::string& what) {
  expect_error(r, 503, "journal_unavailable", nullptr, what);
  CHECK(r.header("Retry-After") == "1");
}

// What the clients were told, by id.
struct Ledger {
  std::vector<std::string> acknowledged;  // 2xx
  std::vector<std::string> refused;       // 503 and never retried
};

// Sends creates PREFIX-1, PREFIX-2, ... while the disk is failing: at least `count` and over at
// least three repair intervals, so that repairs are tried (they are only tried when a command
// comes); the pace is load, not a wait. Checks that every one is refused.
void refused_while_failing(client::HttpClient& http, const std::string& prefix, int count,
                           Ledger& ledger) {
  const auto start = std::chrono::steady_clock::now();
  for (int k = 1; k <= count || std::chrono::steady_clock::now() - start < 3 * kRepairInterval;
       ++k) {
    REQUIRE(k < 1000);
    const std::string id = prefix + "-" + std::to_string(k);
    expect_refused(http.request("POST", "/v1/interactions", create_body(id)), id);
    ledger.refused.push_back(id);
    std::this_thread::sleep_for(25ms);
  }
}

// While the journal is not writable: reads answer, the refused did not happen, and the
// operator's signals say so. `refused_commands`: every command refused since the start.
void check_reads_while_failing(client::HttpClient& http, const Ledger& ledger,
                               std::uint64_t refused_commands) {
  REQUIRE_FALSE(ledger.acknowledged.empty());
  REQUIRE_FALSE(ledger.refused.empty());
  auto known = http.request("GET", "/v1/interactions/" + ledger.acknowledged.front());
  CHECK(known.status == 200);
  CHECK(string_at(parse_object(known.body), "state") == "queued");
  CHECK(http.request("GET", "/v1/interactions/" + ledger.refused.front()).status == 404);
  CHECK(http.request("GET", "/v1/interactions/" + ledger.refused.back()).status == 404);
  CHECK(http.request("GET", "/v1/queues").status == 200);
  CHECK(http.request("GET", "/livez").status == 200);
  auto ready = http.request("GET", "/readyz");
  CHECK(ready.status == 503);
  CHECK_MESSAGE(ready.body.find("journal") != std::string::npos, ready.body);
  auto metrics = http.request("GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(sample(metrics.body, "switchboard_journal_writable") == 0);
  CHECK(
      sample(metrics.body, R"(switchboard_requests_refused_total{reason="journal_unavailable"})") ==
      static_cast<double>(refused_commands));
  // One failed write; the repairs tried since failed too, without calling the disk good.
  CHECK(sample(metrics.body, "switchboard_journal_failures_total") == 1);
}

// The disk is back: a client retrying a refused create, as the 503 invites, gets it accepted
// at the next repair — as a fresh create, since nothing of it was kept.
void accepted_when_back(client::HttpClient& http, const std::string& id, Ledger& ledger) {
  bool accepted = false;
  int attempts = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!accepted && std::chrono::steady_clock::now() < deadline) {
    auto r = http.request("POST", "/v1/interactions", create_body(id));
    ++attempts;
    if (r.status == 202) {
      accepted = true;
      CHECK(r.header("Idempotent-Replayed").empty());
    } else {
      expect_refused(r, "a retry before the repair");
      std::this_thread::sleep_for(20ms);
    }
  }
  REQUIRE_MESSAGE(accepted, "no create accepted within 10 s of the disk's return");
  MESSAGE(id << " accepted after " << attempts << " attempts");
  ledger.acknowledged.push_back(id);
  ledger.refused.erase(std::find(ledger.refused.begin(), ledger.refused.end(), id));
  CHECK(http.request("GET", "/readyz").status == 200);
  CHECK(sample(http.request("GET", "/metrics").body, "switchboard_journal_writable") == 1);
}

// Creates PREFIX-0 .. PREFIX-(count-1), each acknowledged.
void created(client::HttpClient& http, const std::string& prefix, int count, Ledger& ledger) {
  for (int k = 0; k < count; ++k) {
    const std::string id = prefix + "-" + std::to_string(k);
    REQUIRE(http.request("POST", "/v1/interactions", create_body(id)).status == 202);
    ledger.acknowledged.push_back(id);
  }
}

// After a SIGKILL: the journal holds exactly what was acknowledged (and the policy), and a
// restart on it has every acknowledged create and no refused one.
std::unique_ptr<ServerProcess> killed_and_restarted(std::unique_ptr<ServerProcess> server,
                                                    const ServerSpec& spec, const Ledger& ledger) {
  CHECK(server->stop(SIGKILL) == 128 + SIGKILL);
  server.reset();
  RunResult replay = run_switchboard({"replay", "--data-dir", spec.data_dir, "--json"});
  REQUIRE_MESSAGE(replay.status == 0, replay.err);
  auto summary = parse_object(replay.out);
  CHECK(number_at(summary, "commands") == static_cast<double>(1 + ledger.acknowledged.size()));
  CHECK(number_at(summary, "rejected") == 0);
  CHECK(number_at(summary, "waiting") == static_cast<double>(ledger.acknowledged.size()));

  auto restarted = std::make_unique<ServerProcess>(spec);
  const std::string log = restarted->log();
  CHECK_MESSAGE(log.find("cannot recover") == std::string::npos, log);
  client::HttpClient http(restarted->endpoint());
  for (const std::string& id : ledger.acknowledged) {
    INFO("acknowledged " << id);
    CHECK(http.request("GET", "/v1/interactions/" + id).status == 200);
  }
  for (const std::string& id : ledger.refused) {
    INFO("refused " << id);
    CHECK(http.request("GET", "/v1/interactions/" + id).status == 404);
  }
  CHECK(http.request("GET", "/v1/agents/ana").status == 404);
  return restarted;
}

TEST_CASE("a failing disk stops the intake, reads go on, and the engine recovers with the disk") {
  const std::string root = make_temp_dir();
  ServerSpec spec = e2e_spec("journal: {fsync: always}\n");
  spec.data_dir = root + "/data";
  auto server = std::make_unique<ServerProcess>(spec);
  rlimit original{};
  REQUIRE(::prlimit(server->pid(), RLIMIT_FSIZE, nullptr, &original) == 0);
  Ledger ledger;
  {
    client::HttpClient http(server->endpoint());
    created(http, "before", 5, ledger);

    // The disk fills in the middle of a record: the limit lets 10 bytes of the next batch in
    // (less than a record header), then EFBIG. The batch is refused and cut off the segment.
    const std::filesystem::path segment = current_segment(spec.data_dir);
    const auto segment_bytes = std::filesystem::file_size(segment);
    set_file_size_limit(server->pid(), static_cast<rlim_t>(segment_bytes + 10));
    expect_refused(http.request("POST", "/v1/interactions", create_body("torn-0")),
                   "the create that met the full disk");
    ledger.refused.push_back("torn-0");
    CHECK(std::filesystem::file_size(segment) == segment_bytes);

    // Now no file may grow at all, not even a fresh segment's header: the repairs fail too.
    set_file_size_limit(server->pid(), kNoGrowth);
    refused_while_failing(http, "full", 10, ledger);
    expect_refused(http.request("PUT", "/v1/agents/ana", R"({"skills":{"billing":9}})"),
                   "an agent while the journal is not writable");
    check_reads_while_failing(http, ledger, ledger.refused.size() + 1);

    set_file_size_limit(server->pid(), original.rlim_cur);
    accepted_when_back(http, "torn-0", ledger);
    created(http, "after", 5, ledger);
    CHECK_MESSAGE(server->log().find("journal: writable again") != std::string::npos,
                  server->log());
  }
  server = killed_and_restarted(std::move(server), spec, ledger);

  // Right after a start the segment holds no records yet: a repair must still try the disk.
  {
    client::HttpClient http(server->endpoint());
    set_file_size_limit(server->pid(), kNoGrowth);
    const std::size_t refused_before = ledger.refused.size();
    refused_while_failing(http, "cold", 5, ledger);
    check_reads_while_failing(http, ledger, ledger.refused.size() - refused_before);
    set_file_size_limit(server->pid(), original.rlim_cur);
    accepted_when_back(http, "cold-1", ledger);
  }
  server = killed_and_restarted(std::move(server), spec, ledger);

  // The recovered server stops gracefully, and replay agrees with its final state.
  const int status = server->stop(SIGTERM);
  CHECK_MESSAGE(status == 0, server->log());
  RunResult replay = run_switchboard({"replay", "--data-dir", spec.data_dir, "--json"});
  REQUIRE_MESSAGE(replay.status == 0, replay.err);
  auto summary = parse_object(replay.out);
  CHECK(number_at(summary, "marks_checked") == 1);
  CHECK(number_at(summary, "marks_mismatched") == 0);
  server.reset();
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
}

}  // namespace
}  // namespace sb::e2e
