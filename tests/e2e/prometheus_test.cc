// End to end with a real Prometheus server (Debian's prometheus package, started here on a
// free loopback port): it scrapes the real engine during a scripted scenario, and PromQL over
// what it stored returns the expected counts (answered, abandoned, affinity hits) and service
// level. Also: `promtool check metrics` accepts a live /metrics page.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "engine/client/http_client.h"
#include "tests/e2e/server_process.h"

namespace sb::e2e {
namespace {

namespace json = boost::json;

std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

std::string find_binary(const char* name) {
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
    const std::string path = std::string(dir) + "/" + name;
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return {};
}

// Prometheus scraping `target_port` every 200 ms, with its own data in a temporary directory.
class PrometheusProcess {
 public:
  explicit PrometheusProcess(std::uint16_t target_port) : dir_(make_temp_dir()) {
    const std::string binary = find_binary("prometheus");
    REQUIRE_MESSAGE(!binary.empty(), "Debian's prometheus package is missing (scripts/setup.sh)");
    port_ = free_port();
    write_file(dir_ + "/prometheus.yml",
               "global: {scrape_interval: 200ms, scrape_timeout: 150ms, "
               "evaluation_interval: 200ms}\n"
               "scrape_configs:\n"
               "  - job_name: switchboard\n"
               "    static_configs: [{targets: ['127.0.0.1:" +
                   std::to_string(target_port) + "']}]\n");
    const std::string config = "--config.file=" + dir_ + "/prometheus.yml";
    const std::string storage = "--storage.tsdb.path=" + dir_ + "/data";
    const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port_);
    const std::string log = dir_ + "/prometheus.log";
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execl(binary.c_str(), binary.c_str(), config.c_str(), storage.c_str(), listen.c_str(),
              "--log.level=warn", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    client::HttpClient http(endpoint());
    const bool ready = eventually(
        [&] {
          try {
            return http.request("GET", "/-/ready").status == 200;
          } catch (const std::exception&) {
            return false;
          }
        },
        std::chrono::seconds(30));
    REQUIRE_MESSAGE(ready, "prometheus did not start: " << log_text());
  }
  ~PrometheusProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PrometheusProcess(const PrometheusProcess&) = delete;
  PrometheusProcess& operator=(const PrometheusProcess&) = delete;

  client::Endpoint endpoint() const {
    client::Endpoint e;
    e.host = "127.0.0.1";
    e.port = port_;
    return e;
  }
  std::string log_text() const {
    std::ifstream in(dir_ + "/prometheus.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // The value of an instant PromQL query that yields one sample; NaN if it yields none.
  double query(const std::string& promql) {
    client::HttpClient http(endpoint());
    std::string form = "query=";
    for (unsigned char ch : promql) {
      if (std::isalnum(ch) || ch == '_' || ch == '.' || ch == '-') {
        form += static_cast<char>(ch);
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", ch);
        form += hex;
      }
    }
    auto r = http.request("POST", "/api/v1/query", form, "application/x-www-form-urlencoded");
    if (r.status != 200) return std::nan("");
    const json::value v = json::parse(r.body);
    const json::array& result = v.at("data").at("result").as_array();
    if (result.size() != 1) return std::nan("");
    return std::stod(std::string(result[0].at("value").as_array()[1].as_string()));
  }

 private:
  std::string dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// The e2e policy with a 1 s threshold on `tech`, so that a short wait breaks it.
std::string policy_with_short_threshold() {
  std::string p = e2e_policy();
  const std::string from = "sla: {answer_within: 30s, target: 80%}";
  const std::size_t at = p.find(from);
  REQUIRE(at != std::string::npos);
  return p.replace(at, from.size(), "sla: {answer_within: 1s, target: 80%}");
}

struct Scenario {
  client::HttpClient& http;

  void put_agent(const std::string& id, const std::string& body) {
    REQUIRE(http.request("PUT", "/v1/agents/" + id, body).status == 200);
  }
  void state(const std::string& id, const std::string& state) {
    REQUIRE(http.request("POST", "/v1/agents/" + id + "/state", R"({"state":")" + state + R"("})")
                .status == 200);
  }
  void create(const std::string& id, const std::string& customer) {
    REQUIRE(http.request("POST", "/v1/interactions",
                         R"({"id":")" + id + R"(","channel":"chat","customer_id":")" + customer +
                             R"(","attributes":{"intent":"tech"}})")
                .status == 202);
  }
  std::string offer_of(const std::string& id) {
    auto r = http.request("GET", "/v1/interactions/" + id);
    REQUIRE(r.status == 200);
    const json::value v = json::parse(r.body);
    const json::value& offer = v.at("offer_id");
    REQUIRE_MESSAGE(!offer.is_null(), "no offer for " << id << ": " << r.body);
    return offer.is_string() ? std::string(offer.as_string()) : json::serialize(offer);
  }
  void handle(const std::string& id) {
    REQUIRE(http.request("POST", "/v1/offers/" + offer_of(id) + "/accept").status == 200);
    REQUIRE(
        http.request("POST", "/v1/interactions/" + id + "/complete", R"({"outcome":"resolved"})")
            .status == 200);
  }
  void cancel(const std::string& id) {
    REQUIRE(http.request("POST", "/v1/interactions/" + id + "/cancel").status == 200);
  }
};

TEST_CASE("a real Prometheus scrapes the engine and PromQL sees the scenario") {
  ServerSpec spec = e2e_spec("metrics: {report_interval: 50ms}\n");
  spec.policy_yaml = policy_with_short_threshold();
  ServerProcess server(spec);
  PrometheusProcess prometheus(server.port());
  client::HttpClient http(server.endpoint());
  Scenario s{http};

  s.put_agent("ana", R"({"skills":{"tech":8},"channels":{"chat":3}})");
  s.state("ana", "available");
  s.create("t1", "cust-1");
  s.handle("t1");
  s.create("t2", "cust-1");  // the same customer again: ana served her before
  s.handle("t2");
  s.create("t3", "cust-2");
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));  // past the 1 s threshold
  s.handle("t3");
  s.state("ana", "away");
  s.create("t4", "cust-3");
  s.create("t5", "cust-4");
  s.cancel("t4");  // abandoned at once: within the threshold
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  s.cancel("t5");  // abandoned after the threshold

