// Measurements: the core tells CoreStats what happened, at the points where it happens, and
// raises the events that watch the figures (queue service level, sentiment drops). Nothing
// here changes routing state.
#include <algorithm>
#include <cmath>

#include "engine/core/core.h"

namespace sb::core {

Duration Core::repeat_window() const {
  const JourneyPolicy& journey = policy_->source->journey;
  return std::min(journey.repeat_window, journey.lookback);
}

void Core::observe_contact(Interaction& it, Contact& contact) {
  contact.journey_start = now_;
  const Customer* customer = customer_of(it);
  if (customer == nullptr) return;
  // The customer's latest contact on the same intent, if this one continues its journey.
  for (auto k = customer->contacts.rbegin(); k != customer->contacts.rend(); ++k) {
    if (k->intent != contact.intent) continue;
    const bool live = k->ended_at.us == 0;
    if (!live && now_ - k->ended_at > repeat_window()) break;
    ChannelCell& channel = stats_.channel(it.channel);
    ++channel.repeat_contacts;
    contact.journey_start = k->journey_start;
    contact.journey_contacts =
        static_cast<std::uint16_t>(std::min<std::uint32_t>(k->journey_contacts + 1u, 0xFFFFu));
    contact.journey_switches = k->journey_switches;
    contact.journey_human = k->journey_human;
    if (k->channel != it.channel) {
      stats_.channel_switch(k->channel, it.channel);
      ++contact.journey_switches;
    }
    break;
  }
}

void Core::observe_outcome(const Interaction& it, bool answered, Duration waited,
                           std::vector<Event>& events) {
  const QueueRuntime& runtime = queue_runtimes_[it.queue];
  const std::int32_t pq = runtime.policy_index;
  const Duration threshold =
      pq >= 0 ? policy_->queues[static_cast<std::size_t>(pq)].sla.answer_within : Duration{0};
  const bool within = waited <= threshold;
  const MonitoringPolicy& monitoring = policy_->source->monitoring;
  const Duration window = monitoring.service_level_window;
  QueueChannelCell& cell = stats_.cell(it.queue, it.channel);
  if (answered) {
    ++cell.answered;
    cell.wait_answered.observe(to_seconds(waited));
  } else {
    ++cell.abandoned;
    cell.wait_abandoned.observe(to_seconds(waited));
  }
  cell.window.add(now_, window, within, answered, waited);

  QueueCell& queue = stats_.queue(it.queue);
  queue.window.add(now_, window, within, answered, waited);
  if (pq < 0) return;
  const RollingWindow::Totals totals = queue.window.totals(now_, window);
  const std::optional<double> level = RollingWindow::service_level(totals);
  const std::uint64_t samples = totals.answered + totals.late_abandoned;
  if (!level) return;
  const double target = policy_->queues[static_cast<std::size_t>(pq)].sla.target;
  const bool below = samples >= monitoring.service_level_min_samples && *level < target;
  // Recovery needs the target met again; too few samples keep the last announcement.
  const bool recovered = *level >= target;
  if ((below && !queue.below_target) || (recovered && queue.below_target)) {
    queue.below_target = below;
    events.push_back(Event{now_, QueueServiceLevel{symbols_.name(runtime.name), below, *level,
                                                   target, window, samples}});
  }
}

void Core::observe_offer(const Interaction& it, OfferResult result) {
  ++stats_.channel(it.channel).offers[static_cast<std::size_t>(result)];
}

void Core::observe_waiting(const Interaction& it, int delta) {
  std::uint32_t& waiting = stats_.cell(it.queue, it.channel).waiting;
  waiting = static_cast<std::uint32_t>(static_cast<std::int64_t>(waiting) + delta);
}

void Core::observe_answer_agent(const Interaction& it) {
  const Agent& agent = agents_[it.agent];
  const Customer* customer = customer_of(it);
  if (customer == nullptr) return;
  for (const Contact& k : customer->contacts) {
    if (k.seq == it.journey_seq) continue;
    if (k.agent == it.agent) {
      ++stats_.channel(it.channel).affinity_hits;
      break;
    }
  }
  if (agent.kind == AgentKind::Human) {
    if (Contact* contact = journeys_.find_contact(it.customer, it.customer_id, it.journey_seq))
      contact->journey_human = true;
  }
}

void Core::observe_end(const Interaction& it) {
  stats_.channel(it.channel).transfers_per_interaction.observe(it.transfers);
  if (it.customer != kNone && it.journey_seq != 0) {
    stats_.pending_closes.push_back(
        PendingClose{now_ + repeat_window(), it.customer, it.journey_seq});
  }
}

void Core::observe_sentiment(const Interaction& it, double before, std::vector<Event>& events) {
  if (it.sentiment >= before) return;
  const std::int32_t pq = queue_runtimes_[it.queue].policy_index;
  if (pq < 0) return;
  const double threshold = policy_->queues[static_cast<std::size_t>(pq)].sentiment.threshold;
  const char* reason = nullptr;
  if (before > threshold && it.sentiment <= threshold) {
    reason = "below_threshold";
  } else if (before - it.sentiment >= policy_->source->monitoring.sentiment_drop - 1e-9) {
    reason = "sharp_drop";
  }
  if (reason == nullptr) return;
  const bool with_agent =
      it.state == InteractionState::Offered || it.state == InteractionState::Assigned;
  events.push_back(Event{now_, SentimentDrop{it.id, symbols_.name(queue_runtimes_[it.queue].name),
                                             with_agent ? agent_id(it.agent) : std::string(),
                                             before, it.sentiment, threshold, reason}});
}

void Core::close_journeys() {
  auto& pending = stats_.pending_closes;
  while (!pending.empty() && pending.front().due <= now_) {
    const PendingClose close = pending.front();
    pending.pop_front();
    const Customer* customer = journeys_.in_slot(close.customer);
    if (customer == nullptr) continue;  // evicted: its journeys are not measured
    const Contact* last = nullptr;
    bool continued = false;
    for (const Contact& k : customer->contacts) {
      if (last == nullptr) {
        if (k.seq == close.contact_seq) last = &k;
      } else if (k.intent == last->intent) {
        continued = true;  // a repeat came: the journey goes on with it
        break;
      }
    }
    if (last == nullptr || continued || last->ended_at.us == 0) continue;
    JourneyStats& j = stats_.journeys;
    j.contacts.observe(last->journey_contacts);
    j.channel_switches.observe(last->journey_switches);
    if (last->outcome == resolved_) {
      ++j.resolved;
      j.resolution_time.observe(to_seconds(last->ended_at - last->journey_start));
      if (!last->journey_human) ++j.autonomous;
      ChannelCell& channel = stats_.channel(last->channel);
      ++channel.resolutions;
      if (last->journey_contacts == 1) ++channel.first_contact_resolutions;
    } else {
      ++j.unresolved;
    }
  }
}

}  // namespace sb::core
