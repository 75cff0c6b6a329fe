#include "engine/policy/policy_tests.h"

#include <algorithm>

#include "engine/core/core.h"

namespace sb::policy {
namespace {

using namespace std::chrono_literals;

constexpr Timestamp kTestNow{1'700'000'000'000'000};

class TestRun {
 public:
  explicit TestRun(const LoadedPolicy& loaded) : loaded_(loaded) {}

  std::string run(const PolicyTest& t) {
    Duration oldest{0};
    for (const TestContact& c : t.history) oldest = std::max(oldest, c.ago);
    now_ = kTestNow - oldest - 1s;  // the test's world starts before its oldest contact
    Result<Reply> installed = core_.apply(SetPolicy{loaded_.policy}, now_, events_);
    if (!installed.ok()) return "the policy does not install: " + installed.error().message;
    for (const UpsertAgent& a : t.agents) {
      if (auto e = check(core_.apply(a, now_, events_), "agent " + a.agent_id)) return *e;
    }
    std::vector<TestContact> history = t.history;
    std::stable_sort(history.begin(), history.end(),
                     [](const auto& x, const auto& y) { return x.ago > y.ago; });
    int n = 0;
    for (const TestContact& c : history) {
      if (auto e = replay_contact(t, c, n++)) return *e;
    }
    now_ = kTestNow;
    core_.advance(now_, events_);
    // Available in the order listed, so the first listed agent is the longest idle.
    for (const UpsertAgent& a : t.agents) {
      if (auto e =
              check(core_.apply(SetAgentState{a.agent_id, Presence::Available, ""}, now_, events_),
                    a.agent_id)) {
        return *e;
      }
    }
    Result<Reply> created = core_.apply(t.interaction, now_, events_);
    if (t.expect_error) {
      if (created.ok())
        return "expected error " + *t.expect_error + ", but the interaction was accepted";
      const std::string code(to_string(created.error().code));
      return code == *t.expect_error ? ""
                                     : "expected error " + *t.expect_error + ", got " + code +
                                           " (" + created.error().message + ")";
    }
    if (!created.ok())
      return "the interaction was refused: " + std::string(to_string(created.error().code)) + " " +
             created.error().message;
    if (t.wait.count() > 0) {
      now_ = now_ + t.wait;
      core_.advance(now_, events_);
    }
    const auto view = core_.interaction(t.interaction.interaction_id);
    if (!view) return "the interaction is gone";
    const std::uint32_t step = view->explanation ? view->explanation->step : view->step;
    const std::string got = "queue " + view->summary.queue + ", step " + std::to_string(step) +
                            ", agent " + (view->agent_id.empty() ? "none" : view->agent_id);
    if (t.expect_queue && *t.expect_queue != view->summary.queue)
      return "expected queue " + *t.expect_queue + ", got " + got;
    if (t.expect_step && *t.expect_step != step)
      return "expected step " + std::to_string(*t.expect_step) + ", got " + got;
    if (t.expect_agent && *t.expect_agent != view->agent_id) {
      return "expected agent " + (t.expect_agent->empty() ? std::string("none") : *t.expect_agent) +
             ", got " + got;
    }
    return "";
  }

 private:
  std::optional<std::string> check(const Result<Reply>& r, const std::string& what) {
    if (r.ok()) return std::nullopt;
    return what + ": " + r.error().field + ": " + r.error().message;
  }

  // A previous contact of the test's customer, answered by its agent, then completed.
  std::optional<std::string> replay_contact(const PolicyTest& t, const TestContact& c, int n) {
    now_ = kTestNow - c.ago;
    core_.advance(now_, events_);
    const std::string id = "history-" + std::to_string(n);
    if (!c.agent.empty()) {
      if (auto e =
              check(core_.apply(SetAgentState{c.agent, Presence::Available, ""}, now_, events_),
                    "history agent " + c.agent))
        return e;
    }
    CreateInteraction create{id, c.channel, t.interaction.customer_id, c.attributes, 0, 0};
    if (auto e = check(core_.apply(create, now_, events_), "history contact " + id)) return e;
    if (!c.agent.empty()) {
      auto status = core_.status(id);
      if (status->state == InteractionState::Offered &&
          core_.interaction(id)->agent_id != c.agent) {
        return "history contact " + id + " went to another agent than " + c.agent;
      }
      if (status->state == InteractionState::Queued) {
        if (auto e = check(core_.apply(TransferInteraction{id, "", c.agent}, now_, events_),
                           "history contact " + id))
          return e;
      }
      status = core_.status(id);
      if (status->state != InteractionState::Offered)
        return "history agent " + c.agent + " cannot take a " + c.channel;
      if (auto e = check(core_.apply(AcceptOffer{status->offer_id}, now_, events_),
                         "history contact " + id))
        return e;
      if (auto e = check(core_.apply(CompleteInteraction{id, "resolved"}, now_, events_),
                         "history contact " + id))
        return e;
      if (auto e = check(core_.apply(SetAgentState{c.agent, Presence::Offline, ""}, now_, events_),
                         "history agent " + c.agent))
        return e;
    } else {
      if (auto e = check(core_.apply(CancelInteraction{id, "abandoned"}, now_, events_),
                         "history contact " + id))
        return e;
    }
    return std::nullopt;
  }

  const LoadedPolicy& loaded_;
  core::Core core_;
  Timestamp now_ = kTestNow;
  std::vector<Event> events_;
};

}  // namespace

std::vector<TestFailure> run_policy_tests(const LoadedPolicy& loaded) {
  std::vector<TestFailure> failures;
  for (const PolicyTest& t : loaded.tests) {
    TestRun run(loaded);
    std::string message = run.run(t);
    if (!message.empty()) failures.push_back(TestFailure{t.name, t.line, std::move(message)});
  }
  return failures;
}

}  // namespace sb::policy
