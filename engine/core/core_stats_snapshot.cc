// Core::stats(): the measurements as plain data, with the gauges that are read off the live
// state (waiting, oldest wait, agents by state, eligible agents) computed now.
#include <algorithm>

#include "engine/core/core.h"

namespace sb::core {
namespace {

AgentBucket bucket_of(const Agent& agent, const ChannelSlots& slots) {
  if (agent.presence == Presence::Offline) return AgentBucket::Offline;
  if (agent.presence == Presence::Away) return AgentBucket::Away;
  if (agent.wrap_ups > 0) return AgentBucket::WrapUp;
  return slots.load > 0 ? AgentBucket::Busy : AgentBucket::Available;
}

}  // namespace

StatsSnapshot Core::stats(bool recount_eligible) const {
  StatsSnapshot s;
  s.at = now_;
  const Duration window = policy_ ? policy_->source->monitoring.service_level_window
                                  : MonitoringPolicy{}.service_level_window;
  s.service_level_window = window;

  // The oldest waiting interaction of each (queue, channel), and of each queue.
  struct Oldest {
    Timestamp queued_at;
    InteractionIndex interaction = kNone;
  };
  std::unordered_map<std::uint64_t, Timestamp> oldest_by_cell;
  std::vector<Oldest> head(queue_runtimes_.size());
  if (policy_) {
    const std::size_t channels = policy_->channels.size();
    for (const LinkedQueue& lq : policy_->queues) {
      for (std::size_t set = 0; set < lq.steps.size() * channels; ++set) {
        const Symbol channel = policy_->channels[set % channels].name;
        for (const WaitKey& key : waiting_[lq.waiting_offset + set]) {
          const Interaction& it = interactions_[key.interaction];
          const std::uint64_t cell = (std::uint64_t{lq.runtime} << 32) | channel;
          auto [at, added] = oldest_by_cell.try_emplace(cell, it.queued_at);
          if (!added) at->second = std::min(at->second, it.queued_at);
          Oldest& h = head[lq.runtime];
          if (h.interaction == kNone || it.queued_at < h.queued_at)
            h = {it.queued_at, key.interaction};
        }
      }
    }
  }

  for (const QueueChannelCell& c : stats_.cells()) {
    QueueChannelStats out;
    out.queue = symbols_.name(queue_runtimes_[c.queue].name);
    out.channel = symbols_.name(c.channel);
    out.waiting = c.waiting;
    if (auto at = oldest_by_cell.find((std::uint64_t{c.queue} << 32) | c.channel);
        at != oldest_by_cell.end()) {
      out.oldest_wait = now_ - at->second;
    }
    out.entered = c.entered;
    out.answered = c.answered;
    out.abandoned = c.abandoned;
    out.transferred = c.transferred;
    out.overflowed = c.overflowed;
    out.wait_answered = c.wait_answered;
    out.wait_abandoned = c.wait_abandoned;
    out.handle_time = c.handle_time;
    out.wrap_up_time = c.wrap_up_time;
    const RollingWindow::Totals totals = c.window.totals(now_, window);
    out.service_level = RollingWindow::service_level(totals);
    if (totals.answered > 0) {
      out.average_speed_of_answer_s = totals.wait_answered_s / static_cast<double>(totals.answered);
    }
    s.queue_channels.push_back(std::move(out));
  }

  const bool refresh_eligible =
      recount_eligible || eligible_cache_.size() != queue_runtimes_.size();
  if (refresh_eligible) eligible_cache_.assign(queue_runtimes_.size(), 0);
  for (QueueIndex qi = 0; qi < queue_runtimes_.size(); ++qi) {
    const QueueRuntime& q = queue_runtimes_[qi];
    QueueStats out;
    out.name = symbols_.name(q.name);
    out.active = q.policy_index >= 0;
    out.sla_breaches = q.sla_breaches;
    if (qi < stats_.queues().size()) {
      const QueueCell& cell = stats_.queues()[qi];
      out.service_level = RollingWindow::service_level(cell.window.totals(now_, window));
      out.below_target = cell.below_target;
      out.preferred_agent_timeouts = cell.preferred_agent_timeouts;
    }
    const double rate = q.service_rate(now_, std::chrono::minutes(15));
    if (rate > 0) out.estimated_wait = seconds((q.waiting + 1) / rate);
    if (out.active) {
      const LinkedQueue& lq = policy_->queues[static_cast<std::size_t>(q.policy_index)];
      out.sla_target = lq.sla.target;
      out.sla_threshold = lq.sla.answer_within;
      // Counting eligible agents evaluates every agent against the head of the queue: the
      // caller says when it is worth it; meanwhile the last count stands.
      if (refresh_eligible) {
        std::uint32_t eligible = 0;
        if (head[qi].interaction != kNone) {
          const Interaction& it = interactions_[head[qi].interaction];
          for (AgentIndex a = 0; a < agents_.size(); ++a) {
            const Agent& agent = agents_[a];
            if (agent.presence == Presence::Offline || agent.presence == Presence::Away) continue;
            if (agent.slots[it.channel_index].capacity == 0) continue;
            if (eligible_any_step(agent, a, it, lq)) ++eligible;
          }
        } else {
          for (std::uint32_t ch = 0; ch < policy_->channels.size(); ++ch) {
            for (const AgentClass& cls : pools_.pool(pools_.pool_id(lq.pool_group, ch)).classes) {
              eligible += cls.count;
            }
          }
        }
        eligible_cache_[qi] = eligible;
      }
      out.agents_eligible = eligible_cache_[qi];
    }
    s.queues.push_back(std::move(out));
  }

  // Channels: the policy's, then any that only history knows.
  auto channel_out = [&](Symbol channel) -> ChannelStats& {
    const std::string name = symbols_.name(channel);
    for (ChannelStats& c : s.channels) {
      if (c.channel == name) return c;
    }
    s.channels.emplace_back();
    s.channels.back().channel = name;
    return s.channels.back();
  };
  if (policy_) {
    for (std::size_t ch = 0; ch < policy_->channels.size(); ++ch) {
      ChannelStats& out = channel_out(policy_->channels[ch].name);
      for (const Agent& agent : agents_) {
        if (ch >= agent.slots.size() || agent.slots[ch].capacity == 0) continue;
        ++out.agents[static_cast<std::size_t>(bucket_of(agent, agent.slots[ch]))];
      }
      const auto& a = out.agents;
      const std::uint32_t staffed = a[static_cast<std::size_t>(AgentBucket::Available)] +
                                    a[static_cast<std::size_t>(AgentBucket::Busy)] +
                                    a[static_cast<std::size_t>(AgentBucket::WrapUp)];
      if (staffed > 0) {
        out.occupancy =
            static_cast<double>(a[static_cast<std::size_t>(AgentBucket::Busy)]) / staffed;
      }
    }
  }
  for (const ChannelCell& c : stats_.channels()) {
    ChannelStats& out = channel_out(c.channel);
    out.offers = c.offers;
    out.repeat_contacts = c.repeat_contacts;
    out.affinity_hits = c.affinity_hits;
    out.bot_escalations = c.bot_escalations;
    out.resolutions = c.resolutions;
    out.first_contact_resolutions = c.first_contact_resolutions;
    out.transfers_per_interaction = c.transfers_per_interaction;
  }

  for (const auto& [key, count] : stats_.switches()) {
    s.channel_switches.push_back(ChannelSwitchStats{symbols_.name(CoreStats::switch_from(key)),
                                                    symbols_.name(CoreStats::switch_to(key)),
                                                    count});
  }
  std::sort(s.channel_switches.begin(), s.channel_switches.end(),
            [](const ChannelSwitchStats& a, const ChannelSwitchStats& b) {
              return std::tie(a.from, a.to) < std::tie(b.from, b.to);
            });
  s.journeys = stats_.journeys;
  s.agents_set_away = stats_.agents_set_away;
  s.decision_time = stats_.decision_time;
  s.commands_applied = stats_.commands_applied();
  s.commands_rejected = stats_.commands_rejected();
  return s;
}

}  // namespace sb::core
