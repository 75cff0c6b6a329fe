#include <doctest/doctest.h>

#include "engine/core/core.h"
#include "engine/policy/reloader.h"

using namespace sb;
using namespace sb::policy;

namespace {

constexpr Timestamp kNow{1'700'000'000'000'000};

std::string policy_with(const std::string& queues, const std::string& tests = "") {
  return "version: 1\nchannels: {voice: {capacity: 1}, chat: {capacity: 3}}\nskills: "
         "[billing]\nqueues:\n" +
         queues + tests;
}

const std::string kBillingAndGeneral = policy_with(
    "  - name: billing\n    match: interaction.attributes.intent == 'billing'\n  - name: "
    "general\n");
const std::string kOnlyBilling =
    policy_with("  - name: billing\n    match: interaction.attributes.intent == 'billing'\n");

struct Engine {
  core::Core core;
  std::vector<Event> events;
  PolicyReloader reloader{"routing.yaml",
                          [this](SetPolicy c) { return core.apply(c, kNow, events); }};
};

}  // namespace

TEST_CASE("a valid policy is installed and recorded") {
  Engine e;
  const ReloadRecord r = e.reloader.reload(kBillingAndGeneral, ReloadTrigger::Startup, kNow);
  CHECK(r.accepted);
  CHECK(r.errors.empty());
  CHECK(r.version == 1);
  CHECK(r.sha256 == sha256_hex(kBillingAndGeneral));
  CHECK(r.sha256.size() == 64);
  REQUIRE(e.core.policy() != nullptr);
  CHECK(e.core.policy()->version == 1);
  CHECK(e.reloader.current()->second == kBillingAndGeneral);
}

TEST_CASE("a bad reload changes nothing, says why, and the old policy keeps running") {
  Engine e;
  REQUIRE(e.reloader.reload(kBillingAndGeneral, ReloadTrigger::Startup, kNow).accepted);
  const auto before = e.core.state_hash();

  const ReloadRecord syntax =
      e.reloader.reload("version: 1\nqueues: [", ReloadTrigger::Signal, kNow);
  CHECK_FALSE(syntax.accepted);
  CHECK(syntax.version == 2);
  REQUIRE_FALSE(syntax.errors.empty());
  CHECK(syntax.errors[0].rfind("routing.yaml:", 0) == 0);

  const std::string failing_test = policy_with("  - name: general\n",
                                               "tests:\n  - name: impossible\n    interaction: "
                                               "{channel: voice}\n    expect: {queue: billing}\n");
  const ReloadRecord tested = e.reloader.reload(failing_test, ReloadTrigger::Api, kNow);
  CHECK_FALSE(tested.accepted);
  REQUIRE(tested.errors.size() == 1);
  CHECK(tested.errors[0].rfind("api:", 0) == 0);  // an upload is named api, not the file
  CHECK(tested.errors[0].find("test 'impossible' failed: expected queue billing") !=
        std::string::npos);

  CHECK(e.core.state_hash() == before);  // neither attempt reached the core

  // The core refuses what would strand a waiting interaction: no queue would take it.
  REQUIRE(e.core
              .apply(CreateInteraction{"w1", "voice", "c1", {{"intent", std::string("x")}}, 0, 0},
                     kNow, e.events)
              .ok());
  const ReloadRecord refused = e.reloader.reload(kOnlyBilling, ReloadTrigger::FileChange, kNow);
  CHECK_FALSE(refused.accepted);
  REQUIRE(refused.errors.size() == 1);
  CHECK(refused.errors[0].find("the engine refused the policy") != std::string::npos);
  CHECK_FALSE(refused.engine_unavailable.has_value());  // the policy's fault: 422 for the API

  CHECK(e.core.policy()->version == 1);
  CHECK(e.reloader.current()->first == 1);
  const auto history = e.reloader.history();
  REQUIRE(history.size() == 4);
  CHECK(history[1].trigger == ReloadTrigger::Signal);
  CHECK(history[2].trigger == ReloadTrigger::Api);
  CHECK(history[3].trigger == ReloadTrigger::FileChange);
  CHECK(to_string(history[3].trigger) == "file_change");
  CHECK(e.reloader.totals().accepted == 1);
  CHECK(e.reloader.totals().refused == 3);
}

TEST_CASE("history is bounded") {
  core::Core core;
  std::vector<Event> events;
  PolicyReloader reloader(
      "p.yaml", [&](SetPolicy c) { return core.apply(c, kNow, events); }, 3);
  for (int k = 0; k < 5; ++k) reloader.reload(kBillingAndGeneral, ReloadTrigger::Api, kNow);
  const auto history = reloader.history();
  REQUIRE(history.size() == 3);
  CHECK(history.front().version == 3);
  CHECK(history.back().version == 5);
  CHECK(core.policy()->version == 5);
}

TEST_CASE("a valid policy the engine cannot take now is marked unavailable, not invalid") {
  for (ErrorCode code :
       {ErrorCode::Overloaded, ErrorCode::ShuttingDown, ErrorCode::JournalUnavailable}) {
    PolicyReloader reloader(
        "p.yaml", [&](SetPolicy) -> Result<Reply> { return make_error(code, "", "not now"); });
    const ReloadRecord r = reloader.reload(kBillingAndGeneral, ReloadTrigger::Api, kNow);
    CHECK_FALSE(r.accepted);
    REQUIRE(r.engine_unavailable.has_value());
    CHECK(r.engine_unavailable->code == code);
    CHECK_FALSE(reloader.current().has_value());
  }
}
