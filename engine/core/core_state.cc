// State snapshots: the core's whole state in a versioned binary form (ByteWriter, little-endian),
// and back. Every field is written one by one, never as raw memory, so that a snapshot outlives
// a change of struct layout; the version says how to read it. What can be rebuilt is left out
// — the id indexes, the agent pools, the waiting sets' links — and rebuilt on load: a waiting
// set is a treap whose shape follows from its keys alone, and the pools order agents and
// classes by their own fields, so the rebuilt indexes route exactly as the saved ones did.
//
// Counts, indices, symbols and counters are LEB128 varints (an index or symbol stored plus one,
// so that "none" takes one byte), strings have a varint length; times, scores and hashes are
// fixed-width. Layout:
//   "SBCORE01" | now | symbols | policy version | queue runtimes | agents | interaction slots |
//   free slots | ended | offers | decisions | free decisions | counters | timers |
//   language bits | journeys | live, applied, rejected | measurements
//
// The parts: stats_state.cc (measurements), journey_state.cc (journeys), state_codec.h (shared
// pieces), core_state_check.cc (the checks and the rebuild after a load).
#include <algorithm>
#include <bit>
#include <string>

#include "engine/common/byte_codec.h"
#include "engine/core/core.h"
#include "engine/core/state_codec.h"

