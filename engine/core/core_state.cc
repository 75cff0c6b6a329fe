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
#include <algorithm>
#include <bit>
#include <string>

#include "engine/common/byte_codec.h"
#include "engine/core/core.h"

namespace sb::core {
namespace {

constexpr std::string_view kStateMagic = "SBCORE01";  // the 01 is the layout's version

bool symbol_ok(Symbol s, std::size_t symbols) { return s == kNoSymbol || s < symbols; }
bool index_ok(std::uint32_t i, std::size_t size) { return i == kNone || i < size; }

void save_attrs(ByteWriter& w, const AttrMap& attrs) {
  w.count(attrs.size());
  for (const AttrEntry& e : attrs) {
    w.index(e.key);
    w.enumeration(e.value.kind);
    switch (e.value.kind) {
      case AttrValue::Kind::Null:
        break;
      case AttrValue::Kind::String:
        w.index(e.value.sym);
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
  attrs.resize(r.count(2));
  for (AttrEntry& e : attrs) {
    e.key = r.index();
    e.value.kind = r.enumeration(AttrValue::Kind::Bool);
    switch (e.value.kind) {
      case AttrValue::Kind::Null:
        break;
      case AttrValue::Kind::String:
        e.value.sym = r.index();
        if (e.value.sym >= symbols) return false;  // a stored string is always interned
        break;
      case AttrValue::Kind::Number:
        e.value.set_number(r.f64());
        break;
      case AttrValue::Kind::Bool:
        e.value.boolean = r.boolean();
        break;
    }
    if (e.key >= symbols) return false;
  }
  // Sorted by key, each key once.
  return r.ok() && std::adjacent_find(attrs.begin(), attrs.end(), [](const auto& a, const auto& b) {
                     return a.key >= b.key;
                   }) == attrs.end();
}

void save_histogram(ByteWriter& w, const HistogramData& h) {
  w.count(h.counts.size());
  for (std::uint64_t c : h.counts) w.var(c);
  w.f64(h.sum);
  w.var(h.count);
}

// The bounds are the histogram's own (fixed in code); the counts must fit them.
void load_histogram(ByteReader& r, HistogramData& h) {
  if (r.count(1) != h.counts.size()) {
    r.fail();
    return;
  }
  for (std::uint64_t& c : h.counts) c = r.var();
  h.sum = r.f64();
  h.count = r.var();
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
    w.var(s.totals.within);
    w.var(s.totals.answered);
    w.var(s.totals.late_abandoned);
    w.f64(s.totals.wait_answered_s);
  }
}

void RollingWindow::load(ByteReader& r) {
  for (Slot& s : slots_) {
    s.index = r.i64();
    s.totals.within = r.var();
    s.totals.answered = r.var();
    s.totals.late_abandoned = r.var();
    s.totals.wait_answered_s = r.f64();
  }
}

void CoreStats::save(ByteWriter& w) const {
  w.count(cells_.size());
  for (const QueueChannelCell& c : cells_) {
    w.index(c.queue);
    w.index(c.channel);
    w.index(c.waiting);
    for (std::uint64_t v : {c.entered, c.answered, c.abandoned, c.transferred, c.overflowed})
      w.var(v);
    for (const HistogramData* h :
         {&c.wait_answered, &c.wait_abandoned, &c.handle_time, &c.wrap_up_time})
      save_histogram(w, *h);
    c.window.save(w);
  }
  w.count(channels_.size());
  for (const ChannelCell& c : channels_) {
    w.index(c.channel);
    for (std::uint64_t v : c.offers) w.var(v);
    for (std::uint64_t v : {c.repeat_contacts, c.affinity_hits, c.bot_escalations, c.resolutions,
                            c.first_contact_resolutions})
      w.var(v);
    save_histogram(w, c.transfers_per_interaction);
  }
  w.count(queues_.size());
  for (const QueueCell& q : queues_) {
    q.window.save(w);
    w.boolean(q.below_target);
    w.var(q.preferred_agent_timeouts);
  }
  // Sorted, so that the same state gives the same bytes.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> switches(switches_.begin(), switches_.end());
  std::sort(switches.begin(), switches.end());
  w.count(switches.size());
  for (const auto& [k, n] : switches) {
    w.var(k);
    w.var(n);
  }
  w.var(journeys.resolved);
  w.var(journeys.unresolved);
  w.var(journeys.autonomous);
  for (const HistogramData* h :
       {&journeys.contacts, &journeys.channel_switches, &journeys.resolution_time})
    save_histogram(w, *h);
  w.count(pending_closes.size());
  for (const PendingClose& p : pending_closes) {
    w.time(p.due);
    w.index(p.customer);
    w.var(p.contact_seq);
  }
  w.var(agents_set_away);
  save_histogram(w, decision_time);
  for (std::uint64_t v : commands_applied_) w.var(v);
  for (std::uint64_t v : commands_rejected_) w.var(v);
}

bool CoreStats::load(ByteReader& r, std::size_t symbols, std::size_t queues) {
  cells_.resize(r.count(40));
  for (std::uint32_t k = 0; k < cells_.size() && r.ok(); ++k) {
    QueueChannelCell& c = cells_[k];
    c.queue = r.index();
    c.channel = r.index();
    if (c.queue >= queues || c.channel >= symbols) return false;
    if (!cell_index_.emplace(key(c.queue, c.channel), k).second) return false;
    c.waiting = r.index();
    for (std::uint64_t* v : {&c.entered, &c.answered, &c.abandoned, &c.transferred, &c.overflowed})
      *v = r.var();
    for (HistogramData* h : {&c.wait_answered, &c.wait_abandoned, &c.handle_time, &c.wrap_up_time})
      load_histogram(r, *h);
    c.window.load(r);
  }
  channels_.resize(r.count(20));
  for (ChannelCell& c : channels_) {
    c.channel = r.index();
    if (c.channel >= symbols) return false;
    for (std::uint64_t& v : c.offers) v = r.var();
    for (std::uint64_t* v : {&c.repeat_contacts, &c.affinity_hits, &c.bot_escalations,
                             &c.resolutions, &c.first_contact_resolutions})
      *v = r.var();
    load_histogram(r, c.transfers_per_interaction);
  }
  queues_.resize(r.count(9));
  for (QueueCell& q : queues_) {
    q.window.load(r);
    q.below_target = r.boolean();
    q.preferred_agent_timeouts = r.var();
  }
  for (std::size_t n = r.count(2); n > 0 && r.ok(); --n) {
    const std::uint64_t k = r.var();
    if (switch_from(k) >= symbols || switch_to(k) >= symbols) return false;
    switches_[k] = r.var();
  }
  journeys.resolved = r.var();
  journeys.unresolved = r.var();
  journeys.autonomous = r.var();
  for (HistogramData* h :
       {&journeys.contacts, &journeys.channel_switches, &journeys.resolution_time})
    load_histogram(r, *h);
  for (std::size_t n = r.count(10); n > 0 && r.ok(); --n) {
    PendingClose p;
    p.due = r.time();
    p.customer = r.index();
    p.contact_seq = r.var();
    pending_closes.push_back(p);
  }
  agents_set_away = r.var();
  load_histogram(r, decision_time);
  for (std::uint64_t& v : commands_applied_) v = r.var();
  for (std::uint64_t& v : commands_rejected_) v = r.var();
  return r.ok();
}

void JourneyStore::save(ByteWriter& w) const {
  w.index(max_contacts_);
  w.duration(lookback_);
  w.index(max_customers_);
  w.var(next_seq_);
  w.count(slots_.size());
  for (const Customer& c : slots_) {
    w.text(c.id);
    w.time(c.last_seen);
    w.index(c.lru_prev);
    w.index(c.lru_next);
    w.boolean(c.live);
    w.count(c.contacts.size());
    for (const Contact& k : c.contacts) {
      w.var(k.seq);
      w.text(k.interaction_id);
      w.time(k.created_at);
      w.time(k.answered_at);
      w.time(k.ended_at);
      w.time(k.journey_start);
      w.index(k.channel);
      w.index(k.queue);
      w.index(k.agent);
      w.index(k.intent);
      w.index(k.outcome);
      w.f32(k.sentiment);
      w.u16(k.journey_contacts);
      w.u16(k.journey_switches);
      w.boolean(k.journey_human);
    }
  }
  w.count(free_.size());
  for (std::uint32_t s : free_) w.index(s);
  w.index(lru_head_);
  w.index(lru_tail_);
}

bool JourneyStore::load(ByteReader& r, std::size_t symbols, std::size_t agents) {
  if (!slots_.empty()) return false;
  max_contacts_ = r.index();
  lookback_ = r.duration();
  max_customers_ = r.index();
  next_seq_ = r.var();
  slots_.resize(r.count(13));
  for (std::uint32_t slot = 0; slot < slots_.size() && r.ok(); ++slot) {
    Customer& c = slots_[slot];
    c.id = r.text();
    c.last_seen = r.time();
    c.lru_prev = r.index();
    c.lru_next = r.index();
    c.live = r.boolean();
    c.contacts.resize(r.count(48));
    for (Contact& k : c.contacts) {
      k.seq = r.var();
      k.interaction_id = r.text();
      k.created_at = r.time();
      k.answered_at = r.time();
      k.ended_at = r.time();
      k.journey_start = r.time();
      k.channel = r.index();
      k.queue = r.index();
      k.agent = r.index();
      k.intent = r.index();
      k.outcome = r.index();
      k.sentiment = r.f32();
      k.journey_contacts = r.u16();
      k.journey_switches = r.u16();
      k.journey_human = r.boolean();
      if (k.channel >= symbols) return false;  // views name it unconditionally
      for (Symbol s : {k.queue, k.intent, k.outcome}) {
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
  free_.resize(r.count(1));
  for (std::uint32_t& s : free_) {
    s = r.index();
    if (s >= slots_.size() || slots_[s].live) return false;
  }
  lru_head_ = r.index();
  lru_tail_ = r.index();
  if (!r.ok() || max_contacts_ == 0 || max_customers_ == 0 || !index_ok(lru_head_, slots_.size()) ||
      !index_ok(lru_tail_, slots_.size()))
    return false;
  // The recency list must run through every live customer once, both ways.
  std::size_t walked = 0;
  std::uint32_t previous = kNone;
  for (std::uint32_t s = lru_head_; s != kNone; s = slots_[s].lru_next) {
    if (++walked > index_.size() || !slots_[s].live || slots_[s].lru_prev != previous) return false;
    previous = s;
  }
  return walked == index_.size() && previous == lru_tail_;
}

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
  out.append(kStateMagic);
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
  for (const Agent& a : agents_) save_agent(w, a);
  w.count(interactions_.size());
  for (const Interaction& it : interactions_) save_interaction(w, it);
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
std::optional<std::string> Core::rebuild_indexes() {
  // A time the core stamped: between the epoch and now (waits and deadlines are computed from
  // these; one far in the past would overflow them).
  auto stamped = [this](Timestamp t) { return t.us >= 0 && t <= now_; };
  std::vector<bool> free_slot(interactions_.size(), false);
  for (InteractionIndex i : free_interactions_) {
    if (i >= interactions_.size() || !interactions_[i].id.empty() || free_slot[i])
      return "a free slot in use";
    free_slot[i] = true;
  }
  std::vector<bool> free_decision(decisions_.size(), false);
  for (std::uint32_t d : free_decisions_) {
    if (d >= decisions_.size() || free_decision[d]) return "a free decision out of range";
    free_decision[d] = true;
  }
  for (InteractionIndex i : ended_) {
    if (i >= interactions_.size() || !is_terminal(interactions_[i].state))
      return "an ended interaction that is live";
  }
  for (AgentIndex a = 0; a < agents_.size(); ++a) {
    const Agent& agent = agents_[a];
    if (agent_index_.contains(agent_id(a))) return "agent '" + agent_id(a) + "' twice";
    agent_index_.insert(agent_id(a), a);
    for (InteractionIndex i : agent.held) {
      if (i >= interactions_.size() || interactions_[i].held_for != a ||
          interactions_[i].state != InteractionState::Queued)
        return "agent '" + agent_id(a) + "' holds an interaction not held for it";
    }
    if (policy_ && agent.slots.size() != policy_->channels.size())
      return "agent '" + agent_id(a) + "' has slots for another policy";
    // Clocks and counters are ahead of what they stamped: a touched agent becomes the newest
    // idle in every class it is in.
    if (!stamped(agent.idle_since) || agent.idle_seq > last_idle_seq_ ||
        !stamped(agent.last_negative_at))
      return "agent '" + agent_id(a) + "' has an idle clock out of the core's time";
  }
  for (InteractionIndex i = 0; i < interactions_.size(); ++i) {
    const Interaction& it = interactions_[i];
    if (it.id.empty()) continue;
    if (interaction_index_.contains(it.id)) return "interaction '" + it.id + "' twice";
    interaction_index_.insert(it.id, i);
    if (it.decision != kNone && (it.decision >= decisions_.size() || free_decision[it.decision]))
      return "interaction '" + it.id + "' has no decision";
    if (it.channel >= symbols_.size()) return "interaction '" + it.id + "' is on no channel";
    if (!stamped(it.created_at) || !stamped(it.queued_at) || !stamped(it.answered_at) ||
        !stamped(it.ended_at) || it.wait_seq > next_wait_seq_ || it.offer >= next_offer_)
      return "interaction '" + it.id + "' has times or numbers out of the core's range";
    if (is_terminal(it.state)) continue;
    const bool holds_slot = it.state == InteractionState::Offered ||
                            it.state == InteractionState::Assigned ||
                            it.state == InteractionState::WrapUp;
    if (it.queue == kNone || (holds_slot && it.agent == kNone) ||
        (it.state == InteractionState::Offered && (it.offer == 0 || !offers_.contains(it.offer))))
      return "interaction '" + it.id + "' is " + std::string(to_string(it.state)) +
             " without its queue, agent or offer";
    if (it.held_for != kNone) {
      const std::vector<InteractionIndex>& held = agents_[it.held_for].held;
      if (std::find(held.begin(), held.end(), i) == held.end())
        return "interaction '" + it.id + "' is held for an agent who does not hold it";
    }
  }
  for (const auto& [offer, i] : offers_) {
    if (interactions_[i].offer != offer || interactions_[i].state != InteractionState::Offered)
      return "offer " + std::to_string(offer) + " points to an interaction not offered by it";
  }
  if (!policy_) {
    for (const Interaction& it : interactions_) {
      if (!it.id.empty()) return "interactions without a policy";
    }
    return std::nullopt;
  }
  const LinkedPolicy& policy = *policy_;
  // Epochs only grow, so a timer's is never ahead of its interaction's (else it would come
  // alive later); a live one (equal) must fit what it will act on.
  for (const Timer& t : timers_.heap()) {
    if (t.kind == TimerKind::WellbeingEnd || t.target >= interactions_.size()) continue;
    const Interaction& it = interactions_[t.target];
    if (t.epoch > (t.kind == TimerKind::Sla ? it.queue_epoch : it.epoch))
      return "a timer of interaction slot " + std::to_string(t.target) + " is ahead of it";
    if (t.kind == TimerKind::Sla || t.epoch != it.epoch) continue;
    const bool queued = it.state == InteractionState::Queued;
    bool fits = true;
    switch (t.kind) {
      case TimerKind::OfferExpiry:
        fits = it.state == InteractionState::Offered;
        break;
      case TimerKind::Step:
        fits = queued;
        break;
      case TimerKind::HoldEnd:
        fits = queued && it.held_for != kNone;
        break;
      case TimerKind::Overflow: {
        const std::int32_t pq = it.queue == kNone ? -1 : queue_runtimes_[it.queue].policy_index;
        fits = queued && pq >= 0 && policy.queues[static_cast<std::size_t>(pq)].overflow_to >= 0;
        break;
      }
      case TimerKind::WrapUpEnd:
        fits = it.state == InteractionState::WrapUp;
        break;
      default:
        break;
    }
    if (!fits) {
      return "a timer of interaction '" + it.id + "' does not fit it while " +
             std::string(to_string(it.state));
    }
  }
  waiting_.clear();
  waiting_.reserve(policy.waiting_sets);
  for (std::uint32_t k = 0; k < policy.waiting_sets; ++k) waiting_.emplace_back(&interactions_);
  pools_.reset(policy.pool_groups.size(), policy.channels.size());
  for (AgentIndex a = 0; a < agents_.size(); ++a) rebuild_nodes(a);
  for (InteractionIndex i = 0; i < interactions_.size(); ++i) {
    Interaction& it = interactions_[i];
    if (it.id.empty() || is_terminal(it.state)) continue;
    if (it.channel_index >= policy.channels.size())
      return "interaction '" + it.id + "' is on no channel of the policy";
    const std::int32_t pq = queue_runtimes_[it.queue].policy_index;
    // A waiting one (in a set or held) is in a queue of the policy, at one of its steps; one
    // with an agent may have lost its queue to a reload.
    if (it.state == InteractionState::Queued &&
        (pq < 0 || it.step >= policy.queues[static_cast<std::size_t>(pq)].steps.size()))
      return "interaction '" + it.id + "' waits where it cannot";
    if (!it.in_waiting_set) continue;
    if (it.state != InteractionState::Queued || it.held_for != kNone)
      return "interaction '" + it.id + "' is in a waiting set while it cannot be";
    it.wait_links = WaitLinks{};
    waiting_set(policy.queues[static_cast<std::size_t>(pq)], it.step, it.channel_index).insert(i);
  }
  return std::nullopt;
}

}  // namespace sb::core
