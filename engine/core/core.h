// The routing core: a deterministic state machine that owns every agent, interaction, queue and
// customer journey, and decides who handles what. It knows nothing of sockets, JSON, YAML or
// clocks: it applies plain Commands at the timestamps it is given and appends the Events they
// cause. The same commands at the same timestamps give the same state and the same events, bit
// for bit, which makes it replayable from a journal and runnable under a simulator.
//
// Thread contract: not thread-safe. One thread (the runtime's core thread, a test, or the
// simulator) owns a Core and calls everything on it.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/common/symbol_table.h"
#include "engine/core/agent_pools.h"
#include "engine/core/core_stats.h"
#include "engine/core/journey_store.h"
#include "engine/core/linked_policy.h"
#include "engine/core/queue_runtime.h"
#include "engine/core/records.h"
#include "engine/core/timer_queue.h"
#include "engine/core/waiting_set.h"
#include "switchboard/command.h"
#include "switchboard/event.h"
#include "switchboard/result.h"
#include "switchboard/views.h"

namespace sb {
class ByteWriter;
class ByteReader;
}  // namespace sb

namespace sb::core {

// Bounds on what clients may make the core hold. Exceeding one is a LimitExceeded error.
struct CoreLimits {
  std::size_t max_agents = 200'000;
  std::size_t max_live_interactions = 2'000'000;
  std::size_t max_id_length = 128;
  std::size_t max_string_length = 256;
  std::size_t max_attributes = 64;
  std::size_t max_skills = 128;
  std::size_t max_languages = 32;
  // Distinct strings (names, attribute keys and values, ids of agents) the core interns.
  std::size_t max_symbols = 5'000'000;
  // Ended interactions are kept this many / this long, so that retried creates stay idempotent
  // and their outcome can still be read.
  std::size_t retained_ended = 200'000;
  Duration ended_retention = std::chrono::hours(24);
};

// How best_agent searches: through the pools (production), or by scoring every agent (the
// reference the benchmark and the property tests compare against).
enum class MatchStrategy { Indexed, Naive };

struct CoreCounts {
  std::size_t agents = 0;
  std::size_t live_interactions = 0;
  std::size_t retained_interactions = 0;
  std::size_t waiting = 0;
  std::size_t offered = 0;
  std::size_t assigned = 0;
  std::size_t wrap_up = 0;
  std::size_t customers = 0;
  std::size_t timers = 0;
  std::uint64_t commands_applied = 0;
  std::uint64_t commands_rejected = 0;
};

class Core {
 public:
  explicit Core(CoreLimits limits = {});
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  // Fires every timer due at or before `now`, then applies `command` at `now`. On success the
  // state changed as the command says and its events were appended to `events`; on failure
  // nothing changed (timers that fell due still fired) and the error names the field.
  // `now` must not go backwards.
  Result<Reply> apply(const Command& command, Timestamp now, std::vector<Event>& events);

  // Fires every timer due at or before `now`, in deadline order, each at its own deadline.
  void advance(Timestamp now, std::vector<Event>& events);
  std::optional<Timestamp> next_deadline() const;
  Timestamp now() const { return now_; }

  // Queries. They change nothing.
  std::shared_ptr<const Policy> policy() const;
  std::optional<AgentView> agent(std::string_view id) const;
  std::vector<AgentView> agents() const;
  std::optional<InteractionView> interaction(std::string_view id) const;
  // Just the state and pending offer of an interaction: cheaper than the full view.
  struct Status {
    InteractionState state = InteractionState::Queued;
    OfferId offer_id = 0;
  };
  std::optional<Status> status(std::string_view id) const;
  std::vector<QueueView> queues() const;
  std::optional<QueueView> queue(std::string_view name) const;
  std::vector<JourneyContact> journey(std::string_view customer_id) const;
  CoreCounts counts() const;
  // What the core has measured (core_stats_snapshot.cc): O(queues x channels + agents + the
  // waiting interactions), for a metrics publisher a few times a second at most. The agents
  // eligible per queue cost O(queues x agents) expression evaluations: they are recounted only
  // with `recount_eligible` (or the first time), else the last count is reported.
  StatsSnapshot stats(bool recount_eligible = true) const;

  // A monotonic clock in nanoseconds that times routing decisions for the decision-latency
  // histogram. Only measurements read it: routing never does, so the core stays deterministic.
  using Stopwatch = std::uint64_t (*)();
  void set_stopwatch(Stopwatch stopwatch) { stopwatch_ = stopwatch; }

