#include "engine/app/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

#include "engine/api/request_log.h"

namespace sb::app {
namespace {

std::string_view sv(spdlog::string_view_t text) { return {text.data(), text.size()}; }

void append(spdlog::memory_buf_t& out, std::string_view text) {
  out.append(text.data(), text.data() + text.size());
}

// `text` as a JSON string, quotes included. Bytes of 0x80 and up pass as they are (the log's
// messages are UTF-8); control characters are escaped.
void append_json_string(spdlog::memory_buf_t& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        append(out, "\\\"");
        break;
      case '\\':
        append(out, "\\\\");
        break;
      case '\n':
        append(out, "\\n");
        break;
      case '\r':
        append(out, "\\r");
        break;
      case '\t':
        append(out, "\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& out) override {
    using namespace std::chrono;
    const auto since_epoch = msg.time.time_since_epoch();
    const std::time_t seconds = duration_cast<std::chrono::seconds>(since_epoch).count();
    const auto micros = duration_cast<microseconds>(since_epoch).count() % 1'000'000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    fmt::format_to(std::back_inserter(out),
                   R"({{"time":"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z","level":)",
                   utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                   utc.tm_sec, micros);
    append_json_string(out, sv(spdlog::level::to_string_view(msg.level)));
    append(out, R"(,"logger":)");
    append_json_string(out, sv(msg.logger_name));
    fmt::format_to(std::back_inserter(out), R"(,"thread":{},"message":)", msg.thread_id);
    append_json_string(out, sv(msg.payload));
    if (const std::string_view id = api::current_request_id(); !id.empty()) {
      append(out, R"(,"request_id":)");
      append_json_string(out, id);
    }
    for (const api::LogField& field : api::current_log_fields()) {
      out.push_back(',');
      append_json_string(out, field.key);
      out.push_back(':');
      if (field.number) {
        append(out, field.value);
      } else {
        append_json_string(out, field.value);
      }
    }
    append(out, "}\n");
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// The pattern flag %Q: " request_id=ID" inside a request, nothing outside.
class RequestIdFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& out) override {
    const std::string_view id = api::current_request_id();
    if (id.empty()) return;
    append(out, " request_id=");
    append(out, id);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RequestIdFlag>();
  }
};

}  // namespace

bool valid_log_level(std::string_view level) {
  if (level == "warning") return true;
  for (std::string_view name : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    if (level == name) return true;
  }
  return false;
}

std::optional<LogFormat> parse_log_format(std::string_view format) {
  if (format == "text") return LogFormat::Text;
  if (format == "json") return LogFormat::Json;
  return std::nullopt;
}

std::unique_ptr<spdlog::formatter> make_json_formatter() {
  return std::make_unique<JsonFormatter>();
}

std::unique_ptr<spdlog::formatter> make_text_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<RequestIdFlag>('Q').set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%^%l%$] %v%Q");
  return formatter;
}

void configure_logging(const LogConfig& config) {
  const std::string level = config.level == "warning" ? "warn" : config.level;
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::set_formatter(config.format == LogFormat::Json ? make_json_formatter()
                                                         : make_text_formatter());
}

}  // namespace sb::app
