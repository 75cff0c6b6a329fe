// The journeys' part of a state snapshot (core_state.cc): every customer slot with its
// contacts, the free slots and the recency list, which load checks end to end.
#include "engine/core/journey_store.h"
#include "engine/core/state_codec.h"

namespace sb::core {

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
    w.checkpoint();
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
    std::uint64_t previous_seq = 0;  // contacts are appended with rising, unique sequences
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
      if (!index_ok(k.agent, agents) || k.seq >= next_seq_ || k.seq <= previous_seq) return false;
      previous_seq = k.seq;
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

}  // namespace sb::core
