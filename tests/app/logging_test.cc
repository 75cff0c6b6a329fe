// The server's log lines (engine/app/logging.h): JSON lines that parse, escape what they must and
// carry the request id and fields of engine/api/request_log.h; text lines that end with the
// request id; the X-Request-Id rules; the log keys of the server config.
#include "engine/app/logging.h"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <sstream>

#include "engine/api/request_log.h"
#include "engine/app/server_config.h"

namespace sb::app {
namespace {

namespace json = boost::json;

// A logger that writes into a string, with the given formatter, made spdlog's default for the
// test's lifetime (request_log writes to the default logger).
class Captured {
 public:
  explicit Captured(std::unique_ptr<spdlog::formatter> formatter,
                    spdlog::level::level_enum level = spdlog::level::trace)
      : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    auto logger = std::make_shared<spdlog::logger>("switchboard", sink);
    logger->set_formatter(std::move(formatter));
    logger->set_level(level);
    spdlog::set_default_logger(logger);
  }
  ~Captured() { spdlog::set_default_logger(previous_); }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

json::object parse_line(const std::string& line) {
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  INFO(line);
  REQUIRE(!ec);
  REQUIRE(v.is_object());
  return v.as_object();
}

TEST_CASE("a JSON line is one object with time, level, logger, thread and the message") {
  Captured log(make_json_formatter());
  spdlog::warn("disk {} at {}%: \"quoted\"\nnext\tline \x01 \\ é", "data", 91);
  const auto lines = log.lines();
  REQUIRE(lines.size() == 1);  // the newline in the message is escaped
  const json::object o = parse_line(lines[0]);
  CHECK(o.at("level") == "warning");
  CHECK(o.at("logger") == "switchboard");
  CHECK(o.at("thread").is_number());
  CHECK(o.at("message") == "disk data at 91%: \"quoted\"\nnext\tline \x01 \\ é");
  CHECK_FALSE(o.contains("request_id"));
  const std::string time(o.at("time").as_string());
  INFO(time);
  CHECK(time.size() == 27);  // 2026-12-02T17:24:50.123456Z
  CHECK(time[10] == 'T');
  CHECK(time.back() == 'Z');
}

TEST_CASE("inside a request, lines carry its id; the request's last line carries its fields") {
  Captured log(make_json_formatter(), spdlog::level::debug);
  api::ApiResponse sent;
  {
    const api::RequestIdScope scope(api::request_id_from("req-42"));
    spdlog::info("while handling");
    auto respond = api::with_request_log("POST", "/v1/interactions",
                                         [&sent](api::ApiResponse r) { sent = std::move(r); });
    api::ApiError error{422, "invalid_field", std::string("sentiment"), "out of range", {}};
    respond(api::error_response(error));
  }
  spdlog::info("after");
  const auto lines = log.lines();
  REQUIRE(lines.size() == 3);
  CHECK(parse_line(lines[0]).at("request_id") == "req-42");
  const json::object done = parse_line(lines[1]);
  CHECK(done.at("request_id") == "req-42");
  CHECK(done.at("level") == "info");  // a client error
  CHECK(done.at("method") == "POST");
  CHECK(done.at("target") == "/v1/interactions");
  CHECK(done.at("status") == 422);
  CHECK(done.at("duration_ms").is_number());
  CHECK(done.at("error") == "invalid_field");
  CHECK(done.at("field") == "sentiment");
  CHECK(std::string(done.at("message").as_string()).find("out of range") != std::string::npos);
  CHECK_FALSE(parse_line(lines[2]).contains("request_id"));
  CHECK(sent.status == 422);
  CHECK(sent.headers.back() == std::pair<std::string, std::string>("X-Request-Id", "req-42"));
}

TEST_CASE("successes log at debug: not at the default info level") {
  Captured log(make_json_formatter(), spdlog::level::info);
  const api::RequestIdScope scope(api::request_id_from(""));
  api::with_request_log("GET", "/v1/agents",
                        [](api::ApiResponse) {})(api::json_response(200, "[]"));
  api::with_request_log("GET", "/v1/agents", [](api::ApiResponse) {})(
      api::error_response(api::ApiError{503, "overloaded", std::nullopt, "busy", {}}));
  const auto lines = log.lines();
  REQUIRE(lines.size() == 1);
  CHECK(parse_line(lines[0]).at("level") == "warning");
  CHECK(parse_line(lines[0]).at("status") == 503);
}

TEST_CASE("text lines end with the request id inside a request") {
  Captured log(make_text_formatter());
  spdlog::info("outside");
  {
    const api::RequestIdScope scope("abc-1");
    spdlog::info("inside");
  }
  const auto lines = log.lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].ends_with("] [switchboard] [info] outside"));
  CHECK(lines[1].ends_with("] [switchboard] [info] inside request_id=abc-1"));
}

TEST_CASE("X-Request-Id: a sane client id is kept; anything else gets a fresh one") {
  CHECK(api::request_id_from("3f2c-AB_9.x:y@z/+=") == "3f2c-AB_9.x:y@z/+=");
  const std::string longest(api::kRequestIdBytesMax, 'a');
  CHECK(api::request_id_from(longest) == longest);
  for (const std::string& bad : {std::string(), std::string("has space"), std::string("a\"b"),
                                 std::string("new\nline"), std::string("é"), longest + "a"}) {
    INFO(bad);
    const std::string id = api::request_id_from(bad);
    CHECK(id.size() == 32);
    CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  }
  CHECK(api::request_id_from("") != api::request_id_from(""));
}

TEST_CASE("log.level and log.format in the server config; bad values name file:line:column") {
  auto ok = load_server_config("log:\n  level: debug\n  format: json\n", "sb.yaml");
  REQUIRE(std::holds_alternative<ServerConfig>(ok));
  CHECK(std::get<ServerConfig>(ok).log.level == "debug");
  CHECK(std::get<ServerConfig>(ok).log.format == LogFormat::Json);
  const ServerConfig defaults = std::get<ServerConfig>(load_server_config("", "sb.yaml"));
  CHECK(defaults.log.level == "info");
  CHECK(defaults.log.format == LogFormat::Text);

  auto bad = load_server_config("log:\n  level: loud\n  format: xml\n  colour: true\n", "sb.yaml");
  REQUIRE(std::holds_alternative<std::vector<std::string>>(bad));
  const auto& errors = std::get<std::vector<std::string>>(bad);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0] ==
        "sb.yaml:2:10: level must be trace, debug, info, warn, error, critical or off");
  CHECK(errors[1] == "sb.yaml:3:11: format must be text or json");
  CHECK(errors[2].starts_with("sb.yaml:4:3: unknown key 'colour' in log"));
}

}  // namespace
}  // namespace sb::app
