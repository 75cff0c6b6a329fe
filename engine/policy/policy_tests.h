// Runs a policy's own tests (the `tests:` section) against the real routing core: each test gets
// a fresh core with the policy installed, its agents, the customer's history, and then the
// interaction; the outcome is compared with what the test expects. No rollback and no I/O:
// safe from any thread, each call independent.
#pragma once

#include <string>
#include <vector>

#include "engine/policy/policy_loader.h"

namespace sb::policy {

struct TestFailure {
  std::string name;
  int line = 0;
  std::string message;
};

// The failures; empty when every test passes.
std::vector<TestFailure> run_policy_tests(const LoadedPolicy& loaded);

}  // namespace sb::policy
