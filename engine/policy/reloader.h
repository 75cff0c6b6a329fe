// Policy hot reload: one function that every trigger (start-up, SIGHUP, a change of the file,
// the admin API) calls. It parses, validates, compiles and tests the new policy on the calling
// thread — never the core's — then hands one SetPolicy command to the core through `apply`,
// which swaps it in between two commands. Every attempt is recorded (version, time, sha256 of
// the source, trigger, result, errors); a failed attempt changes nothing and the old policy
// keeps running.
//
// Thread contract: reload(), history() and current() may be called from any thread; attempts
// are serialized by an internal mutex (reloads are rare), and `apply` is called under it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/command.h"
#include "switchboard/result.h"
#include "switchboard/time.h"

namespace sb::policy {

enum class ReloadTrigger { Startup, Signal, FileChange, Api };
std::string_view to_string(ReloadTrigger t);

struct ReloadRecord {
  std::uint64_t version = 0;  // monotonic, one per attempt
  Timestamp at;
  std::string sha256;  // of the source text, hex
  ReloadTrigger trigger = ReloadTrigger::Startup;
  bool accepted = false;
  std::vector<std::string> errors;  // FILE:LINE:COLUMN: message, failed tests, the core's refusal
  // Set when a valid policy could not be handed to the core (overloaded, stopping, journal
  // down): the policy is not at fault, so an API caller gets 503 and may retry.
  std::optional<Error> engine_unavailable;
};

// A policy compiled and tested, but not installed: the policy, or every problem found
// (FILE:LINE:COLUMN: message, and failed tests).
struct CheckedPolicy {
  std::shared_ptr<const Policy> policy;
  std::vector<std::string> errors;
};
CheckedPolicy check_policy(std::string_view yaml, const std::string& source_name,
                           std::uint64_t version = 1);

class PolicyReloader {
 public:
  // Installs a compiled policy in the core and returns the core's answer.
  using Apply = std::function<Result<Reply>(SetPolicy)>;

  PolicyReloader(std::string source_name, Apply apply, std::size_t history_max = 100);

  // One attempt: compile, test, install. Returns its record. Problems are located in
  // `source_name` (the file), except for ReloadTrigger::Api, whose text is located in "api".
  ReloadRecord reload(std::string_view yaml, ReloadTrigger trigger, Timestamp now);

  std::vector<ReloadRecord> history() const;  // oldest first
  // Attempts since start-up, by result (the history keeps only the latest).
  struct Totals {
    std::uint64_t accepted = 0;
    std::uint64_t refused = 0;
  };
  Totals totals() const;
  // After recovery: the policy the journal installed is the current one, and versions go on
  // after its own. Call before any reload.
  void restore(std::uint64_t version, std::string source);
  // The source text of the policy running now, and its version.
  std::optional<std::pair<std::uint64_t, std::string>> current() const;

 private:
  std::string source_name_;
  Apply apply_;
  std::size_t history_max_;
  // One reload at a time, held while compiling and installing (which may take a second).
  std::mutex reload_mutex_;
  // Guards what readers see (history, totals, current); held only to copy or update them, so
  // that I/O threads reading them never wait for a compilation.
  mutable std::mutex mutex_;
  std::uint64_t last_version_ = 0;
  Totals totals_;
  std::deque<ReloadRecord> history_;
  std::optional<std::pair<std::uint64_t, std::string>> current_;
};

std::string sha256_hex(std::string_view data);

}  // namespace sb::policy