  const std::string sel = R"({queue="tech",channel="chat"})";
  const bool scraped =
      eventually([&] { return prometheus.query("switchboard_queue_abandoned_total" + sel) == 2; },
                 std::chrono::seconds(30));
  REQUIRE_MESSAGE(scraped, "prometheus never saw the scenario: " << prometheus.log_text());
  CHECK(prometheus.query("switchboard_queue_answered_total" + sel) == 3);
  CHECK(prometheus.query("switchboard_queue_entered_total" + sel) == 5);
  CHECK(prometheus.query(R"(sum(switchboard_affinity_hits_total))") == 1);
  CHECK(prometheus.query(R"(switchboard_repeat_contacts_total{channel="chat"})") == 1);
  // 2 answered within 1 s / (3 answered + 1 abandoned after the threshold).
  CHECK(prometheus.query("switchboard_queue_service_level" + sel) == doctest::Approx(0.5));
  CHECK(prometheus.query(R"(switchboard_queue_service_level_target{queue="tech"})") ==
        doctest::Approx(0.8));
  CHECK(prometheus.query("switchboard_queue_wait_seconds_count{queue=\"tech\",channel=\"chat\","
                         "outcome=\"answered\"}") == 3);
  CHECK(prometheus.query(R"(sum(switchboard_offers_total{result="accepted"}))") == 3);
  CHECK(prometheus.query(R"(up{job="switchboard"})") == 1);
  // The alerting expression of "waiting with no agent able to take them" is computable.
  CHECK(prometheus.query(R"(switchboard_queue_agents_eligible{queue="tech"})") >= 0);
}

TEST_CASE("promtool check metrics accepts a live /metrics page") {
  const std::string promtool = find_binary("promtool");
  REQUIRE_MESSAGE(!promtool.empty(), "promtool is missing (Debian's prometheus package)");
  ServerProcess server(e2e_spec("metrics: {report_interval: 50ms}\n"));
  client::HttpClient http(server.endpoint());
  Scenario s{http};
  s.put_agent("ana", R"({"skills":{"tech":8},"channels":{"chat":3}})");
  s.state("ana", "available");
  s.create("t1", "cust-1");
  s.handle("t1");
  std::string page;
  REQUIRE(eventually([&] {
    page = http.request("GET", "/metrics").body;
    return page.find("switchboard_queue_answered_total{") != std::string::npos;
  }));
  // The page and the contract (docs/metrics.txt) name the same families, with the same types.
  std::map<std::string, std::string> contract;
  {
    std::ifstream in(source_dir() + "/docs/metrics.txt");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string name, type;
      fields >> name >> type;
      if (name != "up") contract[name] = type;
    }
  }
  REQUIRE(contract.size() > 40);
  std::map<std::string, std::string> served;
  {
    std::istringstream lines(page);
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.starts_with("# TYPE ")) continue;
      std::istringstream fields(line.substr(7));
      std::string name, type;
      fields >> name >> type;
      served[name] = type;
    }
  }
  // Plain references, not structured bindings: clang 14's lambdas (INFO) cannot capture those.
  for (const auto& entry : served) {
    const std::string& name = entry.first;
    INFO("served: " << name);
    CHECK(contract.count(name) == 1);
    if (contract.count(name) == 1) CHECK(contract[name] == entry.second);
  }
  for (const auto& entry : contract) {
    const std::string& name = entry.first;
    INFO("in the contract: " << name);
    CHECK(served.count(name) == 1);
  }

  const std::string file = server.dir() + "/metrics.txt";
  write_file(file, page);
  const std::string out = server.dir() + "/promtool.txt";
  const std::string command = promtool + " check metrics < " + file + " > " + out + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(out);
  const std::string report(std::istreambuf_iterator<char>(in), {});
  CHECK_MESSAGE(status == 0, report);
}

}  // namespace
}  // namespace sb::e2e
