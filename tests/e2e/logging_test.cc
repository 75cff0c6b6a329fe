// End to end, on the real binary: the request id (X-Request-Id taken from the client when sane,
// made otherwise, echoed in the answer and on the request's log line), JSON log lines, and
// --log-level over the config's log.level.
#include <doctest/doctest.h>

#include <csignal>
#include <sstream>

#include "tests/e2e/api_helpers.h"

namespace sb::e2e {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The server's log line that carries `request_id`, once it is there; "" if none comes.
std::string line_with(const ServerProcess& server, const std::string& request_id) {
  std::string found;
  eventually([&] {
    for (const std::string& line : lines_of(server.log())) {
      if (line.find(request_id) != std::string::npos) {
        found = line;
        return true;
      }
    }
    return false;
  });
  return found;
}

bool hex32(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_CASE("JSON log lines: X-Request-Id is echoed and names the request's line") {
  ServerProcess server(e2e_spec("log: {level: debug, format: json}\n"));
  client::HttpClient http(server.endpoint());

  auto ok = http.request("GET", "/v1/queues", "", "", {{"X-Request-Id", "e2e-ok-7f3a"}});
  CHECK(ok.status == 200);
  CHECK(ok.header("X-Request-Id") == "e2e-ok-7f3a");
  const json::object done = parse_object(line_with(server, "e2e-ok-7f3a"));
  CHECK(string_at(done, "request_id") == "e2e-ok-7f3a");
  CHECK(string_at(done, "level") == "debug");
  CHECK(string_at(done, "method") == "GET");
  CHECK(string_at(done, "target") == "/v1/queues");
  CHECK(number_at(done, "status") == 200);
  CHECK(number_at(done, "duration_ms") >= 0);

  // An error: its code and field are on the line.
  auto bad = http.request("POST", "/v1/interactions",
                          R"({"id":"i1","channel":"chat","customer_id":"c1","sentiment":7})",
                          "application/json", {{"X-Request-Id", "e2e-bad-1"}});
  expect_error(bad, 400, "invalid_field", "sentiment", "sentiment out of range");
  CHECK(bad.header("X-Request-Id") == "e2e-bad-1");
  const json::object failed = parse_object(line_with(server, "e2e-bad-1"));
  CHECK(string_at(failed, "level") == "info");
  CHECK(number_at(failed, "status") == 400);
  CHECK(string_at(failed, "error") == "invalid_field");
  CHECK(string_at(failed, "field") == "sentiment");

  // Every line the server wrote is one JSON object, start-up lines included.
  const auto lines = lines_of(server.log());
  CHECK(lines.size() >= 3);
  for (const std::string& line : lines) {
    const json::object o = parse_object(line);
    CHECK(!string_at(o, "time").empty());
    CHECK(!string_at(o, "level").empty());
    CHECK(!string_at(o, "message").empty());
  }
}

TEST_CASE("text log lines: an id that is not sane is replaced, and still echoed and logged") {
  ServerProcess server(e2e_spec());  // defaults: text, info
  client::HttpClient http(server.endpoint());

  auto r =
      http.request("GET", "/v1/agents/nobody", "", "", {{"X-Request-Id", "no spaces allowed"}});
  expect_error(r, 404, "not_found", nullptr, "unknown agent");
  const std::string id = r.header("X-Request-Id");
  CHECK(hex32(id));
  const std::string line = line_with(server, id);
  CHECK(line.find("[info] GET /v1/agents/nobody 404 not_found") != std::string::npos);
  CHECK(line.ends_with(" request_id=" + id));

  // A success is logged at debug only: not here.
  auto fine = http.request("GET", "/v1/queues");
  CHECK(fine.status == 200);
  CHECK(hex32(fine.header("X-Request-Id")));
  auto again = http.request("GET", "/v1/agents/nobody-else");
  CHECK(again.status == 404);
  CHECK(!line_with(server, again.header("X-Request-Id")).empty());  // logged after the success
  CHECK(server.log().find(fine.header("X-Request-Id")) == std::string::npos);
}

TEST_CASE("--log-level overrides log.level") {
  ServerSpec spec = e2e_spec("log: {level: debug}\n");
  spec.extra_args = {"--log-level", "error"};
  ServerProcess server(spec);
  client::HttpClient http(server.endpoint());
  auto r = http.request("GET", "/v1/agents/nobody", "", "", {{"X-Request-Id", "quiet-1"}});
  CHECK(r.status == 404);
  auto last = http.request("GET", "/v1/agents/nobody", "", "", {{"X-Request-Id", "quiet-2"}});
  CHECK(last.header("X-Request-Id") == "quiet-2");
  CHECK(server.stop(SIGTERM) == 0);
  const std::string log = server.log();
  CHECK(log.find("quiet-1") == std::string::npos);
  CHECK(log.find("[info]") == std::string::npos);  // not even the start-up line
}

TEST_CASE("a bad log config stops the start with FILE:LINE:COLUMN") {
  const std::string dir = make_temp_dir();
  write_file(dir + "/sb.yaml", "log:\n  format: xml\n");
  const RunResult r = run_switchboard({"serve", "--config", dir + "/sb.yaml", "--listen",
                                       "127.0.0.1:0", "--data-dir", dir + "/data"});
  CHECK(r.status == 1);
  CHECK(r.err.find(dir + "/sb.yaml:2:11: format must be text or json") != std::string::npos);
  const RunResult usage = run_switchboard({"serve", "--log-level", "loud"});
  CHECK(usage.status == 2);
}

}  // namespace
}  // namespace sb::e2e
