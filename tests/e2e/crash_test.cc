// The crash test: clients create interactions with unique ids and accept and complete them
// while the server is killed with SIGKILL at random moments and restarted on the same data
// directory. At the end every interaction that got a 2xx is there in a state at least as far
// as what was acknowledged, no agent is over capacity, and each agent's load is exactly the
// interactions offered or assigned to it (so none is held by two agents). SB_CRASH_KILLS sets
// the number of kills (default 3; scripts/crash_test.sh runs 20), SB_CRASH_SEED the seed.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "engine/client/client_error.h"
#include "engine/client/http_client.h"
#include "tests/e2e/api_helpers.h"
#include "tests/e2e/server_process.h"

namespace sb::e2e {
namespace {

using namespace std::chrono_literals;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : fallback;
}

constexpr int kAgents = 12;
constexpr int kWorkers = 2;

// What the clients were told: 2xx answers only.
struct Ledger {
  std::mutex mutex;
  std::vector<std::string> attempted;  // every create sent, answered or not
  std::set<std::string> created;
  std::set<std::string> accepted;
  std::set<std::string> completed;
  std::uint64_t errors = 0;   // requests that got no answer (the server was down)
  std::uint64_t refused = 0;  // 5xx answers
};

bool ok(unsigned status) { return status >= 200 && status < 300; }

void work(int worker, std::uint16_t port, std::atomic<bool>& stop, Ledger& ledger,
          std::uint64_t seed) {
  std::mt19937_64 rng(seed + static_cast<std::uint64_t>(worker));
  client::Endpoint e;
  e.host = "127.0.0.1";
  e.port = port;
  std::unique_ptr<client::HttpClient> http;
  int n = 0;
  auto request = [&](std::string_view method, const std::string& target,
                     const std::string& body) -> std::optional<client::HttpResponse> {
    try {
      if (!http) http = std::make_unique<client::HttpClient>(e);
      auto r = http->request(method, target, body, "application/json", {}, 2s);
      if (r.status >= 500) {
        std::lock_guard lock(ledger.mutex);
        ++ledger.refused;
      }
      return r;
    } catch (const client::ClientError&) {
      http.reset();  // reconnect next time
      std::lock_guard lock(ledger.mutex);
      ++ledger.errors;
      return std::nullopt;
    }
  };
  while (!stop.load()) {
    const std::string id = "w" + std::to_string(worker) + "-" + std::to_string(n++);
    {
      std::lock_guard lock(ledger.mutex);
      ledger.attempted.push_back(id);
    }
    auto created =
        request("POST", "/v1/interactions",
                R"({"id":")" + id + R"(","channel":"chat","customer_id":"c)" +
                    std::to_string(rng() % 50) + R"(","attributes":{"intent":"billing"}})");
    if (!created) {
      std::this_thread::sleep_for(2ms);  // the server is down: pace the reconnects
      continue;
    }
    if (!ok(created->status)) continue;
    {
      std::lock_guard lock(ledger.mutex);
      ledger.created.insert(id);
    }
    auto view = request("GET", "/v1/interactions/" + id, "");
    if (!view || view->status != 200) continue;
    const std::string offer = string_at(parse_object(view->body), "offer_id");
    if (offer.empty()) continue;
    auto accepted = request("POST", "/v1/offers/" + offer + "/accept", "");
    if (!accepted || !ok(accepted->status)) continue;
    {
      std::lock_guard lock(ledger.mutex);
      ledger.accepted.insert(id);
    }
    if (rng() % 20 < 17) {
      auto done = request("POST", "/v1/interactions/" + id + "/complete", R"({"outcome":"ok"})");
      if (done && ok(done->status)) {
        std::lock_guard lock(ledger.mutex);
        ledger.completed.insert(id);
      }
    }
  }
}

