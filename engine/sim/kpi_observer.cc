#include "engine/sim/kpi_observer.h"

#include <algorithm>

namespace sb::sim {

KpiObserver::KpiObserver(Timestamp start) : start_(start), now_(start) { m_.total.name = "total"; }

void KpiObserver::clock_to(Timestamp t) {
  if (t <= now_) return;
  const std::int64_t dt = (t - now_).count();
  staffed_agent_us_ += staffed_now_ * dt;
  busy_agent_us_ += busy_now_ * dt;
  now_ = t;
}

void KpiObserver::use_policy(const Policy& policy) {
  for (const QueuePolicy& q : policy.queues) {
    const std::int32_t k = queue_of(q.name);
    Tally& t = m_.queues[static_cast<std::size_t>(k)];
    t.threshold = q.sla.answer_within;
    t.target = q.sla.target;
  }
}

std::int32_t KpiObserver::queue_of(const std::string& name) {
  auto [it, added] = queue_index_.try_emplace(name, static_cast<std::int32_t>(m_.queues.size()));
  if (added) {
    Tally t;
    t.name = name;
    m_.queues.push_back(std::move(t));
  }
  return it->second;
}

std::int32_t KpiObserver::agent_of(const std::string& id) {
  auto [it, added] = agent_index_.try_emplace(id, static_cast<std::int32_t>(agents_.size()));
  if (added) agents_.emplace_back();
  return it->second;
}

Duration KpiObserver::threshold_of(std::int32_t queue) const {
  return queue >= 0 ? m_.queues[static_cast<std::size_t>(queue)].threshold : Duration{0};
}

void KpiObserver::created(const CreateInteraction& c, Timestamp at) {
  clock_to(at);
  ++m_.created;
  Live l;
  l.customer = c.customer_id;
  l.created = at;
  if (!c.customer_id.empty()) {
    auto [it, first] = customers_.try_emplace(c.customer_id);
    if (!first) {
      l.repeat = true;
      l.previous_agent = it->second.last_agent;
    }
    it->second.last_contact = c.interaction_id;
    it->second.last_agent = -1;
  }
  live_[c.interaction_id] = std::move(l);
}

void KpiObserver::command(const Result<Reply>& result) {
  ++m_.commands;
  if (result.ok()) return;
  ++(result.error().code == ErrorCode::NoQueue ? m_.unrouted : m_.refused);
}

void KpiObserver::set_held(std::int32_t agent, int delta) {
  AgentState& a = agents_[static_cast<std::size_t>(agent)];
  const bool staffed_before = staffed(a);
  const bool busy_before = a.held > 0;
  a.held = static_cast<std::uint32_t>(static_cast<int>(a.held) + delta);
  staffed_now_ += staffed(a) - staffed_before;
  busy_now_ += (a.held > 0) - busy_before;
}

void KpiObserver::release(Live& l) {
  if (l.agent < 0) return;
  if (l.queue >= 0) {
    m_.queues[static_cast<std::size_t>(l.queue)].held_agent_s += to_seconds(now_ - l.held_since);
  }
  set_held(l.agent, -1);
  l.agent = -1;
}

void KpiObserver::answered(const InteractionAssigned& e, Live& l, Timestamp at) {
  l.offer = 0;
  const std::int32_t q = queue_of(e.queue);
  Tally& queue = m_.queues[static_cast<std::size_t>(q)];
  const Duration threshold = queue.threshold;
  queue.answer(e.waited, threshold);
  if (l.legs == 0) {
    m_.total.answer(at - l.created, threshold);
    if (!l.customer.empty()) {
      Customer& c = customers_[l.customer];
      if (c.last_contact == e.interaction_id) c.last_agent = l.agent;
    }
    if (l.repeat) {
      ++m_.total.repeats;
      ++queue.repeats;
      if (l.previous_agent >= 0) {
        const bool hit = l.previous_agent == l.agent;
        ++m_.total.affinity_chances;
        m_.total.affinity_hits += hit;
        ++queue.affinity_chances;
        queue.affinity_hits += hit;
      }
    }
  }
  ++l.legs;
}

void KpiObserver::abandoned(const InteractionAbandoned& e, Live& l, Timestamp at) {
  if (l.waiting) l.waiting = false;
  const std::int32_t q = queue_of(e.queue);
  Tally& queue = m_.queues[static_cast<std::size_t>(q)];
  queue.abandon(e.waited, queue.threshold);
  if (l.legs == 0) {
    m_.total.abandon(at - l.created, queue.threshold);
    if (l.repeat) {
      ++m_.total.repeats;
      ++queue.repeats;
    }
  }
  release(l);
}

void KpiObserver::on_event(const Event& event) {
  clock_to(event.time);
  auto live = [this](const std::string& id) -> Live* {
    auto it = live_.find(id);
    return it == live_.end() ? nullptr : &it->second;
  };
  if (const auto* e = std::get_if<OfferCreated>(&event.body)) {
    Live* l = live(e->interaction.id);
    if (l == nullptr) return;
    l->waiting = false;
    l->queue = queue_of(e->interaction.queue);
    l->offer = e->offer_id;
    l->agent = agent_of(e->agent_id);
    l->held_since = event.time;
    set_held(l->agent, +1);
  } else if (const auto* e = std::get_if<OfferEnded>(&event.body)) {
    Live* l = live(e->interaction_id);
    if (l == nullptr || l->offer != e->offer_id) return;
    l->offer = 0;
    release(*l);
  } else if (const auto* e = std::get_if<InteractionQueued>(&event.body)) {
    Live* l = live(e->interaction_id);
    if (l == nullptr) return;
    l->queue = queue_of(e->queue);
    l->waiting = true;
  } else if (const auto* e = std::get_if<InteractionAssigned>(&event.body)) {
    if (Live* l = live(e->interaction_id)) answered(*e, *l, event.time);
  } else if (const auto* e = std::get_if<InteractionAbandoned>(&event.body)) {
    Live* l = live(e->interaction_id);
    if (l == nullptr) return;
    abandoned(*e, *l, event.time);
    live_.erase(e->interaction_id);
  } else if (const auto* e = std::get_if<InteractionEnded>(&event.body)) {
    if (e->state == InteractionState::WrapUp) return;
    Live* l = live(e->interaction_id);
    if (l == nullptr) return;
    release(*l);
    live_.erase(e->interaction_id);
  } else if (const auto* e = std::get_if<InteractionTransferred>(&event.body)) {
    Live* l = live(e->interaction_id);
    if (l == nullptr) return;
    ++m_.queues[static_cast<std::size_t>(queue_of(e->from_queue))].transfers;
    ++m_.total.transfers;
    release(*l);
    // Out of this routing domain: it ends here (the core emits nothing else for it).
    if (e->to_queue.empty() && e->to_agent.empty()) live_.erase(e->interaction_id);
  } else if (const auto* e = std::get_if<AgentStateChanged>(&event.body)) {
    AgentState& a = agents_[static_cast<std::size_t>(agent_of(e->agent_id))];
    const bool before = staffed(a);
    a.logged_in = e->presence == Presence::Available || e->presence == Presence::WrapUp;
    staffed_now_ += staffed(a) - before;
  }
}

Measurements KpiObserver::finish(Timestamp end) {
  clock_to(end);
  m_.duration_s = to_seconds(end - start_);
  for (auto& [id, l] : live_) {
    const bool answered_leg = l.legs > 0 && !l.waiting && l.offer == 0;
    if (l.legs == 0) {
      ++m_.total.waiting_at_end;
      if (l.repeat) ++m_.total.repeats;
    }
    if (!answered_leg && l.queue >= 0) {
      ++m_.queues[static_cast<std::size_t>(l.queue)].waiting_at_end;
    }
    release(l);  // slot-time up to the end
  }
  live_.clear();
  m_.staffed_agent_s = to_seconds(Duration{staffed_agent_us_});
  m_.busy_agent_s = to_seconds(Duration{busy_agent_us_});
  if (!m_.queues.empty()) {
    const Duration first = m_.queues[0].threshold;
    const bool same = std::all_of(m_.queues.begin(), m_.queues.end(),
                                  [&](const Tally& t) { return t.threshold == first; });
    m_.total.threshold = same ? first : Duration{0};
    m_.total.target = m_.queues.size() == 1 ? m_.queues[0].target : 0;
  }
  return std::move(m_);
}

}  // namespace sb::sim
