#include "engine/api/request_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "engine/metrics/http_metrics.h"

namespace sb::api {
namespace {

thread_local std::string t_request_id;
thread_local std::vector<LogField> t_fields;

bool sane_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("._:@/+=-").find(c) != std::string_view::npos;
}

std::string new_request_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = random();
    for (int k = 0; k < 16; ++k, bits >>= 4)
      id[static_cast<std::size_t>(half * 16 + k)] = kHex[bits & 15];
  }
  return id;
}

spdlog::level::level_enum level_of(unsigned status) {
  if (status >= 500) return spdlog::level::warn;
  if (status >= 400) return spdlog::level::info;
  return spdlog::level::debug;
}

// Sets this thread's log fields for one line.
class FieldsScope {
 public:
  explicit FieldsScope(std::vector<LogField> fields) { t_fields = std::move(fields); }
  ~FieldsScope() { t_fields.clear(); }
  FieldsScope(const FieldsScope&) = delete;
  FieldsScope& operator=(const FieldsScope&) = delete;
};

void log_done(const std::string& method, const std::string& target, const ApiResponse& r,
              std::chrono::steady_clock::duration took) {
  const spdlog::level::level_enum level = level_of(r.status);
  if (!spdlog::should_log(level)) return;
  const double ms = std::chrono::duration<double, std::milli>(took).count();
  std::vector<LogField> fields = {{"method", method},
                                  {"target", target},
                                  {"status", std::to_string(r.status), true},
                                  {"duration_ms", fmt::format("{:.3f}", ms), true}};
  if (r.error) {
    fields.push_back({"error", r.error->code});
    if (r.error->field) fields.push_back({"field", *r.error->field});
    const FieldsScope scope(std::move(fields));
    spdlog::log(level, "{} {} {} {}: {} ({:.3f} ms)", method, target, r.status, r.error->code,
                r.error->message, ms);
    return;
  }
  const FieldsScope scope(std::move(fields));
  spdlog::log(level, "{} {} {} ({:.3f} ms)", method, target, r.status, ms);
}

}  // namespace

std::string request_id_from(std::string_view client) {
  const bool sane = !client.empty() && client.size() <= kRequestIdBytesMax &&
                    std::all_of(client.begin(), client.end(), sane_id_char);
  return sane ? std::string(client) : new_request_id();
}

std::string_view current_request_id() { return t_request_id; }

RequestIdScope::RequestIdScope(std::string id) : id_(std::move(id)), previous_(t_request_id) {
  t_request_id = id_;
}

RequestIdScope::~RequestIdScope() { t_request_id = std::move(previous_); }

std::span<const LogField> current_log_fields() { return t_fields; }

Respond with_request_log(std::string_view method, std::string_view target, Respond respond,
                         metrics::HttpMetrics* http, std::size_t route) {
  return [id = std::string(current_request_id()), method = std::string(method),
          target = std::string(target), start = std::chrono::steady_clock::now(),
          respond = std::move(respond), http, route](ApiResponse r) {
    const RequestIdScope scope(id);
    r.headers.emplace_back("X-Request-Id", id);
    const auto took = std::chrono::steady_clock::now() - start;
    if (http != nullptr) {
      http->observe(route, r.status, std::chrono::duration<double>(took).count());
    }
    log_done(method, target, r, took);
    respond(std::move(r));
  };
}

}  // namespace sb::api
