// Test helper: a Core on a virtual clock, with the events it emitted kept for inspection, and a
// small default policy that tests adjust. Everything is explicit about time.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/core/core.h"

namespace sb::test {

inline constexpr Timestamp kEpoch{1'700'000'000'000'000};

// voice (1 slot, blocks chat), chat (3 slots), email (5); skills billing, tech, sales,
// deescalation; queues "billing" (intent billing, skill billing) and "general" (the rest).
Policy basic_policy();
Expr intent_is(const std::string& intent);
Expr skill_at_least(const std::string& skill, double level);

struct AgentSpec {
  std::string id{};
  std::vector<std::pair<std::string, int>> skills{};
  std::vector<std::string> languages = {"en"};
  std::vector<std::pair<std::string, std::uint32_t>> channels{};  // empty: policy defaults
  Attributes attributes{};
  AgentKind kind = AgentKind::Human;
};

class Harness {
 public:
  explicit Harness(Policy policy = basic_policy(), core::CoreLimits limits = {});

  Result<Reply> apply(Command command);
  // Applies and fails the test if the command is rejected.
  Reply ok(Command command);
  void advance(Duration d);
  void advance_to(Timestamp t);

  void add_agent(const AgentSpec& spec, bool available = true);
  Reply create(const std::string& id, const std::string& channel, const std::string& customer,
               Attributes attributes = {}, double sentiment = 0, double priority = 0);
  void set_state(const std::string& agent, Presence p);

  // The agent the interaction is offered or assigned to ("" if none).
  std::string agent_of(const std::string& interaction);
  InteractionState state_of(const std::string& interaction);
  OfferId offer_of(const std::string& interaction);
  void accept(const std::string& interaction);
  void reject(const std::string& interaction);
  void complete(const std::string& interaction);

  template <typename T>
  std::vector<T> events_of() const {
    std::vector<T> out;
    for (const Event& e : events_) {
      if (const T* t = std::get_if<T>(&e.body)) out.push_back(*t);
    }
    return out;
  }
  void clear_events() { events_.clear(); }
  void check_invariants();

  core::Core& core() { return core_; }
  Timestamp now() const { return now_; }

 private:
  core::Core core_;
  Timestamp now_ = kEpoch;
  std::vector<Event> events_;
};

}  // namespace sb::test