  // A fingerprint of the whole routing state, independent of symbol numbering and of memory.
  std::uint64_t state_hash() const;
  // Every invariant violation found (empty when sound): capacity, single state, single offer,
  // and the consistency of the indexes with the records.
  std::vector<std::string> check_invariants() const;
  // Violations of stability: a waiting interaction that a free, eligible agent could take (found
  // by scoring every agent, so O(waiting x agents): for tests).
  std::vector<std::string> check_no_missed_match() const;

  // State snapshots (core_state.cc). save_state appends the whole state — records, timers,
  // journeys, measurements — in a versioned binary form, without the indexes, which load_state
  // rebuilds: O(state), not O(history). The policy travels apart, as the core holds it compiled,
  // not as text: load_state takes the compiled form of the policy that was installed when the
  // state was saved (null if none was). load_state wants a fresh core with the same limits as
  // the one saved; on failure (malformed bytes, a policy that is not the one saved) the error
  // says what is wrong, and the core must be discarded.
  // After a load the core behaves, command for command and event for event, as the one saved
  // would have (tests/sim/state_test.cc).
  void save_state(std::string& out) const;
  // The same into `w`, calling w.checkpoint() between records, so that a writer with a sink
  // streams a large state out instead of holding all of it. The caller calls w.finish().
  void save_state(ByteWriter& w) const;
  Result<CoreCounts> load_state(std::string_view bytes, std::shared_ptr<const Policy> policy);

  // Where `create` would go and why, without changing anything. Fails as create would.
  Result<Explanation> preview(const CreateInteraction& create, MatchStrategy strategy);

 private:
  struct Candidate {
    AgentIndex agent = kNone;
    ScoreParts score;
    Timestamp idle_since;
    std::uint64_t idle_seq = 0;
  };
  struct Top2 {
    std::optional<Candidate> best;
    std::optional<Candidate> second;
    std::uint32_t considered = 0;
    void offer(const Candidate& c);
  };

  // core.cc: dispatch and timers
  Result<Reply> dispatch(const Command& command, std::vector<Event>& events);
  void fire(const Timer& timer, std::vector<Event>& events);
  void evict_ended();

  // core_agents.cc
  Result<Reply> upsert_agent(const UpsertAgent& c, std::vector<Event>& events);
  Result<Reply> set_agent_state(const SetAgentState& c, std::vector<Event>& events);
  void set_presence(AgentIndex a, Presence p, Symbol reason, std::vector<Event>& events);
  void rebuild_slots(Agent& agent);
  void rebuild_nodes(AgentIndex a);
  // Re-files the agent's pool memberships after its load, presence or idle clock changed.
  void relink(AgentIndex a, bool touched = false);
  void touch(AgentIndex a);
  // Inline: the pool search and relink call it for every candidate and membership.
  std::uint32_t free_slots(const Agent& agent, std::uint32_t channel) const {
    if (agent.presence != Presence::Available) return 0;
    if (agent.busy_channels & policy_->channels[channel].blocked_by) return 0;
    const ChannelSlots& s = agent.slots[channel];
    return s.capacity > s.load ? s.capacity - s.load : 0;
  }
  bool has_free_slot(const Agent& agent) const;
  void reserve_slot(AgentIndex a, std::uint32_t channel);
  void release_slot(AgentIndex a, std::uint32_t channel);
  Presence effective_presence(const Agent& agent) const;
  // The bit of `language` in the language registry; 0 if it has none (and, with `assign`, the
  // registry of 63 is full).
  std::uint64_t language_bit(Symbol language, bool assign);
  std::uint64_t language_bit(Symbol language) const;

  // core_interactions.cc
  Result<Reply> create_interaction(const CreateInteraction& c, std::vector<Event>& events);
  Result<Reply> update_interaction(const UpdateInteraction& c, std::vector<Event>& events);
  Result<Reply> cancel_interaction(const CancelInteraction& c, std::vector<Event>& events);
  Result<Reply> transfer_interaction(const TransferInteraction& c, std::vector<Event>& events);
  Result<Reply> complete_interaction(const CompleteInteraction& c, std::vector<Event>& events);
  Result<Reply> accept_offer(const AcceptOffer& c, std::vector<Event>& events);
  Result<Reply> reject_offer(const RejectOffer& c, std::vector<Event>& events);
  // Ends the pending offer of `i`: the agent's slot is freed and `i` goes back to routing.
  void end_offer(InteractionIndex i, OfferEndReason reason, std::vector<Event>& events);
  // Ends the pending offer of `i` and leaves `i` with no agent; the caller decides what next.
  AgentIndex withdraw_offer(InteractionIndex i, OfferEndReason reason, std::vector<Event>& events);
  void finish(InteractionIndex i, InteractionState state, std::vector<Event>& events);
  void finish_wrap_up(InteractionIndex i, std::vector<Event>& events);
  InteractionIndex allocate_interaction();
  Reply reply_for(const Interaction& it) const;
  std::uint64_t content_hash(const CreateInteraction& c) const;
  std::optional<Error> validate_attributes(const Attributes& attrs, const std::string& field) const;

