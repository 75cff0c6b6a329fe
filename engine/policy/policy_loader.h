// Loads a routing policy from YAML text: parse, validate every key (all errors at once, each at
// FILE:LINE:COLUMN, with "did you mean" hints), compile the rules into the core's Policy, and
// keep the policy's own tests for `switchboard check` and reloads to run. Pure: no I/O but the
// text it is given; safe from any thread (each call is independent).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/command.h"
#include "switchboard/policy.h"

namespace sb::policy {

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string message;
  std::string to_string() const;  // "FILE:LINE:COLUMN: message"
};

// A previous contact of the customer, for tests that exercise affinity and customer rules.
struct TestContact {
  std::string channel;
  std::string agent;  // who answered it ("" if nobody)
  Attributes attributes;
  Duration ago{0};
};

// A policy test: given these agents (all available) and this interaction, expect this outcome.
struct PolicyTest {
  std::string name;
  int line = 0;
  std::vector<UpsertAgent> agents;
  std::vector<TestContact> history;
  CreateInteraction interaction;
  Duration wait{0};  // how long the interaction waits before the outcome is read
  std::optional<std::string> expect_queue;
  std::optional<std::uint32_t> expect_step;
  std::optional<std::string> expect_agent;  // "" means: no agent (it waits)
  std::optional<std::string> expect_error;  // an error code, e.g. "no_queue"
};

struct LoadedPolicy {
  std::shared_ptr<const Policy> policy;
  std::vector<PolicyTest> tests;
};

struct LoadResult {
  std::optional<LoadedPolicy> loaded;  // set when there are no diagnostics
  std::vector<Diagnostic> diagnostics;
};

// `file` names the source in diagnostics. `version` is stamped on the policy.
LoadResult load_policy(std::string_view yaml, const std::string& file, std::uint64_t version = 1);

}  // namespace sb::policy
