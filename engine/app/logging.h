// The server's log: spdlog's default logger on standard error, as text lines or as JSON lines
// (`log.format` in the server config), at the level of `log.level` or `--log-level`. Each line
// of an HTTP request carries its request id (engine/api/request_log.h): text lines end with
// `request_id=ID`, JSON lines have a "request_id" member and the request's fields.
// Thread contract: configure_logging before the server's threads start; logging from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace spdlog {
class formatter;
}

namespace sb::app {

enum class LogFormat { Text, Json };

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
  LogFormat format = LogFormat::Text;
};

// The level names config and --log-level accept (also "warning" for warn).
bool valid_log_level(std::string_view level);
std::optional<LogFormat> parse_log_format(std::string_view format);

// Sets the level and the line format of spdlog's default logger.
void configure_logging(const LogConfig& config);

// One JSON object a line: {"time":"2026-12-02T17:24:50.123456Z","level":"info","logger":...,
// "thread":...,"message":...,"request_id":...} then the line's fields (engine/api/request_log.h).
std::unique_ptr<spdlog::formatter> make_json_formatter();
// Text: "[2026-12-02 17:24:50.123] [switchboard] [info] message request_id=ID".
std::unique_ptr<spdlog::formatter> make_text_formatter();

}  // namespace sb::app
