#include "engine/api/auth.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>

#include "engine/policy/reloader.h"

namespace sb::api {
namespace {

// Lower-case hex, so that a digest copied from `sha256sum` in either case compares equal.
std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::Observer:
      return "observer";
    case Role::Platform:
      return "platform";
    case Role::Admin:
      return "admin";
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "observer") return Role::Observer;
  if (text == "platform") return Role::Platform;
  if (text == "admin") return Role::Admin;
  return std::nullopt;
}

RateLimiter::RateLimiter(RateLimit limit) {
  if (limit.per_s > 0) {
    interval_us_ = static_cast<std::int64_t>(1e6 / limit.per_s);
    tolerance_us_ = static_cast<std::int64_t>(interval_us_ * std::max(0.0, limit.burst));
  }
}

std::optional<std::chrono::microseconds> RateLimiter::admit(std::int64_t now_us) {
  if (interval_us_ == 0) return std::nullopt;
  std::int64_t tat = tat_us_.load(std::memory_order_relaxed);
  for (;;) {
    const std::int64_t start = std::max(tat, now_us);
    if (start - now_us > tolerance_us_) {
      return std::chrono::microseconds(start - now_us - tolerance_us_);
    }
    if (tat_us_.compare_exchange_weak(tat, start + interval_us_, std::memory_order_relaxed)) {
      return std::nullopt;
    }
  }
}

TokenTable::TokenTable(const std::vector<TokenConfig>& tokens, RateLimit limit)
    : anonymous_limiter_(std::make_unique<RateLimiter>(limit)) {
  for (const TokenConfig& t : tokens) {
    Entry e{t.name, lower(t.sha256), t.role, std::make_unique<RateLimiter>(limit)};
    entries_.push_back(std::move(e));
  }
}

std::optional<Principal> TokenTable::authenticate(std::string_view authorization) const {
  if (entries_.empty()) return Principal{"anonymous", Role::Admin, anonymous_limiter_.get()};
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size()) return std::nullopt;
  const auto scheme = authorization.substr(0, kScheme.size());
  if (!std::equal(scheme.begin(), scheme.end(), kScheme.begin(), kScheme.end(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return std::nullopt;
  }
  const std::string digest = policy::sha256_hex(authorization.substr(kScheme.size()));
  // Compare digests in constant time, and look at every entry, so timing tells nothing.
  const Entry* found = nullptr;
  for (const Entry& e : entries_) {
    if (e.digest.size() == digest.size() &&
        CRYPTO_memcmp(e.digest.data(), digest.data(), digest.size()) == 0) {
      found = &e;
    }
  }
  if (found == nullptr) return std::nullopt;
  return Principal{found->name, found->role, found->limiter.get()};
}

}  // namespace sb::api