  // core_waiting.cc: queues, steps, holds, waiting sets
  std::int32_t select_queue(const Interaction& it) const;
  std::int32_t select_queue_slow(const Interaction& it, const EvalContext& ctx) const;
  void enter_queue(InteractionIndex i, std::int32_t policy_queue, bool keep_wait);
  // Routes a queued interaction now if a free agent may take it, else puts it in its waiting set.
  void place(InteractionIndex i, std::vector<Event>& events, bool announce);
  void enqueue(InteractionIndex i, std::vector<Event>& events, bool announce);
  std::int32_t ensure_policy_queue(InteractionIndex i);
  std::int32_t current_policy_queue(const Interaction& it) const;
  void check_sla(InteractionIndex i, std::vector<Event>& events);
  void breach_sla(InteractionIndex i, Duration threshold, std::vector<Event>& events);
  void leave_waiting(InteractionIndex i);
  void hold_for(InteractionIndex i, AgentIndex a, Duration wait, std::vector<Event>& events);
  std::uint32_t step_for_wait(const LinkedQueue& q, Duration waited) const;
  double order_key(const Interaction& it, const LinkedQueue& q) const;
  double effective_priority(const Interaction& it) const;
  WaitingSet& waiting_set(const LinkedQueue& q, std::uint32_t step, std::uint32_t channel);
  void schedule_wait_timers(InteractionIndex i);
  void overflow(InteractionIndex i, std::vector<Event>& events);

  // core_matching.cc
  void route(InteractionIndex i, std::vector<Event>& events);
  void fill_agent(AgentIndex a, std::vector<Event>& events);
  bool try_preferred(InteractionIndex i, AgentIndex a, DecisionReason reason,
                     std::vector<Event>& events);
  Top2 best_agents(const Interaction& it, const LinkedQueue& q, std::uint32_t step,
                   MatchStrategy strategy) const;
  // The agent rejected or missed this interaction, or is protected by the wellbeing cap.
  bool protected_from(const Agent& agent, AgentIndex a, const Interaction& it) const;
  // `ctx` carries the interaction, its customer and the time; eligible() sets its agent.
  EvalContext decision_context(const Interaction& it) const;
  bool eligible(const Agent& agent, AgentIndex a, const Interaction& it, const LinkedQueue& q,
                std::uint32_t step, EvalContext& ctx) const;
  // The languages a step asks of agents for one interaction, resolved once per decision: the
  // same for every candidate, so a candidate costs a mask test, not a lookup per key.
  struct LanguageNeeds {
    static constexpr std::size_t kMax = 4;
    bool unmet = false;       // the interaction lacks a language the step asks for
    bool too_many = false;    // more than kMax keys: each candidate resolves them itself
    std::uint32_t count = 0;  // needed languages
    std::array<Symbol, kMax> languages{};
    std::array<std::uint64_t, kMax> language_bits{};  // 0: no bit, the agent's list decides
  };
  LanguageNeeds language_needs(const Interaction& it, const LinkedQueue& q,
                               std::uint32_t step) const;
  static bool may_speak(const PoolNode& node, const LanguageNeeds& needs);
  bool eligible(const Agent& agent, AgentIndex a, const Interaction& it, const LinkedQueue& q,
                std::uint32_t step, EvalContext& ctx, const LanguageNeeds& needs) const;
  bool eligible_any_step(const Agent& agent, AgentIndex a, const Interaction& it,
                         const LinkedQueue& q) const;
  // `cls`: the class the agent was found in, whose key holds its static features.
  Candidate score(AgentIndex a, const Interaction& it, const LinkedQueue& q,
                  const Customer* customer, const ClassKey* cls = nullptr) const;
  double affinity(AgentIndex a, const Interaction& it, const LinkedQueue& q,
                  const Customer* customer) const;
  // The class an agent belongs to in the pool of (queue, channel), computed from scratch.
  ClassKey class_key(const Agent& agent, std::size_t queue_index, std::uint32_t channel) const;
  // Its two parts: what depends on the queue only (the agent-only step rules, skills), and the
  // channel's capacity and free slots. Rules know no channel, so they are evaluated once.
  ClassKey family_key(const Agent& agent, std::size_t queue_index) const;
  ClassKey with_channel(ClassKey key, const Agent& agent, std::uint32_t channel) const;
  void offer(InteractionIndex i, AgentIndex a, const Decision& decision,
             std::vector<Event>& events);
  void forget_decision(Interaction& it);
  // The best-score decision `top` stands for (no chosen agent if it found none).
  Decision decision_of(const Top2& top, const LinkedQueue& q, std::uint32_t step) const;
  ScoreBreakdown named(AgentIndex a, const ScoreParts& score) const;
  Explanation explain(const Decision& d) const;

