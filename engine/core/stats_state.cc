// The measurements' part of a state snapshot (core_state.cc): every counter, histogram and
// rolling window, so that a restarted engine reports what the stopped one had measured.
#include <algorithm>
#include <utility>
#include <vector>

#include "engine/core/core_stats.h"
#include "engine/core/state_codec.h"

namespace sb::core {

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

}  // namespace sb::core
