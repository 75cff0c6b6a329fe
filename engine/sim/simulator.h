// A discrete-event simulation of a contact centre around the real routing core: customers
// arrive, wait, abandon and come back on other channels; agents log in and out with their
// shifts, answer offers, handle and wrap up. Everything reaches the core as the same Commands
// the API sends, on a virtual clock, and the simulator reacts to the core's Events as a contact
// platform would. A seed reproduces a run exactly.
//
// Thread contract: single-threaded; one Simulator runs one scenario once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/core/core.h"
#include "engine/sim/kpis.h"
#include "engine/sim/random.h"
#include "engine/sim/scenario.h"

namespace sb::sim {

struct SimulationOptions {
  std::optional<std::uint64_t> seed;  // overrides the scenario's
  std::size_t timeline_points = 240;  // samples of the timeline (--plot)
  // Called at each timeline sample with the share of the run done (0-1).
  std::function<void(double)> progress;
  // Called with every command just before the core applies it, at its time: what a live
  // engine's journal would hold (`simulate --record`). May be empty.
  std::function<void(const Command&, Timestamp)> on_command;
};

class Simulator {
 public:
  // `policy` must declare what the scenario names (check_against_policy).
  Simulator(const Scenario& scenario, std::shared_ptr<const Policy> policy,
            SimulationOptions options = {});
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Runs the whole scenario; call once.
  Measurements run();

 private:
  enum class Kind : std::uint8_t {
    Arrival,
    Return,
    Abandon,
    Answer,
    Complete,
    ShiftOn,
    ShiftOff,
    BackFromAway,
    Sample
  };
  struct Pending {
    std::int64_t at_us = 0;
    std::uint64_t seq = 0;  // ties in scheduling order: deterministic
    Kind kind = Kind::Arrival;
    bool flag = false;         // Answer: accept
    std::uint32_t stream = 0;  // Arrival, Return: the stream it arrives on
    std::uint32_t origin = 0;  // Return: the stream of the first contact
    std::int32_t agent = -1;   // shifts, away; Return: who answered the first contact
    std::uint64_t id = 0;      // interaction serial; Return: the customer
    std::uint64_t offer = 0;   // Answer
    double sentiment = 0;      // Return
    bool operator>(const Pending& o) const {
      return at_us != o.at_us ? at_us > o.at_us : seq > o.seq;
    }
  };
  struct Live {  // an interaction of this run, until it ends
    std::uint32_t stream = 0;
    std::uint32_t origin = 0;  // the stream whose attributes it carries
    std::uint64_t customer = 0;
    std::int32_t queue = -1;  // current queue (index in the policy)
    std::int32_t agent = -1;  // holding it (offered, assigned, wrap-up)
    std::int64_t held_since_us = 0;
    OfferId offer = 0;
    std::uint8_t legs = 0;  // answered legs (a transfer starts another)
    bool waiting = false;
    bool repeat = false;
    bool will_return = false;
    bool will_transfer = false;
    std::int32_t first_agent = -1;     // who answered its first leg
    std::int32_t previous_agent = -1;  // a repeat: who answered the customer's first contact
    std::uint32_t return_stream = 0;
    double return_delay_s = 0;
    double sentiment = 0;
    Duration handle{0};
    Duration second_handle{0};
  };
  struct AgentState {
    std::string id;
    std::uint32_t group = 0;
    std::uint32_t shifts_on = 0;
    bool away = false;  // set away by the core for missed offers
    std::uint32_t held = 0;
  };
  struct StreamState {
    Rng rng{0};
    std::vector<std::uint32_t> return_to;  // streams on another channel it may return on
    std::vector<double> return_weight;     // their cumulative rates
  };

  // Setup.
  void install();
  void schedule_shifts();
  void prepare_returns();

  // The loop.
  void schedule(Pending p);
  void clock_to(std::int64_t us);
  Timestamp stamp() const { return Timestamp{kEpochUs + now_us_}; }
  void apply(const Command& command);
  void observe();
  void handle(const Pending& p);

  // Customers.
  void arrive(std::uint32_t stream);
  void come_back(const Pending& p);
  // Creates interaction `serial` (on live.stream, with live.origin's attributes).
  void create(std::uint64_t serial, Live live, std::optional<Duration> patience);
  std::optional<std::int64_t> next_arrival_us(std::uint32_t stream, std::int64_t from_us);
  void abandon(std::uint64_t serial);
  void answer(const Pending& p);
  void complete(std::uint64_t serial);
  void ended(std::uint64_t serial, Live& live);

  // Agents.
  void shift(std::int32_t agent, bool on);
  void set_held(std::int32_t agent, int delta);
  bool staffed(const AgentState& a) const { return (a.shifts_on > 0 && !a.away) || a.held > 0; }
  void release(Live& live);

  // Events of the core.
  void on_event(const Event& e);
  Live* live_of(const std::string& interaction_id, std::uint64_t* serial = nullptr);
  std::int32_t agent_of(const std::string& agent_id) const;
  std::int32_t queue_of(const std::string& name) const;

  void sample();
  void finish();

  static constexpr std::int64_t kEpochUs = 1'767'571'200'000'000;  // 2026-01-05 00:00 UTC

  const Scenario& scenario_;
  std::shared_ptr<const Policy> policy_;
  SimulationOptions options_;
  std::int64_t end_us_ = 0;
  std::int64_t sample_every_us_ = 0;
  core::Core core_;
  std::vector<Event> events_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  std::uint64_t next_seq_ = 0;
  std::int64_t now_us_ = 0;
  Rng rng_;        // agents' answers
  Rng world_rng_;  // forks of it seed the streams
  std::vector<StreamState> streams_;
  std::vector<AgentState> agents_;
  std::unordered_map<std::string, std::int32_t> agent_index_;
  std::unordered_map<std::string, std::int32_t> queue_index_;
  std::unordered_map<std::uint64_t, Live> live_;
  std::uint64_t next_serial_ = 1;
  std::uint64_t next_customer_ = 1;
  std::uint32_t staffed_now_ = 0;
  std::uint32_t busy_now_ = 0;
  std::uint32_t waiting_now_ = 0;
  Tally bucket_;  // the timeline's current interval
  Measurements m_;
};

// Loads nothing and prints nothing: the whole simulation of `scenario` under `policy`.
Measurements simulate(const Scenario& scenario, std::shared_ptr<const Policy> policy,
                      SimulationOptions options = {});

}  // namespace sb::sim
