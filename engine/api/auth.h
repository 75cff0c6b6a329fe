// Who is calling: bearer tokens (configured by their SHA-256, never in clear), each with a role,
// and a rate limit per token. The table is built once at start-up and only read afterwards, so
// lookups need no lock; each token's rate limiter is one atomic (GCRA), safe from any I/O thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::api {

// Ordered: each role may do what the ones before it may.
enum class Role : std::uint8_t { Observer, Platform, Admin };
std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

struct TokenConfig {
  std::string name;    // for logs: never the token itself
  std::string sha256;  // hex SHA-256 of the token (`printf %s TOKEN | sha256sum`)
  Role role = Role::Observer;
};

struct RateLimit {
  double per_s = 0;  // 0: unlimited
  double burst = 0;  // requests allowed at once above the steady rate
};

// Generic cell rate algorithm: one atomic "theoretical arrival time" per limited caller.
class RateLimiter {
 public:
  explicit RateLimiter(RateLimit limit);
  // Admits one request at `now_us`, or tells how long to wait before retrying.
  std::optional<std::chrono::microseconds> admit(std::int64_t now_us);

 private:
  std::int64_t interval_us_ = 0;   // time one request "costs"
  std::int64_t tolerance_us_ = 0;  // how far ahead of schedule a burst may run
  std::atomic<std::int64_t> tat_us_{0};
};

struct Principal {
  std::string name;
  Role role = Role::Admin;
  RateLimiter* limiter = nullptr;  // null: not limited
};

class TokenTable {
 public:
  // No tokens: auth is off and every caller is an anonymous admin (loopback only; see Server).
  TokenTable(const std::vector<TokenConfig>& tokens, RateLimit limit);

  bool enabled() const { return !entries_.empty(); }
  // The caller behind an `Authorization` header value ("Bearer TOKEN"), or nullopt.
  std::optional<Principal> authenticate(std::string_view authorization) const;

 private:
  struct Entry {
    std::string name;
    std::string digest;  // lower-case hex SHA-256
    Role role;
    std::unique_ptr<RateLimiter> limiter;
  };
  std::vector<Entry> entries_;
  std::unique_ptr<RateLimiter> anonymous_limiter_;
};

}  // namespace sb::api