TEST_CASE("SIGKILL at random moments loses nothing acknowledged and duplicates nothing") {
  const int kills = env_int("SB_CRASH_KILLS", 3);
  const auto seed = static_cast<std::uint64_t>(env_int("SB_CRASH_SEED", 20'240'601));
  std::mt19937_64 rng(seed);
  const std::string root = make_temp_dir();
  ServerSpec spec = e2e_spec(
      // Small segments and frequent snapshots, so that kills land in rotations and snapshots too.
      "journal: {fsync: always, segment_bytes: 65536, snapshot_every_commands: 500}\n");
  spec.data_dir = root + "/data";

  auto server = std::make_unique<ServerProcess>(spec);
  const std::uint16_t port = server->port();
  spec.listen = "127.0.0.1:" + std::to_string(port);
  {
    client::HttpClient http(server->endpoint());
    for (int a = 0; a < kAgents; ++a) {
      const std::string id = "agent-" + std::to_string(a);
      REQUIRE(http.request("PUT", "/v1/agents/" + id,
                           R"({"skills":{"billing":8},"channels":{"chat":3,"voice":1}})")
                  .status == 200);
      REQUIRE(
          http.request("POST", "/v1/agents/" + id + "/state", R"({"state":"available"})").status ==
          200);
    }
  }

  Ledger ledger;
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back(work, w, port, std::ref(stop), std::ref(ledger), seed);
  }
  for (int k = 0; k < kills; ++k) {
    // Let the load run a random while, then kill.
    const auto run_for = std::chrono::milliseconds(150 + rng() % 500);
    const auto until = std::chrono::steady_clock::now() + run_for;
    while (std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
    CHECK(server->stop(SIGKILL) == 128 + SIGKILL);
    server = std::make_unique<ServerProcess>(spec);  // recovers, then listens on the same port
    const std::string log = server->log();
    CHECK_MESSAGE(log.find("cannot recover") == std::string::npos, log);
  }
  const auto until = std::chrono::steady_clock::now() + 300ms;
  while (std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
  stop = true;
  for (auto& w : workers) w.join();

  // Everything acknowledged is there, at least as far as acknowledged.
  client::HttpClient http(server->endpoint());
  std::map<std::string, std::map<std::string, int>> holding;  // agent -> channel -> count
  std::size_t lost = 0;
  std::size_t regressed = 0;
  std::size_t present = 0;
  std::map<std::string, std::size_t> states;
  for (const std::string& id : ledger.attempted) {
    auto r = http.request("GET", "/v1/interactions/" + id);
    if (r.status == 404) {
      if (ledger.created.count(id) != 0) {
        ++lost;
        FAIL_CHECK("acknowledged create lost: " << id);
      }
      continue;
    }
    REQUIRE_MESSAGE(r.status == 200, r.body);
    ++present;
    auto view = parse_object(r.body);
    const std::string state = string_at(view, "state");
    ++states[state];
    const bool acked_complete = ledger.completed.count(id) != 0;
    const bool acked_accept = ledger.accepted.count(id) != 0;
    const bool sane = acked_complete ? state == "completed"
                      : acked_accept ? (state == "assigned" || state == "completed")
                                     : (state == "queued" || state == "offered" ||
                                        state == "assigned" || state == "completed");
    if (!sane) {
      ++regressed;
      FAIL_CHECK(id << " is " << state << " after acknowledged accept=" << acked_accept
                    << " complete=" << acked_complete);
    }
    if (state == "offered" || state == "assigned") {
      const std::string agent = string_at(view, "agent_id");
      CHECK_FALSE(agent.empty());
      ++holding[agent][string_at(view, "channel")];
    }
  }
  // Each agent holds exactly the interactions that name it, within its capacity.
  std::size_t over_capacity = 0;
  std::size_t mismatched = 0;
  auto agents = json::parse(http.request("GET", "/v1/agents").body);
  const json::array* list = agents.is_array() ? &agents.as_array() : nullptr;
  if (list == nullptr && agents.is_object() && agents.as_object().contains("agents")) {
    list = &agents.as_object().at("agents").as_array();
  }
  REQUIRE(list != nullptr);
  CHECK(list->size() == kAgents);
  for (const json::value& a : *list) {
    const std::string id = string_at(a.as_object(), "id");
    for (const auto& [channel, load] : a.as_object().at("channels").as_object()) {
      const auto l = load.as_object().at("load").to_number<std::int64_t>();
      const auto c = load.as_object().at("capacity").to_number<std::int64_t>();
      if (l > c) ++over_capacity;
      if (l != holding[id][std::string(channel)]) ++mismatched;
    }
  }
  MESSAGE("kills " << kills << ", creates sent " << ledger.attempted.size() << ", acknowledged "
                   << ledger.created.size() << " (accepted " << ledger.accepted.size()
                   << ", completed " << ledger.completed.size() << "), present " << present
                   << ", lost " << lost << ", regressed " << regressed << ", over capacity "
                   << over_capacity << ", load mismatches " << mismatched
                   << ", unanswered requests " << ledger.errors << ", 5xx " << ledger.refused);
  CHECK(ledger.created.size() > 0);
  CHECK(lost == 0);
  CHECK(regressed == 0);
  CHECK(over_capacity == 0);
  CHECK(mismatched == 0);

  // A graceful stop, then replay agrees with the live state.
  REQUIRE(server->stop(SIGTERM) == 0);
  RunResult replay = run_switchboard({"replay", "--data-dir", spec.data_dir, "--json"});
  REQUIRE_MESSAGE(replay.status == 0, replay.err);
  auto summary = parse_object(replay.out);
  CHECK(number_at(summary, "marks_mismatched") == 0);
  CHECK(number_at(summary, "marks_checked") >= 1);
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
}

}  // namespace
}  // namespace sb::e2e
