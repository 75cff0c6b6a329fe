// The benchmark's routing scenario: a policy of 100 intent queues plus a catch-all, agents with
// random skills, languages and channels, and a stream of random interactions. Everything comes
// from seeded PRNGs, so a seed reproduces a run bit for bit. Single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "switchboard/command.h"
#include "switchboard/policy.h"

namespace sb::bench {

inline constexpr std::size_t kSkills = 50;
inline constexpr std::size_t kQueues = 100;
// Intents i0..i2 are the surge: they get more voice calls than their agents can take, which is
// where the steady state's backlog comes from (see Driver).
inline constexpr std::size_t kHotIntents = 3;
// Customers per agent: small enough that customers come back, so affinity has work to do.
inline constexpr std::size_t kCustomersPerAgent = 5;

// splitmix64: tiny, fast and identical everywhere (std distributions are implementation-defined).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::uint64_t below(std::uint64_t n);  // uniform in [0, n); n > 0
  double unit();                         // uniform in [0, 1)
  bool chance(double p) { return unit() < p; }

 private:
  std::uint64_t state_;
};

// Channels voice (1, blocks chat), chat (3), email (5); skills s0..s49 and deescalation; queues
// q0..q99 by intent, each with three escalation steps, then the catch-all "general".
std::shared_ptr<const Policy> make_policy();
// The same policy as YAML text, as an admin would write it: compiled by the policy loader, it
// must route exactly as make_policy() does (core_bench --yaml-policy checks that).
std::string policy_yaml();

std::string agent_id(std::size_t index);
// The index in an id made by agent_id, or -1.
std::int64_t agent_index(std::string_view id);

class Scenario {
 public:
  // `id_prefix` keeps the interaction ids of separate streams apart.
  Scenario(std::size_t agents, std::uint64_t seed, std::string id_prefix);

  std::size_t agents() const { return agents_; }
  std::size_t customers() const { return agents_ * kCustomersPerAgent; }

  // The registration of agent `index`: always the same for the same seed and index.
  UpsertAgent agent(std::size_t index) const;
  // A new interaction (fresh id) of a random customer: the everyday mix (any intent, any
  // channel) or, with `surge`, a voice call about a hot intent.
  CreateInteraction interaction(Rng& rng, bool surge);
  CreateInteraction interaction_of(Rng& rng, bool surge, std::size_t customer);

 private:
  std::size_t agents_;
  std::uint64_t seed_;
  std::string id_prefix_;
  std::uint64_t next_id_ = 0;
};

}  // namespace sb::bench
