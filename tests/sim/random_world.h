// A seeded generator of random but meaningful command streams for the routing core: agents
// coming and going, interactions on every channel, offers answered or missed, transfers,
// retries with the same and with other content, policy reloads (valid and not), and time
// passing. Used by the property tests; the same seed gives the same stream.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "engine/core/core.h"

namespace sb::sim {

Policy random_world_policy(std::uint64_t version, bool alternate);

// Limits small enough that eviction and slot reuse happen often in a random world.
inline core::CoreLimits random_world_limits() {
  core::CoreLimits limits;
  limits.retained_ended = 300;
  limits.ended_retention = std::chrono::minutes(30);
  return limits;
}

// A number from the environment (SB_SEED and the like, to replay a failure), or `fallback`.
inline std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

class RandomWorld {
 public:
  explicit RandomWorld(std::uint64_t seed);

  // The next command, chosen with knowledge of the current state of `core`; may also move the
  // clock forward. Some commands are deliberately invalid.
  Command next(const core::Core& core);
  Timestamp now() const { return now_; }

  // Creates this world has seen accepted (the test tells it), for accounting.
  void note_created(const std::string& id, const CreateInteraction& c) {
    created_.push_back(id);
    bodies_.push_back(c);
    open_.push_back(id);
  }
  // An interaction ended: commands now pick it only rarely.
  void note_ended(const std::string& id) {
    for (std::size_t k = 0; k < open_.size(); ++k) {
      if (open_[k] == id) {
        open_[k] = open_.back();
        open_.pop_back();
        return;
      }
    }
  }
  const std::vector<std::string>& created() const { return created_; }
  const CreateInteraction* last_create() const { return last_create_ ? &*last_create_ : nullptr; }
  bool last_was_retry() const { return last_retry_; }
  bool last_was_conflict() const { return last_conflict_; }

 private:
  std::uint64_t pick(std::uint64_t n) { return rng_() % n; }
  bool chance(double p) { return static_cast<double>(rng_() % 1'000'000) < p * 1e6; }
  std::string agent_id() { return "agent" + std::to_string(pick(kAgents)); }
  std::string known_interaction();
  Command agent_command();
  Command create_command();
  Command interaction_command(const core::Core& core);

  static constexpr std::uint64_t kAgents = 14;
  static constexpr std::uint64_t kCustomers = 40;
  std::mt19937_64 rng_;
  Timestamp now_{1'700'000'000'000'000};
  std::uint64_t next_id_ = 0;
  std::uint64_t policy_version_ = 1;
  std::vector<std::string> created_;
  std::vector<std::string> open_;
  std::vector<CreateInteraction> bodies_;
  std::optional<CreateInteraction> last_create_;
  bool last_retry_ = false;
  bool last_conflict_ = false;
};

}  // namespace sb::sim