  // core_state.cc
  void save_agent(ByteWriter& w, const Agent& agent) const;
  bool load_agent(ByteReader& r, Agent& agent);
  void save_interaction(ByteWriter& w, const Interaction& it) const;
  bool load_interaction(ByteReader& r, Interaction& it);
  // Rebuilds what save_state leaves out: the id indexes, the agent pools and the waiting sets.
  std::optional<std::string> rebuild_indexes();

  // core_policy.cc
  Result<Reply> set_policy(const SetPolicy& c, std::vector<Event>& events);
  QueueIndex queue_runtime(Symbol name);

  // core_observe.cc: measurements and the events that watch them
  void observe_contact(Interaction& it, Contact& contact);
  void observe_outcome(const Interaction& it, bool answered, Duration waited,
                       std::vector<Event>& events);
  void observe_offer(const Interaction& it, OfferResult result);
  void observe_waiting(const Interaction& it, int delta);
  void observe_answer_agent(const Interaction& it);
  void observe_end(const Interaction& it);
  void observe_sentiment(const Interaction& it, double before, std::vector<Event>& events);
  void close_journeys();
  Duration repeat_window() const;

  // The symbol of the "intent" attribute, interned on first use as it always was (so that the
  // symbol table, and saved states, are what they were), then kept: creates read it.
  Symbol intent_symbol() {
    if (intent_ == kNoSymbol) intent_ = symbols_.intern("intent");
    return intent_;
  }

  // core_views.cc
  const std::string& agent_id(AgentIndex a) const { return symbols_.name(agents_[a].id_sym); }
  InteractionSummary summary(const Interaction& it) const;
  std::vector<JourneyContact> journey_of(const Interaction& it) const;
  JourneyContact to_public(const Contact& c) const;
  QueueView queue_view(const QueueRuntime& q) const;
  std::optional<Duration> estimated_wait(InteractionIndex i) const;
  const Customer* customer_of(const Interaction& it) const;
  Contact* contact_of(Interaction& it);

  CoreLimits limits_;
  Timestamp now_;
  SymbolTable symbols_;
  std::optional<LinkedPolicy> policy_;
  AgentTable agents_;
  AgentIdIndex agent_index_{AgentIdOf{&agents_, &symbols_}};
  InteractionTable interactions_;
  std::vector<InteractionIndex> free_interactions_;
  InteractionIdIndex interaction_index_{InteractionIdOf{&interactions_}};
  std::deque<InteractionIndex> ended_;  // in the order they ended, for retention
  std::unordered_map<OfferId, InteractionIndex> offers_;
  // The decisions of live offers and assignments, by Interaction::decision; freed slots reused.
  std::vector<Decision> decisions_;
  std::vector<std::uint32_t> free_decisions_;
  OfferId next_offer_ = 1;
  std::vector<QueueRuntime> queue_runtimes_;
  AgentPools pools_;
  std::vector<WaitingSet> waiting_;
  std::uint64_t next_wait_seq_ = 0;
  TimerQueue timers_;
  std::uint64_t last_idle_seq_ = 0;
  std::vector<std::pair<Symbol, std::uint64_t>> language_bits_;  // by symbol; bits never reused
  mutable std::vector<std::pair<double, std::uint32_t>> class_scratch_;  // best_agents' ordering
  std::vector<std::pair<std::uint32_t, ClassKey>> membership_scratch_;   // rebuild_nodes' list
  JourneyStore journeys_;
  std::size_t live_ = 0;
  std::uint64_t applied_ = 0;
  std::uint64_t rejected_ = 0;
  CoreStats stats_;
  Stopwatch stopwatch_ = nullptr;
  Symbol resolved_ = kNoSymbol;  // the outcome that resolves a journey
  Symbol intent_ = kNoSymbol;    // see intent_symbol()
  // stats(): agents eligible per queue, as last recounted.
  mutable std::vector<std::uint32_t> eligible_cache_;
};

}  // namespace sb::core
