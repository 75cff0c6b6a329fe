#include "engine/sim/simulator.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "engine/common/assert.h"

namespace sb::sim {
namespace {

constexpr std::int64_t kDayUs = 24LL * 3600 * 1'000'000;
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// "i17", "c42": built by appending, which also keeps GCC 12's -O3 -Wrestrict false positive on
// `"i" + std::to_string(n)` away.
std::string numbered(char prefix, std::uint64_t n) {
  std::string s(1, prefix);
  s += std::to_string(n);
  return s;
}

std::string interaction_id(std::uint64_t serial) { return numbered('i', serial); }

// The core keeps ended interactions so that a client's retried create stays idempotent; the
// simulator never retries, so it keeps few (a smaller id index, and less memory).
core::CoreLimits simulation_limits() {
  core::CoreLimits limits;
  limits.retained_ended = 1024;
  return limits;
}

}  // namespace

Simulator::Simulator(const Scenario& scenario, std::shared_ptr<const Policy> policy,
                     SimulationOptions options)
    : scenario_(scenario),
      policy_(std::move(policy)),
      options_(std::move(options)),
      core_(simulation_limits()),
      rng_(options_.seed.value_or(scenario.seed) ^ 0xA5A5'5A5A'C3C3'3C3Cull),
      world_rng_(options_.seed.value_or(scenario.seed)) {
  end_us_ = scenario_.duration.count();
  const auto points = static_cast<std::int64_t>(std::max<std::size_t>(options_.timeline_points, 1));
  sample_every_us_ = std::max<std::int64_t>(end_us_ / points, 1'000'000);
  m_.duration_s = to_seconds(scenario_.duration);
  m_.total.name = "total";
}

Measurements simulate(const Scenario& scenario, std::shared_ptr<const Policy> policy,
                      SimulationOptions options) {
  return Simulator(scenario, std::move(policy), std::move(options)).run();
}

Measurements Simulator::run() {
  install();
  prepare_returns();
  schedule_shifts();
  for (std::uint32_t s = 0; s < streams_.size(); ++s) {
    if (auto t = next_arrival_us(s, 0))
      schedule(Pending{.at_us = *t, .kind = Kind::Arrival, .stream = s});
  }
  schedule(Pending{.at_us = sample_every_us_, .kind = Kind::Sample});
  while (true) {
    const auto deadline = core_.next_deadline();
    const std::int64_t core_at = deadline ? deadline->us - kEpochUs : kNever;
    const std::int64_t next_at = pending_.empty() ? kNever : pending_.top().at_us;
    const std::int64_t at = std::min(core_at, next_at);
    if (at >= end_us_) break;
    clock_to(at);
    if (core_at <= next_at) {
      core_.advance(stamp(), events_);
      observe();
    } else {
      const Pending p = pending_.top();
      pending_.pop();
      handle(p);
    }
  }
  finish();
  return std::move(m_);
}

// ---- setup

void Simulator::install() {
  apply(SetPolicy{policy_});
  SB_CHECK(m_.refused == 0);
  bool same_threshold = true;
  for (const QueuePolicy& q : policy_->queues) {
    queue_index_.emplace(q.name, static_cast<std::int32_t>(m_.queues.size()));
    Tally t;
    t.name = q.name;
    t.threshold = q.sla.answer_within;
    t.target = q.sla.target;
    same_threshold = same_threshold && q.sla.answer_within == policy_->queues[0].sla.answer_within;
    m_.queues.push_back(std::move(t));
  }
  m_.total.threshold = same_threshold ? policy_->queues[0].sla.answer_within : Duration{0};
  m_.total.target = policy_->queues.size() == 1 ? policy_->queues[0].sla.target : 0;
  for (std::uint32_t g = 0; g < scenario_.agents.size(); ++g) {
    const AgentGroup& group = scenario_.agents[g];
    UpsertAgent u;
    for (const auto& s : group.skills) u.skills.push_back(s.value);
    u.languages = group.languages;
    for (const auto& c : group.channels) u.channels.push_back(c.value);
    u.attributes = group.attributes;
    u.kind = group.kind;
    for (std::uint32_t k = 1; k <= group.count; ++k) {
      u.agent_id = group.name + "-" + std::to_string(k);
      apply(u);
      agent_index_.emplace(u.agent_id, static_cast<std::int32_t>(agents_.size()));
      agents_.push_back(AgentState{u.agent_id, g});
    }
  }
}

void Simulator::schedule_shifts() {
  const std::int64_t start_tod = scenario_.start_time.count();
  for (std::int32_t a = 0; a < static_cast<std::int32_t>(agents_.size()); ++a) {
    const AgentGroup& group = scenario_.agents[agents_[static_cast<std::size_t>(a)].group];
    if (group.shifts.empty()) {
      schedule(Pending{.at_us = 0, .kind = Kind::ShiftOn, .agent = a});
      continue;
    }
    for (const Shift& s : group.shifts) {
      auto add = [&](std::int64_t on, std::int64_t off) {
        if (off <= 0 || on >= end_us_ || off <= on) return;
        schedule(
            Pending{.at_us = std::max<std::int64_t>(on, 0), .kind = Kind::ShiftOn, .agent = a});
        if (off < end_us_) schedule(Pending{.at_us = off, .kind = Kind::ShiftOff, .agent = a});
      };
      if (!s.daily) {
        add(s.start.count(), s.end.count());
        continue;
      }
      std::int64_t length = (s.end.count() - s.start.count()) % kDayUs;
      if (length <= 0) length += kDayUs;
      for (std::int64_t day = -1; day * kDayUs - start_tod < end_us_; ++day) {
        const std::int64_t on = day * kDayUs + s.start.count() - start_tod;
        add(on, on + length);
      }
    }
  }
}

// A returning customer comes back on a stream of another channel, about the same matter when
// a stream of that intent exists, in proportion to the streams' rates.
void Simulator::prepare_returns() {
  const auto& all = scenario_.streams;
  auto intent = [](const Stream& s) -> std::string {
    for (const auto& [key, value] : s.attributes) {
      if (key == "intent" && std::holds_alternative<std::string>(value))
        return std::get<std::string>(value);
    }
    return "";
  };
  for (std::uint32_t s = 0; s < all.size(); ++s) {
    StreamState st;
    st.rng = world_rng_.fork();
    for (const bool same_intent : {true, false}) {
      double sum = 0;
      for (std::uint32_t o = 0; o < all.size(); ++o) {
        if (all[o].channel.value == all[s].channel.value || all[o].rate_per_hour <= 0) continue;
        if (same_intent && intent(all[o]) != intent(all[s])) continue;
        st.return_to.push_back(o);
        st.return_weight.push_back(sum += all[o].rate_per_hour);
      }
      if (!st.return_to.empty()) break;
    }
    streams_.push_back(std::move(st));
  }
}

// ---- the loop

void Simulator::schedule(Pending p) {
  p.seq = next_seq_++;
  pending_.push(p);
}

void Simulator::clock_to(std::int64_t us) {
  const double dt = static_cast<double>(us - now_us_) / 1e6;
  m_.staffed_agent_s += staffed_now_ * dt;
  m_.busy_agent_s += busy_now_ * dt;
  now_us_ = us;
}

void Simulator::apply(const Command& command) {
  ++m_.commands;
  if (options_.on_command) options_.on_command(command, stamp());
  if (!core_.apply(command, stamp(), events_).ok()) ++m_.refused;
  observe();
}

void Simulator::observe() {
  for (const Event& e : events_) on_event(e);
  events_.clear();
}

void Simulator::handle(const Pending& p) {
  switch (p.kind) {
    case Kind::Arrival:
      arrive(p.stream);
      break;
    case Kind::Return:
      come_back(p);
      break;
    case Kind::Abandon:
      abandon(p.id);
      break;
    case Kind::Answer:
      answer(p);
      break;
    case Kind::Complete:
      complete(p.id);
      break;
    case Kind::ShiftOn:
    case Kind::ShiftOff:
      shift(p.agent, p.kind == Kind::ShiftOn);
      break;
    case Kind::BackFromAway: {
      AgentState& a = agents_[static_cast<std::size_t>(p.agent)];
      if (!a.away) break;
      const bool before = staffed(a);
      a.away = false;
      staffed_now_ += staffed(a) - before;
      if (a.shifts_on > 0) apply(SetAgentState{a.id, Presence::Available, ""});
      break;
    }
    case Kind::Sample:
      sample();
      break;
  }
}

// ---- customers

// Everything random about a customer is drawn from its stream's generator when it arrives, in a
// fixed order, so that two runs of the same scenario under two policies see the same customers
// (common random numbers: the difference between them is the policy's, not chance's).
void Simulator::arrive(std::uint32_t s) {
  const Stream& st = scenario_.streams[s];
  StreamState& ss = streams_[s];
  Live l;
  l.stream = l.origin = s;
  l.customer = next_customer_++;
  l.handle = st.handle_time.sample(ss.rng);
  l.second_handle = st.handle_time.sample(ss.rng);
  const std::optional<Duration> patience =
      st.patience ? std::optional<Duration>(st.patience->sample(ss.rng)) : std::nullopt;
  l.sentiment = st.sentiment_min + (st.sentiment_max - st.sentiment_min) * ss.rng.unit();
  l.will_transfer = st.transfer && ss.rng.chance(st.transfer->share);
  const bool returns = ss.rng.chance(scenario_.returns.share);
  const double pick = ss.rng.unit();
  l.return_delay_s = ss.rng.unit() * to_seconds(scenario_.returns.within);
  if (returns && !ss.return_to.empty()) {
    l.will_return = true;
    const double target = pick * ss.return_weight.back();
    const auto k = std::upper_bound(ss.return_weight.begin(), ss.return_weight.end(), target) -
                   ss.return_weight.begin();
    l.return_stream =
        ss.return_to[std::min<std::size_t>(static_cast<std::size_t>(k), ss.return_to.size() - 1)];
  }
  create(next_serial_++, l, patience);
  if (auto t = next_arrival_us(s, now_us_))
    schedule(Pending{.at_us = *t, .kind = Kind::Arrival, .stream = s});
}

void Simulator::come_back(const Pending& p) {
  const Stream& st = scenario_.streams[p.stream];
  StreamState& ss = streams_[p.stream];
  Live l;
  l.stream = p.stream;
  l.origin = p.origin;
  l.customer = p.id;
  l.repeat = true;
  l.previous_agent = p.agent;
  l.handle = st.handle_time.sample(ss.rng);
  l.second_handle = st.handle_time.sample(ss.rng);
  const std::optional<Duration> patience =
      st.patience ? std::optional<Duration>(st.patience->sample(ss.rng)) : std::nullopt;
  l.sentiment = p.sentiment;
  l.will_transfer = st.transfer && ss.rng.chance(st.transfer->share);
  create(next_serial_++, l, patience);
}

void Simulator::create(std::uint64_t serial, Live live, std::optional<Duration> patience) {
  const Stream& on = scenario_.streams[live.stream];
  const Stream& about = scenario_.streams[live.origin];
  CreateInteraction c;
  c.interaction_id = interaction_id(serial);
  c.channel = on.channel.value;
  // Only a customer who has or will have another contact needs a journey: for the others the
  // routing is the same without one, and the core keeps no journey for an empty customer id.
  if (live.repeat || live.will_return) c.customer_id = numbered('c', live.customer);
  c.attributes = about.attributes;
  c.sentiment = live.sentiment;
  c.priority = on.priority;
  live_.emplace(serial, live);  // before the command: its events name the interaction
  ++m_.commands;
  if (options_.on_command) options_.on_command(c, stamp());
  const Result<Reply> r = core_.apply(c, stamp(), events_);
  if (!r.ok()) {
    live_.erase(serial);
    ++(r.error().code == ErrorCode::NoQueue ? m_.unrouted : m_.refused);
    observe();
    return;
  }
  ++m_.created;
  observe();
  if (patience && live_.count(serial) != 0) {
    schedule(Pending{.at_us = now_us_ + patience->count(), .kind = Kind::Abandon, .id = serial});
  }
}

// Arrivals are a Poisson process whose rate is constant within each interval of the profile:
// exact by memorylessness, an exponential gap is drawn again from each interval's start.
std::optional<std::int64_t> Simulator::next_arrival_us(std::uint32_t s, std::int64_t from_us) {
  const Stream& st = scenario_.streams[s];
  Rng& rng = streams_[s].rng;
  if (st.rate_per_hour <= 0) return std::nullopt;
  if (st.profile.empty()) {
    const auto t = from_us + static_cast<std::int64_t>(rng.exponential(3.6e9 / st.rate_per_hour));
    return t < end_us_ ? std::optional<std::int64_t>(t) : std::nullopt;
  }
  const std::int64_t interval = kDayUs / static_cast<std::int64_t>(st.profile.size());
  std::int64_t t = from_us;
  while (t < end_us_) {
    const std::int64_t tod = (scenario_.start_time.count() + t) % kDayUs;
    const std::size_t k =
        std::min<std::size_t>(static_cast<std::size_t>(tod / interval), st.profile.size() - 1);
    const std::int64_t boundary =
        t + (k + 1 == st.profile.size() ? kDayUs - tod : interval - tod % interval);
    const double rate = st.rate_per_hour * st.profile[k];
    if (rate > 0) {
      const auto gap = static_cast<std::int64_t>(rng.exponential(3.6e9 / rate));
      if (t + gap < boundary) return t + gap < end_us_ ? std::optional(t + gap) : std::nullopt;
    }
    t = boundary;
  }
  return std::nullopt;
}

// Patience ran out: the customer leaves unless an agent has answered (an offer still ringing
// does not keep them).
void Simulator::abandon(std::uint64_t serial) {
  auto it = live_.find(serial);
  if (it == live_.end() || it->second.legs > 0) return;
  apply(CancelInteraction{interaction_id(serial), "abandoned"});
}

void Simulator::answer(const Pending& p) {
  auto it = live_.find(p.id);
  if (it == live_.end() || it->second.offer != p.offer) return;  // expired or withdrawn
  if (p.flag) {
    apply(AcceptOffer{p.offer});
  } else {
    apply(RejectOffer{p.offer, "declined"});
  }
}

void Simulator::complete(std::uint64_t serial) {
  auto it = live_.find(serial);
  if (it == live_.end() || it->second.agent < 0) return;
  const Live& l = it->second;
  const Stream& st = scenario_.streams[l.stream];
  if (l.will_transfer && l.legs == 1) {
    apply(TransferInteraction{interaction_id(serial), st.transfer->to_queue.value, ""});
  } else {
    apply(CompleteInteraction{interaction_id(serial), "resolved"});
  }
}

// The contact is over; a customer who will come back does so on another channel.
void Simulator::ended(std::uint64_t serial, Live& l) {
  if (l.will_return) {
    const std::int64_t at = now_us_ + static_cast<std::int64_t>(l.return_delay_s * 1e6);
    if (at < end_us_) {
      Pending p{.at_us = at,
                .kind = Kind::Return,
                .stream = l.return_stream,
                .origin = l.origin,
                .agent = l.first_agent,
                .id = l.customer};
      p.sentiment = std::clamp(l.sentiment + scenario_.returns.sentiment_change, -1.0, 1.0);
      schedule(p);
    }
  }
  live_.erase(serial);
}

// ---- agents

void Simulator::shift(std::int32_t agent, bool on) {
  AgentState& a = agents_[static_cast<std::size_t>(agent)];
  const bool before = staffed(a);
  if (on) {
    a.away = false;
    if (a.shifts_on++ == 0) apply(SetAgentState{a.id, Presence::Available, ""});
  } else if (a.shifts_on > 0 && --a.shifts_on == 0) {
    // Logged out: takes nothing new, finishes what it holds.
    apply(SetAgentState{a.id, Presence::Offline, "end of shift"});
  }
  staffed_now_ += staffed(a) - before;
}

void Simulator::set_held(std::int32_t agent, int delta) {
  AgentState& a = agents_[static_cast<std::size_t>(agent)];
  const bool staffed_before = staffed(a);
  const bool busy_before = a.held > 0;
  a.held = static_cast<std::uint32_t>(static_cast<int>(a.held) + delta);
  staffed_now_ += staffed(a) - staffed_before;
  busy_now_ += (a.held > 0) - busy_before;
}

void Simulator::release(Live& l) {
  if (l.agent < 0) return;
  if (l.queue >= 0) {
    m_.queues[static_cast<std::size_t>(l.queue)].held_agent_s +=
        static_cast<double>(now_us_ - l.held_since_us) / 1e6;
  }
  set_held(l.agent, -1);
  l.agent = -1;
}

// ---- events of the core

Simulator::Live* Simulator::live_of(const std::string& id, std::uint64_t* serial) {
  std::uint64_t n = 0;
  if (id.size() < 2 || std::from_chars(id.data() + 1, id.data() + id.size(), n).ec != std::errc{})
    return nullptr;
  auto it = live_.find(n);
  if (it == live_.end()) return nullptr;
  if (serial != nullptr) *serial = n;
  return &it->second;
}

std::int32_t Simulator::agent_of(const std::string& id) const {
  auto it = agent_index_.find(id);
  SB_CHECK(it != agent_index_.end());
  return it->second;
}

std::int32_t Simulator::queue_of(const std::string& name) const {
  auto it = queue_index_.find(name);
  return it == queue_index_.end() ? -1 : it->second;
}

void Simulator::on_event(const Event& event) {
  std::uint64_t serial = 0;
  if (const auto* e = std::get_if<OfferCreated>(&event.body)) {
    Live* l = live_of(e->interaction.id, &serial);
    if (l == nullptr) return;
    if (l->waiting) {
      l->waiting = false;
      --waiting_now_;
    }
    l->queue = queue_of(e->interaction.queue);
    l->offer = e->offer_id;
    l->agent = agent_of(e->agent_id);
    l->held_since_us = now_us_;
    set_held(l->agent, +1);
    const AnswerBehaviour& b =
        scenario_.agents[agents_[static_cast<std::size_t>(l->agent)].group].answer;
    const Duration delay = b.delay.sample(rng_);
    const bool accept = rng_.chance(b.accept);
    Pending p{.at_us = now_us_ + delay.count(), .kind = Kind::Answer, .flag = accept};
    p.id = serial;
    p.offer = e->offer_id;
    schedule(p);
  } else if (const auto* e = std::get_if<OfferEnded>(&event.body)) {
    Live* l = live_of(e->interaction_id);
    if (l == nullptr || l->offer != e->offer_id) return;
    l->offer = 0;
    release(*l);
  } else if (const auto* e = std::get_if<InteractionQueued>(&event.body)) {
    Live* l = live_of(e->interaction_id);
    if (l == nullptr) return;
    l->queue = queue_of(e->queue);
    if (!l->waiting) {
      l->waiting = true;
      ++waiting_now_;
    }
  } else if (const auto* e = std::get_if<InteractionAssigned>(&event.body)) {
    Live* l = live_of(e->interaction_id, &serial);
    if (l == nullptr) return;
    l->offer = 0;
    const std::int32_t q = queue_of(e->queue);
    Tally* queue = q >= 0 ? &m_.queues[static_cast<std::size_t>(q)] : nullptr;
    const Duration threshold = queue != nullptr ? queue->threshold : scenario_.sla.answer_within;
    if (queue != nullptr) queue->answer(e->waited, threshold);
    if (l->legs == 0) {
      m_.total.answer(e->waited, threshold);
      bucket_.answer(e->waited, threshold);
      l->first_agent = l->agent;
      if (l->repeat) {
        ++m_.total.repeats;
        if (queue != nullptr) ++queue->repeats;
        if (l->previous_agent >= 0) {
          const bool hit = l->previous_agent == l->agent;
          ++m_.total.affinity_chances;
          m_.total.affinity_hits += hit;
          if (queue != nullptr) {
            ++queue->affinity_chances;
            queue->affinity_hits += hit;
          }
        }
      }
    }
    ++l->legs;
    const Duration handle = l->legs == 1 ? l->handle : l->second_handle;
    schedule(Pending{.at_us = now_us_ + handle.count(), .kind = Kind::Complete, .id = serial});
  } else if (const auto* e = std::get_if<InteractionAbandoned>(&event.body)) {
    Live* l = live_of(e->interaction_id, &serial);
    if (l == nullptr) return;
    if (l->waiting) --waiting_now_;
    const std::int32_t q = queue_of(e->queue);
    const Duration threshold =
        q >= 0 ? m_.queues[static_cast<std::size_t>(q)].threshold : scenario_.sla.answer_within;
    if (q >= 0) m_.queues[static_cast<std::size_t>(q)].abandon(e->waited, threshold);
    if (l->legs == 0) {
      m_.total.abandon(e->waited, threshold);
      bucket_.abandon(e->waited, threshold);
      if (l->repeat) {
        ++m_.total.repeats;
        if (q >= 0) ++m_.queues[static_cast<std::size_t>(q)].repeats;
      }
    }
    release(*l);
    ended(serial, *l);
  } else if (const auto* e = std::get_if<InteractionEnded>(&event.body)) {
    if (e->state == InteractionState::WrapUp) return;
    Live* l = live_of(e->interaction_id, &serial);
    if (l == nullptr) return;
    release(*l);
    ended(serial, *l);
  } else if (const auto* e = std::get_if<InteractionTransferred>(&event.body)) {
    Live* l = live_of(e->interaction_id);
    if (l == nullptr) return;
    const std::int32_t q = queue_of(e->from_queue);
    if (q >= 0) ++m_.queues[static_cast<std::size_t>(q)].transfers;
    ++m_.total.transfers;
    release(*l);
  } else if (const auto* e = std::get_if<AgentStateChanged>(&event.body)) {
    if (e->presence != Presence::Away || e->reason != "missed_offers") return;
    const std::int32_t a = agent_of(e->agent_id);
    AgentState& agent = agents_[static_cast<std::size_t>(a)];
    const bool before = staffed(agent);
    agent.away = true;
    staffed_now_ += staffed(agent) - before;
    const Duration back = scenario_.agents[agent.group].answer.back_after_missed;
    schedule(Pending{.at_us = now_us_ + back.count(), .kind = Kind::BackFromAway, .agent = a});
  }
}

// ---- timeline and the end

void Simulator::sample() {
  Sample s;
  s.at_s = static_cast<double>(now_us_) / 1e6;
  s.waiting = waiting_now_;
  const std::uint64_t judged = bucket_.answered + bucket_.abandoned_after;
  if (judged > 0)
    s.service_level = static_cast<double>(bucket_.answered_within) / static_cast<double>(judged);
  m_.timeline.push_back(s);
  bucket_ = Tally{};
  if (options_.progress) options_.progress(static_cast<double>(now_us_) / end_us_);
  if (now_us_ + sample_every_us_ <= end_us_) {
    schedule(Pending{.at_us = now_us_ + sample_every_us_, .kind = Kind::Sample});
  }
}

void Simulator::finish() {
  clock_to(end_us_);
  if (m_.timeline.empty() || m_.timeline.back().at_s < m_.duration_s) sample();
  for (auto& [serial, l] : live_) {
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
}

}  // namespace sb::sim
