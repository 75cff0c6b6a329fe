// The KPIs of a run read from the core's events alone: what `switchboard replay` measures, the
// same way, for the recorded run (the journal replayed) and for a candidate policy's run. It fills
// the simulator's Measurements (kpis.h), so figures() and the report code turn both into the
// same figures and tables as `switchboard simulate`'s; the definitions are those of
// docs/simulation.md, with interactions, agents and customers known by their ids instead of by
// the simulator's own bookkeeping:
// - a repeat contact is a customer's contact after an earlier one in the run (any channel); its
//   affinity chance is answered when that earlier contact had been answered when it arrived, a
//   hit when the same agent answers it;
// - the total judges each interaction by its wait from the create to its first answer or its
//   abandonment (across overflows, which restart the core's per-queue wait); a queue by the
//   core's wait in that queue;
// - staffed: the agent's presence is available or wrap-up, or it still holds work.
//
// Thread contract: single-threaded; one observer follows one run from its start to finish().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/sim/kpis.h"
#include "switchboard/command.h"
#include "switchboard/event.h"
#include "switchboard/policy.h"
#include "switchboard/result.h"

namespace sb::sim {

class KpiObserver {
 public:
  explicit KpiObserver(Timestamp start);

  // A policy was installed: its queues get a tally (in the order first seen) and their SLA.
  void use_policy(const Policy& policy);
  // The core accepted this create (not a retried duplicate) at `at`; call before its events.
  void created(const CreateInteraction& create, Timestamp at);
  // A command was applied: counted; `refused` when the core refused it (NoQueue: unrouted).
  void command(const Result<Reply>& result);
  // Each event in order, at its own time.
  void on_event(const Event& event);
  // The run ends at `end` (>= every event's time): agent time up to there, and what still waits.
  Measurements finish(Timestamp end);

 private:
  struct Live {
    std::string customer;
    Timestamp created;
    std::int32_t queue = -1;  // current queue (tally index)
    std::int32_t agent = -1;  // holding it: offered, assigned or in wrap-up
    Timestamp held_since;
    OfferId offer = 0;
    std::uint32_t legs = 0;  // answered legs
    bool waiting = false;
    bool repeat = false;
    std::int32_t previous_agent = -1;  // a repeat: who had answered the customer's last contact
  };
  struct AgentState {
    bool logged_in = false;  // available or in wrap-up
    std::uint32_t held = 0;
  };
  struct Customer {
    std::string last_contact;  // interaction id of the latest contact
    std::int32_t last_agent = -1;
  };

  void clock_to(Timestamp t);
  std::int32_t queue_of(const std::string& name);
  std::int32_t agent_of(const std::string& id);
  Duration threshold_of(std::int32_t queue) const;
  void set_held(std::int32_t agent, int delta);
  bool staffed(const AgentState& a) const { return a.logged_in || a.held > 0; }
  void release(Live& live);
  void answered(const InteractionAssigned& e, Live& live, Timestamp at);
  void abandoned(const InteractionAbandoned& e, Live& live, Timestamp at);

  Timestamp start_;
  Timestamp now_;
  std::unordered_map<std::string, Live> live_;
  std::unordered_map<std::string, std::int32_t> queue_index_;
  std::unordered_map<std::string, std::int32_t> agent_index_;
  std::vector<AgentState> agents_;
  std::unordered_map<std::string, Customer> customers_;
  std::uint32_t staffed_now_ = 0;
  std::uint32_t busy_now_ = 0;
  // Agent-microseconds, in integers: the same sum however the time is cut into intervals.
  std::int64_t staffed_agent_us_ = 0;
  std::int64_t busy_agent_us_ = 0;
  Measurements m_;
};

}  // namespace sb::sim
