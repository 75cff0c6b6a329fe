// Drives a Core the way contact platforms would: it reacts to the core's events (offers to
// answer, interactions assigned or waiting, agents set away) and issues the next command of a
// realistic mix. It builds the benchmark's steady state and records the command log that the
// throughput phase replays. Deterministic: the same scenario and seed give the same commands,
// so two drivers build two identical cores. Single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/scenario.h"
#include "engine/core/core.h"

namespace sb::bench {

struct LoggedCommand {
  Timestamp at;
  Command command;
};
using CommandLog = std::vector<LoggedCommand>;

// Keys with O(1) insert, erase and uniform pick. Picks depend only on the order of operations,
// never on hashing, so the driver stays deterministic.
template <typename Key>
class PickSet {
 public:
  void insert(const Key& key) {
    if (pos_.emplace(key, items_.size()).second) items_.push_back(key);
  }
  void erase(const Key& key) {
    auto found = pos_.find(key);
    if (found == pos_.end()) return;
    const std::size_t i = found->second;
    pos_.erase(found);
    if (i + 1 != items_.size()) {
      items_[i] = std::move(items_.back());
      pos_[items_[i]] = i;
    }
    items_.pop_back();
  }
  bool contains(const Key& key) const { return pos_.count(key) != 0; }
  const Key& pick(Rng& rng) const { return items_[rng.below(items_.size())]; }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<Key> items_;
  std::unordered_map<Key, std::size_t> pos_;
};

class Driver {
 public:
  // `waiting_target`: the backlog the steady state keeps (see next_command).
  Driver(std::size_t agents, std::uint64_t seed, std::size_t waiting_target);

  // Each of these appends the commands it applies to `log`, if given.
  // Installs `policy`, then registers every agent and makes it available.
  void register_agents(sb::core::Core& core, std::shared_ptr<const Policy> policy, CommandLog* log);
  // Runs traffic until the load and the backlog reach their targets, then long enough in virtual
  // time for the oldest of the backlog to reach the last escalation step.
  void warm_up(sb::core::Core& core, CommandLog* log);
  // Applies `commands` more commands of the steady mix.
  void run(sb::core::Core& core, std::size_t commands, CommandLog* log);

  Timestamp now() const { return now_; }
  std::size_t waiting() const { return waiting_.size(); }
  std::size_t assigned() const { return assigned_.size(); }
  std::uint64_t rejected() const { return rejected_; }

 private:
  void step(sb::core::Core& core, CommandLog* log);
  void apply(sb::core::Core& core, Command command, CommandLog* log);
  void observe(const Event& event);
  Command next_command();
  Command answer_offer();
  Command complete();
  Command update_sentiment();
  Command abandon();
  Command toggle_presence();
  Command reskill();

  Scenario scenario_;
  Rng rng_;
  std::size_t waiting_target_;
  std::size_t assigned_target_;
  std::size_t away_target_;
  Timestamp now_;
  Duration step_;
  PickSet<OfferId> offers_;        // pending offers
  PickSet<std::string> waiting_;   // queued interactions
  PickSet<std::string> assigned_;  // accepted, not yet completed
  PickSet<std::size_t> away_;      // agents away (by us or for missed offers)
  std::vector<Event> events_;
  std::uint64_t rejected_ = 0;
  bool ramping_ = false;  // filling up: only arrivals and answers to offers
};

}  // namespace sb::bench
