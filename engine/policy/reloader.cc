#include "engine/policy/reloader.h"

#include <openssl/evp.h>

#include <algorithm>

#include "engine/policy/policy_loader.h"
#include "engine/policy/policy_tests.h"

namespace sb::policy {

std::string_view to_string(ReloadTrigger t) {
  switch (t) {
    case ReloadTrigger::Startup:
      return "startup";
    case ReloadTrigger::Signal:
      return "signal";
    case ReloadTrigger::FileChange:
      return "file_change";
    case ReloadTrigger::Api:
      return "api";
  }
  return "unknown";
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

CheckedPolicy check_policy(std::string_view yaml, const std::string& source_name,
                           std::uint64_t version) {
  CheckedPolicy out;
  LoadResult loaded = load_policy(yaml, source_name, version);
  for (const Diagnostic& d : loaded.diagnostics) out.errors.push_back(d.to_string());
  if (!loaded.loaded) return out;
  for (const TestFailure& f : run_policy_tests(*loaded.loaded)) {
    out.errors.push_back(source_name + ":" + std::to_string(f.line) + ":1: test '" + f.name +
                         "' failed: " + f.message);
  }
  if (out.errors.empty()) out.policy = loaded.loaded->policy;
  return out;
}

PolicyReloader::PolicyReloader(std::string source_name, Apply apply, std::size_t history_max)
    : source_name_(std::move(source_name)), apply_(std::move(apply)), history_max_(history_max) {}

ReloadRecord PolicyReloader::reload(std::string_view yaml, ReloadTrigger trigger, Timestamp now) {
  std::lock_guard reloading(reload_mutex_);
  ReloadRecord record;
  {
    std::lock_guard lock(mutex_);
    record.version = ++last_version_;
  }
  record.at = now;
  record.sha256 = sha256_hex(yaml);
  record.trigger = trigger;
  // An upload is not the file: its problems are at api:LINE:COLUMN (docs/api.md), as validate's.
  const std::string source = trigger == ReloadTrigger::Api ? "api" : source_name_;
  CheckedPolicy checked = check_policy(yaml, source, record.version);
  record.errors = std::move(checked.errors);
  if (record.errors.empty()) {
    Result<Reply> installed = apply_(SetPolicy{checked.policy, std::string(yaml)});
    if (installed.ok()) {
      record.accepted = true;
      auto running = std::pair{record.version, std::string(yaml)};
      std::lock_guard lock(mutex_);
      current_ = std::move(running);
    } else {
      const ErrorCode code = installed.error().code;
      if (code == ErrorCode::Overloaded || code == ErrorCode::ShuttingDown ||
          code == ErrorCode::JournalUnavailable) {
        record.engine_unavailable = installed.error();
      }
      record.errors.push_back(source + ": the engine refused the policy: " +
                              installed.error().field + ": " + installed.error().message);
    }
  }
  std::lock_guard lock(mutex_);
  ++(record.accepted ? totals_.accepted : totals_.refused);
  history_.push_back(record);
  if (history_.size() > history_max_) history_.pop_front();
  return record;
}

PolicyReloader::Totals PolicyReloader::totals() const {
  std::lock_guard lock(mutex_);
  return totals_;
}

std::vector<ReloadRecord> PolicyReloader::history() const {
  std::lock_guard lock(mutex_);
  return {history_.begin(), history_.end()};
}

void PolicyReloader::restore(std::uint64_t version, std::string source) {
  std::lock_guard lock(mutex_);
  last_version_ = std::max(last_version_, version);
  current_ = std::pair{version, std::move(source)};
}

std::optional<std::pair<std::uint64_t, std::string>> PolicyReloader::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

}  // namespace sb::policy