namespace sb::core {
namespace {

constexpr std::string_view kStateMagic = "SBCORE01";  // the 01 is the layout's version

void save_score(ByteWriter& w, const ScoreParts& s) {
  for (double v : {s.total, s.skill, s.idle, s.load, s.affinity, s.sentiment}) w.f64(v);
}

void load_score(ByteReader& r, ScoreParts& s) {
  for (double* v : {&s.total, &s.skill, &s.idle, &s.load, &s.affinity, &s.sentiment}) *v = r.f64();
}

Error damaged(const std::string& what) {
  return make_error(ErrorCode::InvalidState, "state", "the saved state is damaged: " + what);
}

}  // namespace

// --- records ------------------------------------------------------------------------------

void Core::save_agent(ByteWriter& w, const Agent& a) const {
  w.count(a.skills.size());
  for (const SkillLevel& s : a.skills) {
    w.index(s.skill);
    w.u8(s.level);
  }
  w.count(a.languages.size());
  for (Symbol l : a.languages) w.index(l);
  save_attrs(w, a.attributes);
  w.count(a.declared_channels.size());
  for (const auto& [channel, capacity] : a.declared_channels) {
    w.index(channel);
    w.u16(capacity);
  }
  w.count(a.slots.size());
  for (const ChannelSlots& s : a.slots) {
    w.u16(s.capacity);
    w.u16(s.load);
  }
  w.count(a.held.size());
  for (InteractionIndex i : a.held) w.index(i);
  w.var(a.busy_channels);
  w.var(a.language_mask);
  w.time(a.idle_since);
  w.var(a.idle_seq);
  w.time(a.last_negative_at);
  w.index(a.id_sym);
  w.index(a.away_reason);
  w.index(a.wrap_ups);
  w.index(a.consecutive_misses);
  w.index(a.consecutive_negative);
  w.enumeration(a.kind);
  w.enumeration(a.presence);
  w.u16(a.pending_offers);
}

bool Core::load_agent(ByteReader& r, Agent& a) {
  const std::size_t symbols = symbols_.size();
  a.skills.resize(r.count(2));
  for (std::size_t k = 0; k < a.skills.size(); ++k) {
    SkillLevel& s = a.skills[k];
    s.skill = r.index();
    s.level = r.u8();
    // Sorted by symbol, each once, at a proficiency the pools' class keys can pack.
    if (s.skill >= symbols || s.level > kMaxProficiency ||
        (k > 0 && s.skill <= a.skills[k - 1].skill))
      return false;
  }
  a.languages.resize(r.count(1));
  for (Symbol& l : a.languages) {
    l = r.index();
    if (l >= symbols) return false;
  }
  if (!load_attrs(r, a.attributes, symbols)) return false;
  a.declared_channels.resize(r.count(3));
  for (auto& [channel, capacity] : a.declared_channels) {
    channel = r.index();
    capacity = r.u16();
    if (channel >= symbols) return false;
  }
  a.slots.resize(r.count(4));
  for (ChannelSlots& s : a.slots) {
    s.capacity = r.u16();
    s.load = r.u16();
    if (s.capacity > kMaxCapacity || s.load > s.capacity) return false;
  }
  a.held.resize(r.count(1));
  for (InteractionIndex& i : a.held) i = r.index();  // checked once the interactions are read
  a.busy_channels = r.var();
  a.language_mask = r.var();
  a.idle_since = r.time();
  a.idle_seq = r.var();
  a.last_negative_at = r.time();
  a.id_sym = r.index();
  a.away_reason = r.index();
  a.wrap_ups = r.index();
  a.consecutive_misses = r.index();
  a.consecutive_negative = r.index();
  a.kind = r.enumeration(AgentKind::Bot);
  a.presence = r.enumeration(Presence::WrapUp);
  a.pending_offers = r.u16();
  return r.ok() && a.id_sym < symbols && symbol_ok(a.away_reason, symbols);
}

void Core::save_interaction(ByteWriter& w, const Interaction& it) const {
  w.text(it.id);
  w.text(it.customer_id);
  save_attrs(w, it.attributes);
  const std::span<const AgentIndex> excluded = it.excluded.agents();
  w.count(excluded.size());
  for (AgentIndex a : excluded) w.index(a);
  w.f64(it.sentiment);
  w.f64(it.priority);
  w.time(it.created_at);
  w.time(it.queued_at);
  w.time(it.answered_at);
  w.time(it.ended_at);
  w.u64(it.content_hash);
  w.var(it.offer);
  w.var(it.journey_seq);
  w.f64(it.order_key);
  w.var(it.wait_seq);
  for (std::uint32_t v : {it.channel, it.channel_index, it.customer, it.queue, it.step,
                          it.first_queue, it.agent, it.held_for, it.epoch, it.queue_epoch,
                          it.sla_timer_epoch, it.transfers, it.outcome, it.decision})
    w.index(v);
  w.enumeration(it.state);
  w.enumeration(it.first_state);
  w.boolean(it.held_named);
  w.boolean(it.sla_breached);
  w.boolean(it.in_waiting_set);
}

bool Core::load_interaction(ByteReader& r, Interaction& it) {
  it.id = r.text();
  it.customer_id = r.text();
  if (!load_attrs(r, it.attributes, symbols_.size())) return false;
  for (std::size_t n = r.count(1); n > 0 && r.ok(); --n) it.excluded.add(r.index());
  it.sentiment = r.f64();
  it.priority = r.f64();
  it.created_at = r.time();
  it.queued_at = r.time();
  it.answered_at = r.time();
  it.ended_at = r.time();
  it.content_hash = r.u64();
  it.offer = r.var();
  it.journey_seq = r.var();
  it.order_key = r.f64();
  it.wait_seq = r.var();
  for (std::uint32_t* v : {&it.channel, &it.channel_index, &it.customer, &it.queue, &it.step,
                           &it.first_queue, &it.agent, &it.held_for, &it.epoch, &it.queue_epoch,
                           &it.sla_timer_epoch, &it.transfers, &it.outcome, &it.decision})
    *v = r.index();
  it.state = r.enumeration(InteractionState::Transferred);
  it.first_state = r.enumeration(InteractionState::Transferred);
  it.held_named = r.boolean();
  it.sla_breached = r.boolean();
  it.in_waiting_set = r.boolean();
  const std::size_t symbols = symbols_.size();
  return r.ok() && symbol_ok(it.channel, symbols) && symbol_ok(it.outcome, symbols) &&
         index_ok(it.queue, queue_runtimes_.size()) &&
         index_ok(it.first_queue, queue_runtimes_.size()) && index_ok(it.agent, agents_.size()) &&
         index_ok(it.held_for, agents_.size()) &&
         std::ranges::all_of(it.excluded.agents(),
                             [&](AgentIndex a) { return a < agents_.size(); });
}

// --- the whole state ----------------------------------------------------------------------

void Core::save_state(std::string& out) const {
  ByteWriter w(out);
  save_state(w);
}

void Core::save_state(ByteWriter& w) const {
  w.bytes(kStateMagic);
  w.time(now_);
  w.count(symbols_.size());
  for (std::size_t s = 0; s < symbols_.size(); ++s) w.text(symbols_.name(static_cast<Symbol>(s)));
  w.var(policy_ ? policy_->source->version : 0);
  w.count(queue_runtimes_.size());
  for (const QueueRuntime& q : queue_runtimes_) {
    w.index(q.name);
    w.i32(q.policy_index);
    w.index(q.waiting);
    for (std::uint64_t v :
         {q.entered, q.answered, q.answered_within_sla, q.abandoned, q.abandoned_within_sla,
          q.transferred_out, q.overflowed, q.sla_breaches})
      w.var(v);
    for (Timestamp t : q.recent_answers) w.time(t);
    w.index(q.recent_count);
    w.index(q.recent_next);
  }
  w.count(agents_.size());
  for (const Agent& a : agents_) {
    save_agent(w, a);
    w.checkpoint();
  }
  w.count(interactions_.size());
  for (const Interaction& it : interactions_) {
    save_interaction(w, it);
    w.checkpoint();
  }
  w.count(free_interactions_.size());
  for (InteractionIndex i : free_interactions_) w.index(i);
  w.count(ended_.size());
  for (InteractionIndex i : ended_) w.index(i);
  std::vector<std::pair<OfferId, InteractionIndex>> offers(offers_.begin(), offers_.end());
  std::sort(offers.begin(), offers.end());
  w.count(offers.size());
  for (const auto& [offer, i] : offers) {
    w.var(offer);
    w.index(i);
  }
  w.count(decisions_.size());
  for (const Decision& d : decisions_) {
    save_score(w, d.chosen);
    save_score(w, d.runner_up);
    for (std::uint32_t v : {d.chosen_agent, d.runner_up_agent, d.queue, d.step, d.candidates})
      w.index(v);
    w.enumeration(d.reason);
  }
  w.count(free_decisions_.size());
  for (std::uint32_t d : free_decisions_) w.index(d);
  w.var(next_offer_);
  w.var(next_wait_seq_);
  w.var(last_idle_seq_);
  w.count(timers_.size());
  for (const Timer& t : timers_.heap()) {
    w.time(t.due);
    w.var(t.seq);
    w.enumeration(t.kind);
    w.index(t.target);
    w.index(t.epoch);
    w.checkpoint();
  }
  w.var(timers_.next_seq());
  w.count(language_bits_.size());
  for (const auto& [language, bit] : language_bits_) {
    w.index(language);
    w.var(bit);
  }
  journeys_.save(w);
  w.var(live_);
  w.var(applied_);
  w.var(rejected_);
  stats_.save(w);
}

Result<CoreCounts> Core::load_state(std::string_view bytes, std::shared_ptr<const Policy> policy) {
  if (policy_ || !agents_.empty() || !interactions_.empty()) {
    return make_error(ErrorCode::InvalidState, "state", "a state loads into a fresh core only");
  }
  if (!bytes.starts_with(kStateMagic)) {
    return damaged("it does not start with " + std::string(kStateMagic) +
                   " (not a saved state, or of a format this version does not read)");
  }
  ByteReader r(bytes.substr(kStateMagic.size()));
  now_ = r.time();
  // The epoch to about the year 148,000: later times would overflow deadlines computed from them.
  if (now_.us < 0 || now_.us > (std::int64_t{1} << 62)) return damaged("its clock is out of range");

  const std::size_t symbol_count = r.count(1);
  for (std::size_t s = 0; s < symbol_count && r.ok(); ++s) {
    const std::string name = r.text();
    // The first few symbols are interned by the constructor; the rest must come out in order.
    if (s < symbols_.size() ? symbols_.name(static_cast<Symbol>(s)) != name
                            : symbols_.intern(name) != s) {
      return damaged("symbol " + std::to_string(s) + " is out of place");
    }
  }
  const std::uint64_t policy_version = r.var();
  if (!r.ok()) return damaged("truncated in the symbols");
  if ((policy_version != 0) != (policy != nullptr) ||
      (policy && policy->version != policy_version)) {
    return make_error(ErrorCode::InvalidState, "policy",
                      "the state was saved under policy v" + std::to_string(policy_version) +
                          ", not under the policy given (v" +
                          std::to_string(policy ? policy->version : 0) + ")");
  }

  queue_runtimes_.resize(r.count(260));
  for (QueueRuntime& q : queue_runtimes_) {
    q.name = r.index();
    q.policy_index = r.i32();
    q.waiting = r.index();
    for (std::uint64_t* v :
         {&q.entered, &q.answered, &q.answered_within_sla, &q.abandoned, &q.abandoned_within_sla,
          &q.transferred_out, &q.overflowed, &q.sla_breaches})
      *v = r.var();
    for (Timestamp& t : q.recent_answers) t = r.time();
    q.recent_count = r.index();
    q.recent_next = r.index();
    if (q.name >= symbols_.size() || q.recent_count > QueueRuntime::kRecent ||
        q.recent_next >= QueueRuntime::kRecent)
      return damaged("a queue's record is out of range");
  }
  if (policy) {
    const std::size_t symbols_before = symbols_.size();
    Result<LinkedPolicy> linked = link_policy(policy, symbols_);
    if (!linked.ok()) return linked.error();
    if (symbols_.size() != symbols_before) {
      return make_error(ErrorCode::InvalidState, "policy",
                        "the policy given names what the saved state never knew: not the policy "
                        "the state was saved under");
    }
    for (std::size_t q = 0; q < linked.value().queues.size(); ++q) {
      LinkedQueue& queue = linked.value().queues[q];
      for (QueueIndex k = 0; k < queue_runtimes_.size(); ++k) {
        if (queue_runtimes_[k].name == queue.name) queue.runtime = k;
      }
      if (queue.runtime == kNone ||
          queue_runtimes_[queue.runtime].policy_index != static_cast<std::int32_t>(q)) {
        return make_error(ErrorCode::InvalidState, "policy",
                          "queue '" + symbols_.name(queue.name) +
                              "' of the policy given does not match the saved state");
      }
    }
    policy_ = std::move(linked.value());
  }
  for (QueueIndex k = 0; k < queue_runtimes_.size(); ++k) {
    const std::int32_t pq = queue_runtimes_[k].policy_index;
    if (pq >= 0 && (!policy_ || static_cast<std::size_t>(pq) >= policy_->queues.size() ||
                    policy_->queues[static_cast<std::size_t>(pq)].runtime != k)) {
      return damaged("queue '" + symbols_.name(queue_runtimes_[k].name) +
                     "' claims a place in the policy it does not have");
    }
  }

  const std::size_t agent_count = r.count(30);
  for (std::size_t a = 0; a < agent_count && r.ok(); ++a) {
    // Interactions are read after the agents, so an agent's held list is checked later.
    agents_.emplace_back();
    if (!load_agent(r, agents_.back())) return damaged("agent " + std::to_string(a));
  }
  const std::size_t interaction_count = r.count(80);
  for (std::size_t i = 0; i < interaction_count && r.ok(); ++i) {
    if (!load_interaction(r, interactions_.emplace_back()))
      return damaged("interaction slot " + std::to_string(i));
  }
  free_interactions_.resize(r.count(1));
  for (InteractionIndex& i : free_interactions_) i = r.index();
  for (std::size_t n = r.count(1); n > 0 && r.ok(); --n) ended_.push_back(r.index());
  for (std::size_t n = r.count(2); n > 0 && r.ok(); --n) {
    const OfferId offer = r.var();
    const InteractionIndex i = r.index();
    if (i >= interactions_.size() || !offers_.emplace(offer, i).second)
      return damaged("an offer is out of range");
  }
  decisions_.resize(r.count(102));
  for (Decision& d : decisions_) {
    load_score(r, d.chosen);
    load_score(r, d.runner_up);
    for (std::uint32_t* v : {&d.chosen_agent, &d.runner_up_agent, &d.queue, &d.step, &d.candidates})
      *v = r.index();
    d.reason = r.enumeration(DecisionReason::NamedAgent);
    if (!index_ok(d.chosen_agent, agents_.size()) || !index_ok(d.runner_up_agent, agents_.size()) ||
        d.queue >= symbols_.size())
      return damaged("a decision names no agent or queue");
  }
  free_decisions_.resize(r.count(1));
  for (std::uint32_t& d : free_decisions_) d = r.index();
  next_offer_ = r.var();
  next_wait_seq_ = r.var();
  last_idle_seq_ = r.var();
  std::vector<Timer> heap(r.count(12));
  for (Timer& t : heap) {
    t.due = r.time();
    t.seq = r.var();
    t.kind = r.enumeration(TimerKind::WellbeingEnd);
    t.target = r.index();
    t.epoch = r.index();
  }
  if (!r.ok() || !timers_.restore(std::move(heap), r.var())) return damaged("the timers");
  language_bits_.resize(r.count(2));
  std::uint64_t bits_seen = 0;
  for (std::size_t k = 0; k < language_bits_.size(); ++k) {
    auto& [language, bit] = language_bits_[k];
    language = r.index();
    bit = r.var();
    // At most 63 languages, each its own bit below bit 63, in symbol order.
    if (language >= symbols_.size() || k >= 63 || !std::has_single_bit(bit) ||
        bit >= kLanguageOverflow || (bits_seen & bit) ||
        (k > 0 && language <= language_bits_[k - 1].first))
      return damaged("the language bits");
    bits_seen |= bit;
  }
  if (!journeys_.load(r, symbols_.size(), agents_.size())) return damaged("the journeys");
  live_ = r.var();
  applied_ = r.var();
  rejected_ = r.var();
  if (!stats_.load(r, symbols_.size(), queue_runtimes_.size())) return damaged("the measurements");
  if (!r.ok()) return damaged("truncated at byte " + std::to_string(r.position()));
  if (!r.done()) return damaged("trailing bytes after the measurements");
  if (auto problem = rebuild_indexes()) return damaged(*problem);
  if (const auto broken = check_invariants(); !broken.empty())
    return damaged("it breaks an invariant: " + broken.front());
  return counts();
}

// Checks first what the rebuild, check_invariants() and routing would index by without checking
// (a CRC-valid state should never fail these, but a load must not crash on one that does), then
// rebuilds. check_invariants(), run by load_state afterwards, checks the rest.

}  // namespace sb::core
