// State snapshots: the core's whole state in a versioned binary form (ByteWriter, little-endian),
// and back. Every field is written one by one, never as raw memory, so that a snapshot outlives
// a change of struct layout; the version says how to read it. What can be rebuilt is left out
// — the id indexes, the agent pools, the waiting sets' links — and rebuilt on load: a waiting
// set is a treap whose shape follows from its keys alone, and the pools order agents and
// classes by their own fields, so the rebuilt indexes route exactly as the saved ones did.
//
// Layout (kStateVersion 1):
//   "SBCORE01" | now | symbols | policy version | queue runtimes | agents | interaction slots |
//   free slots | ended | offers | decisions | free decisions | counters | timers |
//   language bits | journeys | live, applied, rejected | measurements
#include <algorithm>
#include <string>

#include "engine/common/byte_codec.h"
#include "engine/core/core.h"

namespace sb::core {
namespace {

constexpr std::string_view kStateMagic = "SBCORE01";

bool symbol_ok(Symbol s, std::size_t symbols) { return s == kNoSymbol || s < symbols; }
bool index_ok(std::uint32_t i, std::size_t size) { return i == kNone || i < size; }

void save_attrs(ByteWriter& w, const AttrMap& attrs) {
  w.count(attrs.size());
  for (const AttrEntry& e : attrs) {
    w.u32(e.key);
    w.enumeration(e.value.kind);
    switch (e.value.kind) {
      case AttrValue::Kind::Null:
        break;
      case AttrValue::Kind::String:
        w.u32(e.value.sym);
        break;
      case AttrValue::Kind::Number:
        w.f64(e.value.number());
        break;
      case AttrValue::Kind::Bool:
        w.boolean(e.value.boolean);
        break;
    }
  }
}

bool load_attrs(ByteReader& r, AttrMap& attrs, std::size_t symbols) {
  attrs.resize(r.count(5));
  for (AttrEntry& e : attrs) {
    e.key = r.u32();
    e.value.kind = r.enumeration(AttrValue::Kind::Bool);
    switch (e.value.kind) {
      case AttrValue::Kind::Null:
        break;
      case AttrValue::Kind::String:
        e.value.sym = r.u32();
        if (!symbol_ok(e.value.sym, symbols)) return false;
        break;
      case AttrValue::Kind::Number:
        e.value.set_number(r.f64());
        break;
      case AttrValue::Kind::Bool:
        e.value.boolean = r.boolean();
        break;
    }
    if (!symbol_ok(e.key, symbols)) return false;
  }
  return r.ok() && std::is_sorted(attrs.begin(), attrs.end(),
                                  [](const auto& a, const auto& b) { return a.key < b.key; });
}

void save_histogram(ByteWriter& w, const HistogramData& h) {
  w.count(h.counts.size());
  for (std::uint64_t c : h.counts) w.u64(c);
  w.f64(h.sum);
  w.u64(h.count);
}

// The bounds are the histogram's own (fixed in code); the counts must fit them.
void load_histogram(ByteReader& r, HistogramData& h) {
  if (r.count(8) != h.counts.size()) {
    r.fail();
    return;
  }
  for (std::uint64_t& c : h.counts) c = r.u64();
  h.sum = r.f64();
  h.count = r.u64();
}

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

// --- pieces -------------------------------------------------------------------------------

void RollingWindow::save(ByteWriter& w) const {
  for (const Slot& s : slots_) {
    w.i64(s.index);
    w.u64(s.totals.within);
    w.u64(s.totals.answered);
    w.u64(s.totals.late_abandoned);
    w.f64(s.totals.wait_answered_s);
  }
}

void RollingWindow::load(ByteReader& r) {
  for (Slot& s : slots_) {
    s.index = r.i64();
    s.totals.within = r.u64();
    s.totals.answered = r.u64();
    s.totals.late_abandoned = r.u64();
    s.totals.wait_answered_s = r.f64();
  }
}

void CoreStats::save(ByteWriter& w) const {
  w.count(cells_.size());
  for (const QueueChannelCell& c : cells_) {
    w.u32(c.queue);
    w.u32(c.channel);
    w.u32(c.waiting);
    for (std::uint64_t v : {c.entered, c.answered, c.abandoned, c.transferred, c.overflowed})
      w.u64(v);
    for (const HistogramData* h :
         {&c.wait_answered, &c.wait_abandoned, &c.handle_time, &c.wrap_up_time})
      save_histogram(w, *h);
    c.window.save(w);
  }
  w.count(channels_.size());
  for (const ChannelCell& c : channels_) {
    w.u32(c.channel);
    for (std::uint64_t v : c.offers) w.u64(v);
    for (std::uint64_t v : {c.repeat_contacts, c.affinity_hits, c.bot_escalations, c.resolutions,
                            c.first_contact_resolutions})
      w.u64(v);
    save_histogram(w, c.transfers_per_interaction);
  }
  w.count(queues_.size());
  for (const QueueCell& q : queues_) {
    q.window.save(w);
    w.boolean(q.below_target);
    w.u64(q.preferred_agent_timeouts);
  }
  // Sorted, so that the same state gives the same bytes.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> switches(switches_.begin(), switches_.end());
  std::sort(switches.begin(), switches.end());
  w.count(switches.size());
  for (const auto& [k, n] : switches) {
    w.u64(k);
    w.u64(n);
  }
  w.u64(journeys.resolved);
  w.u64(journeys.unresolved);
  w.u64(journeys.autonomous);
  for (const HistogramData* h :
       {&journeys.contacts, &journeys.channel_switches, &journeys.resolution_time})
    save_histogram(w, *h);
  w.count(pending_closes.size());
  for (const PendingClose& p : pending_closes) {
    w.time(p.due);
    w.u32(p.customer);
    w.u64(p.contact_seq);
  }
  w.u64(agents_set_away);
  save_histogram(w, decision_time);
  for (std::uint64_t v : commands_applied_) w.u64(v);
  for (std::uint64_t v : commands_rejected_) w.u64(v);
}

bool CoreStats::load(ByteReader& r, std::size_t symbols, std::size_t queues) {
  cells_.resize(r.count(40));
  for (std::uint32_t k = 0; k < cells_.size() && r.ok(); ++k) {
    QueueChannelCell& c = cells_[k];
    c.queue = r.u32();
    c.channel = r.u32();
    if (c.queue >= queues || c.channel >= symbols) return false;
    if (!cell_index_.emplace(key(c.queue, c.channel), k).second) return false;
    c.waiting = r.u32();
    for (std::uint64_t* v : {&c.entered, &c.answered, &c.abandoned, &c.transferred, &c.overflowed})
      *v = r.u64();
    for (HistogramData* h : {&c.wait_answered, &c.wait_abandoned, &c.handle_time, &c.wrap_up_time})
      load_histogram(r, *h);
    c.window.load(r);
  }
  channels_.resize(r.count(40));
  for (ChannelCell& c : channels_) {
    c.channel = r.u32();
    if (c.channel >= symbols) return false;
    for (std::uint64_t& v : c.offers) v = r.u64();
    for (std::uint64_t* v : {&c.repeat_contacts, &c.affinity_hits, &c.bot_escalations,
                             &c.resolutions, &c.first_contact_resolutions})
      *v = r.u64();
    load_histogram(r, c.transfers_per_interaction);
  }
  queues_.resize(r.count(9));
  for (QueueCell& q : queues_) {
    q.window.load(r);
    q.below_target = r.boolean();
    q.preferred_agent_timeouts = r.u64();
  }
  for (std::size_t n = r.count(16); n > 0 && r.ok(); --n) {
    const std::uint64_t k = r.u64();
    switches_[k] = r.u64();
  }
  journeys.resolved = r.u64();
  journeys.unresolved = r.u64();
  journeys.autonomous = r.u64();
  for (HistogramData* h :
       {&journeys.contacts, &journeys.channel_switches, &journeys.resolution_time})
    load_histogram(r, *h);
  for (std::size_t n = r.count(20); n > 0 && r.ok(); --n) {
    PendingClose p;
    p.due = r.time();
    p.customer = r.u32();
    p.contact_seq = r.u64();
    pending_closes.push_back(p);
  }
  agents_set_away = r.u64();
  load_histogram(r, decision_time);
  for (std::uint64_t& v : commands_applied_) v = r.u64();
  for (std::uint64_t& v : commands_rejected_) v = r.u64();
  return r.ok();
}

void JourneyStore::save(ByteWriter& w) const {
  w.u32(max_contacts_);
  w.duration(lookback_);
  w.u32(max_customers_);
  w.u64(next_seq_);
  w.count(slots_.size());
  for (const Customer& c : slots_) {
    w.str(c.id);
    w.time(c.last_seen);
    w.u32(c.lru_prev);
    w.u32(c.lru_next);
    w.boolean(c.live);
    w.count(c.contacts.size());
    for (const Contact& k : c.contacts) {
      w.u64(k.seq);
      w.str(k.interaction_id);
      w.time(k.created_at);
      w.time(k.answered_at);
      w.time(k.ended_at);
      w.time(k.journey_start);
      w.u32(k.channel);
      w.u32(k.queue);
      w.u32(k.agent);
      w.u32(k.intent);
      w.u32(k.outcome);
      w.f32(k.sentiment);
      w.u16(k.journey_contacts);
      w.u16(k.journey_switches);
      w.boolean(k.journey_human);
    }
  }
  w.count(free_.size());
  for (std::uint32_t s : free_) w.u32(s);
  w.u32(lru_head_);
  w.u32(lru_tail_);
}

bool JourneyStore::load(ByteReader& r, std::size_t symbols, std::size_t agents) {
  if (!slots_.empty()) return false;
  max_contacts_ = r.u32();
  lookback_ = r.duration();
  max_customers_ = r.u32();
  next_seq_ = r.u64();
  slots_.resize(r.count(29));
  for (std::uint32_t slot = 0; slot < slots_.size() && r.ok(); ++slot) {
    Customer& c = slots_[slot];
    c.id = r.str();
    c.last_seen = r.time();
    c.lru_prev = r.u32();
    c.lru_next = r.u32();
    c.live = r.boolean();
    c.contacts.resize(r.count(73));
    for (Contact& k : c.contacts) {
      k.seq = r.u64();
      k.interaction_id = r.str();
      k.created_at = r.time();
      k.answered_at = r.time();
      k.ended_at = r.time();
      k.journey_start = r.time();
      k.channel = r.u32();
      k.queue = r.u32();
      k.agent = r.u32();
      k.intent = r.u32();
      k.outcome = r.u32();
      k.sentiment = r.f32();
      k.journey_contacts = r.u16();
      k.journey_switches = r.u16();
      k.journey_human = r.boolean();
      for (Symbol s : {k.channel, k.queue, k.intent, k.outcome}) {
        if (!symbol_ok(s, symbols)) return false;
      }
      if (!index_ok(k.agent, agents) || k.seq >= next_seq_) return false;
    }
    if (!index_ok(c.lru_prev, slots_.size()) || !index_ok(c.lru_next, slots_.size())) return false;
    if (c.live) {
      if (index_.contains(c.id)) return false;
      index_.insert(c.id, slot);
    }
  }
  free_.resize(r.count(4));
  for (std::uint32_t& s : free_) {
    s = r.u32();
    if (s >= slots_.size() || slots_[s].live) return false;
  }
  lru_head_ = r.u32();
  lru_tail_ = r.u32();
  return r.ok() && index_ok(lru_head_, slots_.size()) && index_ok(lru_tail_, slots_.size());
}

// --- records ------------------------------------------------------------------------------

void Core::save_agent(ByteWriter& w, const Agent& a) const {
  w.count(a.skills.size());
  for (const SkillLevel& s : a.skills) {
    w.u32(s.skill);
    w.u8(s.level);
  }
  w.count(a.languages.size());
  for (Symbol l : a.languages) w.u32(l);
  save_attrs(w, a.attributes);
  w.count(a.declared_channels.size());
  for (const auto& [channel, capacity] : a.declared_channels) {
    w.u32(channel);
    w.u16(capacity);
  }
  w.count(a.slots.size());
  for (const ChannelSlots& s : a.slots) {
    w.u16(s.capacity);
    w.u16(s.load);
  }
  w.count(a.held.size());
  for (InteractionIndex i : a.held) w.u32(i);
  w.u64(a.busy_channels);
  w.u64(a.language_mask);
  w.time(a.idle_since);
  w.u64(a.idle_seq);
  w.time(a.last_negative_at);
  w.u32(a.id_sym);
  w.u32(a.away_reason);
  w.u32(a.wrap_ups);
  w.u32(a.consecutive_misses);
  w.u32(a.consecutive_negative);
  w.enumeration(a.kind);
  w.enumeration(a.presence);
  w.u16(a.pending_offers);
}

bool Core::load_agent(ByteReader& r, Agent& a) {
  const std::size_t symbols = symbols_.size();
  a.skills.resize(r.count(5));
  for (SkillLevel& s : a.skills) {
    s.skill = r.u32();
    s.level = r.u8();
    if (s.skill >= symbols) return false;
  }
  a.languages.resize(r.count(4));
  for (Symbol& l : a.languages) {
    l = r.u32();
    if (l >= symbols) return false;
  }
  if (!load_attrs(r, a.attributes, symbols)) return false;
  a.declared_channels.resize(r.count(6));
  for (auto& [channel, capacity] : a.declared_channels) {
    channel = r.u32();
    capacity = r.u16();
    if (channel >= symbols) return false;
  }
  a.slots.resize(r.count(4));
  for (ChannelSlots& s : a.slots) {
    s.capacity = r.u16();
    s.load = r.u16();
  }
  a.held.resize(r.count(4));
  for (InteractionIndex& i : a.held) i = r.u32();  // checked once the interactions are read
  a.busy_channels = r.u64();
  a.language_mask = r.u64();
  a.idle_since = r.time();
  a.idle_seq = r.u64();
  a.last_negative_at = r.time();
  a.id_sym = r.u32();
  a.away_reason = r.u32();
  a.wrap_ups = r.u32();
  a.consecutive_misses = r.u32();
  a.consecutive_negative = r.u32();
  a.kind = r.enumeration(AgentKind::Bot);
  a.presence = r.enumeration(Presence::WrapUp);
  a.pending_offers = r.u16();
  return r.ok() && a.id_sym < symbols && symbol_ok(a.away_reason, symbols);
}

void Core::save_interaction(ByteWriter& w, const Interaction& it) const {
  w.str(it.id);
  w.str(it.customer_id);
  save_attrs(w, it.attributes);
  const std::span<const AgentIndex> excluded = it.excluded.agents();
  w.count(excluded.size());
  for (AgentIndex a : excluded) w.u32(a);
  w.f64(it.sentiment);
  w.f64(it.priority);
  w.time(it.created_at);
  w.time(it.queued_at);
  w.time(it.answered_at);
  w.time(it.ended_at);
  w.u64(it.content_hash);
  w.u64(it.offer);
  w.u64(it.journey_seq);
  w.f64(it.order_key);
  w.u64(it.wait_seq);
  for (std::uint32_t v : {it.channel, it.channel_index, it.customer, it.queue, it.step,
                          it.first_queue, it.agent, it.held_for, it.epoch, it.queue_epoch,
                          it.sla_timer_epoch, it.transfers, it.outcome, it.decision})
    w.u32(v);
  w.enumeration(it.state);
  w.enumeration(it.first_state);
  w.boolean(it.held_named);
  w.boolean(it.sla_breached);
  w.boolean(it.in_waiting_set);
}

bool Core::load_interaction(ByteReader& r, Interaction& it) {
  it.id = r.str();
  it.customer_id = r.str();
  if (!load_attrs(r, it.attributes, symbols_.size())) return false;
  for (std::size_t n = r.count(4); n > 0 && r.ok(); --n) it.excluded.add(r.u32());
  it.sentiment = r.f64();
  it.priority = r.f64();
  it.created_at = r.time();
  it.queued_at = r.time();
  it.answered_at = r.time();
  it.ended_at = r.time();
  it.content_hash = r.u64();
  it.offer = r.u64();
  it.journey_seq = r.u64();
  it.order_key = r.f64();
  it.wait_seq = r.u64();
  for (std::uint32_t* v : {&it.channel, &it.channel_index, &it.customer, &it.queue, &it.step,
                           &it.first_queue, &it.agent, &it.held_for, &it.epoch, &it.queue_epoch,
                           &it.sla_timer_epoch, &it.transfers, &it.outcome, &it.decision})
    *v = r.u32();
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
  out.append(kStateMagic);
  w.time(now_);
  w.count(symbols_.size());
  for (std::size_t s = 0; s < symbols_.size(); ++s) w.str(symbols_.name(static_cast<Symbol>(s)));
  w.u64(policy_ ? policy_->source->version : 0);
  w.count(queue_runtimes_.size());
  for (const QueueRuntime& q : queue_runtimes_) {
    w.u32(q.name);
    w.i32(q.policy_index);
    w.u32(q.waiting);
    for (std::uint64_t v :
         {q.entered, q.answered, q.answered_within_sla, q.abandoned, q.abandoned_within_sla,
          q.transferred_out, q.overflowed, q.sla_breaches})
      w.u64(v);
    for (Timestamp t : q.recent_answers) w.time(t);
    w.u32(q.recent_count);
    w.u32(q.recent_next);
  }
  w.count(agents_.size());
  for (const Agent& a : agents_) save_agent(w, a);
  w.count(interactions_.size());
  for (const Interaction& it : interactions_) save_interaction(w, it);
  w.count(free_interactions_.size());
  for (InteractionIndex i : free_interactions_) w.u32(i);
  w.count(ended_.size());
  for (InteractionIndex i : ended_) w.u32(i);
  std::vector<std::pair<OfferId, InteractionIndex>> offers(offers_.begin(), offers_.end());
  std::sort(offers.begin(), offers.end());
  w.count(offers.size());
  for (const auto& [offer, i] : offers) {
    w.u64(offer);
    w.u32(i);
  }
  w.count(decisions_.size());
  for (const Decision& d : decisions_) {
    save_score(w, d.chosen);
    save_score(w, d.runner_up);
    for (std::uint32_t v : {d.chosen_agent, d.runner_up_agent, d.queue, d.step, d.candidates})
      w.u32(v);
    w.enumeration(d.reason);
  }
  w.count(free_decisions_.size());
  for (std::uint32_t d : free_decisions_) w.u32(d);
  w.u64(next_offer_);
  w.u64(next_wait_seq_);
  w.u64(last_idle_seq_);
  w.count(timers_.size());
  for (const Timer& t : timers_.heap()) {
    w.time(t.due);
    w.u64(t.seq);
    w.enumeration(t.kind);
    w.u32(t.target);
    w.u32(t.epoch);
  }
  w.u64(timers_.next_seq());
  w.count(language_bits_.size());
  for (const auto& [language, bit] : language_bits_) {
    w.u32(language);
    w.u64(bit);
  }
  journeys_.save(w);
  w.u64(live_);
  w.u64(applied_);
  w.u64(rejected_);
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

  const std::size_t symbol_count = r.count(4);
  for (std::size_t s = 0; s < symbol_count && r.ok(); ++s) {
    const std::string name = r.str();
    // The first few symbols are interned by the constructor; the rest must come out in order.
    if (s < symbols_.size() ? symbols_.name(static_cast<Symbol>(s)) != name
                            : symbols_.intern(name) != s) {
      return damaged("symbol " + std::to_string(s) + " is out of place");
    }
  }
  const std::uint64_t policy_version = r.u64();
  if (!r.ok()) return damaged("truncated in the symbols");
  if ((policy_version != 0) != (policy != nullptr) ||
      (policy && policy->version != policy_version)) {
    return make_error(ErrorCode::InvalidState, "policy",
                      "the state was saved under policy v" + std::to_string(policy_version) +
                          ", not under the policy given (v" +
                          std::to_string(policy ? policy->version : 0) + ")");
  }

  queue_runtimes_.resize(r.count(330));
  for (QueueRuntime& q : queue_runtimes_) {
    q.name = r.u32();
    q.policy_index = r.i32();
    q.waiting = r.u32();
    for (std::uint64_t* v :
         {&q.entered, &q.answered, &q.answered_within_sla, &q.abandoned, &q.abandoned_within_sla,
          &q.transferred_out, &q.overflowed, &q.sla_breaches})
      *v = r.u64();
    for (Timestamp& t : q.recent_answers) t = r.time();
    q.recent_count = r.u32();
    q.recent_next = r.u32();
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

  const std::size_t agent_count = r.count(60);
  for (std::size_t a = 0; a < agent_count && r.ok(); ++a) {
    // Interactions are read after the agents, so an agent's held list is checked later.
    agents_.emplace_back();
    if (!load_agent(r, agents_.back())) return damaged("agent " + std::to_string(a));
  }
  const std::size_t interaction_count = r.count(120);
  for (std::size_t i = 0; i < interaction_count && r.ok(); ++i) {
    if (!load_interaction(r, interactions_.emplace_back()))
      return damaged("interaction slot " + std::to_string(i));
  }
  free_interactions_.resize(r.count(4));
  for (InteractionIndex& i : free_interactions_) i = r.u32();
  for (std::size_t n = r.count(4); n > 0 && r.ok(); --n) ended_.push_back(r.u32());
  for (std::size_t n = r.count(12); n > 0 && r.ok(); --n) {
    const OfferId offer = r.u64();
    const InteractionIndex i = r.u32();
    if (i >= interactions_.size() || !offers_.emplace(offer, i).second)
      return damaged("an offer is out of range");
  }
  decisions_.resize(r.count(117));
  for (Decision& d : decisions_) {
    load_score(r, d.chosen);
    load_score(r, d.runner_up);
    for (std::uint32_t* v : {&d.chosen_agent, &d.runner_up_agent, &d.queue, &d.step, &d.candidates})
      *v = r.u32();
    d.reason = r.enumeration(DecisionReason::NamedAgent);
    if (!index_ok(d.chosen_agent, agents_.size()) || !index_ok(d.runner_up_agent, agents_.size()))
      return damaged("a decision names no agent");
  }
  free_decisions_.resize(r.count(4));
  for (std::uint32_t& d : free_decisions_) d = r.u32();
  next_offer_ = r.u64();
  next_wait_seq_ = r.u64();
  last_idle_seq_ = r.u64();
  std::vector<Timer> heap(r.count(25));
  for (Timer& t : heap) {
    t.due = r.time();
    t.seq = r.u64();
    t.kind = r.enumeration(TimerKind::WellbeingEnd);
    t.target = r.u32();
    t.epoch = r.u32();
  }
  if (!r.ok() || !timers_.restore(std::move(heap), r.u64())) return damaged("the timers");
  language_bits_.resize(r.count(12));
  for (auto& [language, bit] : language_bits_) {
    language = r.u32();
    bit = r.u64();
    if (language >= symbols_.size()) return damaged("a language bit");
  }
  if (!journeys_.load(r, symbols_.size(), agents_.size())) return damaged("the journeys");
  live_ = r.u64();
  applied_ = r.u64();
  rejected_ = r.u64();
  if (!stats_.load(r, symbols_.size(), queue_runtimes_.size())) return damaged("the measurements");
  if (!r.ok()) return damaged("truncated at byte " + std::to_string(r.position()));
  if (!r.done()) return damaged("trailing bytes after the measurements");
  if (auto problem = rebuild_indexes()) return damaged(*problem);
  return counts();
}

std::optional<std::string> Core::rebuild_indexes() {
  for (InteractionIndex i : free_interactions_) {
    if (i >= interactions_.size() || !interactions_[i].id.empty()) return "a free slot in use";
  }
  for (InteractionIndex i : ended_) {
    if (i >= interactions_.size() || !is_terminal(interactions_[i].state))
      return "an ended interaction that is live";
  }
  for (std::uint32_t d : free_decisions_) {
    if (d >= decisions_.size()) return "a free decision out of range";
  }
  for (AgentIndex a = 0; a < agents_.size(); ++a) {
    const Agent& agent = agents_[a];
    if (agent_index_.contains(agent_id(a))) return "agent '" + agent_id(a) + "' twice";
    agent_index_.insert(agent_id(a), a);
    for (InteractionIndex i : agent.held) {
      if (i >= interactions_.size()) return "an agent holds no interaction";
    }
    if (policy_ && agent.slots.size() != policy_->channels.size())
      return "agent '" + agent_id(a) + "' has slots for another policy";
  }
  for (InteractionIndex i = 0; i < interactions_.size(); ++i) {
    const Interaction& it = interactions_[i];
    if (it.id.empty()) continue;
    if (interaction_index_.contains(it.id)) return "interaction '" + it.id + "' twice";
    interaction_index_.insert(it.id, i);
    if (it.decision != kNone && it.decision >= decisions_.size())
      return "interaction '" + it.id + "' has no decision";
  }
  if (!policy_) {
    for (const Interaction& it : interactions_) {
      if (!it.id.empty()) return "interactions without a policy";
    }
    return std::nullopt;
  }
  const LinkedPolicy& policy = *policy_;
  waiting_.clear();
  waiting_.reserve(policy.waiting_sets);
  for (std::uint32_t k = 0; k < policy.waiting_sets; ++k) waiting_.emplace_back(&interactions_);
  pools_.reset(policy.pool_groups.size(), policy.channels.size());
  for (AgentIndex a = 0; a < agents_.size(); ++a) rebuild_nodes(a);
  for (InteractionIndex i = 0; i < interactions_.size(); ++i) {
    Interaction& it = interactions_[i];
    if (it.id.empty() || is_terminal(it.state)) continue;
    if (it.channel_index >= policy.channels.size() || it.queue == kNone)
      return "interaction '" + it.id + "' is on no channel or queue of the policy";
    if (!it.in_waiting_set) continue;
    const std::int32_t pq = queue_runtimes_[it.queue].policy_index;
    if (it.state != InteractionState::Queued || it.held_for != kNone || pq < 0 ||
        it.step >= policy.queues[static_cast<std::size_t>(pq)].steps.size())
      return "interaction '" + it.id + "' waits where it cannot";
    it.wait_links = WaitLinks{};
    waiting_set(policy.queues[static_cast<std::size_t>(pq)], it.step, it.channel_index).insert(i);
  }
  return std::nullopt;
}

}  // namespace sb::core
