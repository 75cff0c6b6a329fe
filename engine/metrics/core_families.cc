#include "engine/metrics/core_families.h"

#include <deque>
#include <iterator>
#include <limits>
#include <string>

#include "switchboard/command.h"

namespace sb::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using Labels = std::vector<ClientMetric::Label>;

// Families are filled after they are created, so they live in a deque: references to them
// stay valid while more are added.
class Families {
 public:
  MetricFamily& family(const char* name, const char* help, MetricType type) {
    out_.push_back(MetricFamily{name, help, type, {}});
    return out_.back();
  }
  std::vector<MetricFamily> take() {
    return {std::make_move_iterator(out_.begin()), std::make_move_iterator(out_.end())};
  }

 private:
  std::deque<MetricFamily> out_;
};

void gauge(MetricFamily& f, Labels labels, double value) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

void counter(MetricFamily& f, Labels labels, double value) {
  ClientMetric m;
  m.label = std::move(labels);
  m.counter.value = value;
  f.metric.push_back(std::move(m));
}

void histogram(MetricFamily& f, Labels labels, const HistogramData& h) {
  ClientMetric m;
  m.label = std::move(labels);
  m.histogram.sample_count = h.count;
  m.histogram.sample_sum = h.sum;
  std::uint64_t cumulative = 0;
  for (std::size_t k = 0; k < h.counts.size(); ++k) {
    cumulative += h.counts[k];
    const double bound =
        k < h.bounds.size() ? h.bounds[k] : std::numeric_limits<double>::infinity();
    m.histogram.bucket.push_back(ClientMetric::Bucket{cumulative, bound});
  }
  f.metric.push_back(std::move(m));
}

void queue_channel_families(Families& out, const StatsSnapshot& s) {
  auto& waiting = out.family("switchboard_queue_waiting", "Interactions waiting in the queue now",
                             MetricType::Gauge);
  auto& oldest = out.family("switchboard_queue_oldest_wait_seconds",
                            "Wait of the longest-waiting interaction now", MetricType::Gauge);
  auto& entered = out.family("switchboard_queue_entered_total",
                             "Interactions that entered the queue", MetricType::Counter);
  auto& answered =
      out.family("switchboard_queue_answered_total",
                 "Interactions answered (offer accepted) from the queue", MetricType::Counter);
  auto& abandoned =
      out.family("switchboard_queue_abandoned_total",
                 "Interactions the customer abandoned while they waited", MetricType::Counter);
  auto& transferred =
      out.family("switchboard_queue_transferred_total",
                 "Interactions transferred away from the queue", MetricType::Counter);
  auto& overflowed =
      out.family("switchboard_queue_overflowed_total",
                 "Interactions moved on to the queue's overflow", MetricType::Counter);
  auto& wait = out.family("switchboard_queue_wait_seconds",
                          "Wait in the queue, of answered and of abandoned interactions",
                          MetricType::Histogram);
  auto& level = out.family("switchboard_queue_service_level",
                           "Answered within the threshold / (answered + abandoned after it), "
                           "over the rolling window",
                           MetricType::Gauge);
  auto& asa =
      out.family("switchboard_queue_average_speed_of_answer_seconds",
                 "Mean wait of the interactions answered in the rolling window", MetricType::Gauge);
  auto& handle =
      out.family("switchboard_handle_time_seconds",
                 "Handle time: offer accepted to completion (or hang-up)", MetricType::Histogram);
  auto& wrap_up = out.family("switchboard_wrap_up_time_seconds", "Wrap-up time after completion",
                             MetricType::Histogram);
  for (const QueueChannelStats& c : s.queue_channels) {
    const Labels labels{{"channel", c.channel}, {"queue", c.queue}};
    gauge(waiting, labels, c.waiting);
    gauge(oldest, labels, to_seconds(c.oldest_wait));
    counter(entered, labels, static_cast<double>(c.entered));
    counter(answered, labels, static_cast<double>(c.answered));
    counter(abandoned, labels, static_cast<double>(c.abandoned));
    counter(transferred, labels, static_cast<double>(c.transferred));
    counter(overflowed, labels, static_cast<double>(c.overflowed));
    // A histogram's series appear with its first observation: a queue on a channel without
    // wrap-up, or that never lost a customer, does not carry empty buckets on every scrape.
    if (c.wait_answered.count > 0) {
      histogram(wait, {{"channel", c.channel}, {"outcome", "answered"}, {"queue", c.queue}},
                c.wait_answered);
    }
    if (c.wait_abandoned.count > 0) {
      histogram(wait, {{"channel", c.channel}, {"outcome", "abandoned"}, {"queue", c.queue}},
                c.wait_abandoned);
    }
    if (c.service_level) gauge(level, labels, *c.service_level);
    if (c.average_speed_of_answer_s) gauge(asa, labels, *c.average_speed_of_answer_s);
    if (c.handle_time.count > 0) histogram(handle, labels, c.handle_time);
    if (c.wrap_up_time.count > 0) histogram(wrap_up, labels, c.wrap_up_time);
  }
}

void queue_families(Families& out, const StatsSnapshot& s) {
  auto& target = out.family("switchboard_queue_service_level_target",
                            "The queue's service-level target (0-1)", MetricType::Gauge);
  auto& threshold = out.family("switchboard_queue_service_level_threshold_seconds",
                               "The queue's answer-within threshold", MetricType::Gauge);
  auto& below = out.family("switchboard_queue_below_target",
                           "1 while the queue is announced below its service-level target",
                           MetricType::Gauge);
  auto& estimated = out.family("switchboard_queue_estimated_wait_seconds",
                               "Estimated wait for a new arrival", MetricType::Gauge);
  auto& eligible = out.family("switchboard_queue_agents_eligible",
                              "Logged-in agents who may take the interaction at the head of "
                              "the queue (with nothing waiting: free agents for a new arrival)",
                              MetricType::Gauge);
  auto& timeouts =
      out.family("switchboard_preferred_agent_timeouts_total",
                 "Preferred-agent waits that ended without that agent", MetricType::Counter);
  auto& breaches =
      out.family("switchboard_sla_breaches_total",
                 "Interactions that waited past the queue's threshold", MetricType::Counter);
  for (const QueueStats& q : s.queues) {
    const Labels labels{{"queue", q.name}};
    if (q.active) {
      gauge(target, labels, q.sla_target);
      gauge(threshold, labels, to_seconds(q.sla_threshold));
      gauge(below, labels, q.below_target ? 1 : 0);
      gauge(eligible, labels, q.agents_eligible);
      if (q.estimated_wait) gauge(estimated, labels, to_seconds(*q.estimated_wait));
    }
    counter(timeouts, labels, static_cast<double>(q.preferred_agent_timeouts));
    counter(breaches, labels, static_cast<double>(q.sla_breaches));
  }
}

void channel_families(Families& out, const StatsSnapshot& s) {
  auto& agents =
      out.family("switchboard_agents", "Agents who take the channel, by state", MetricType::Gauge);
  auto& occupancy =
      out.family("switchboard_agent_occupancy",
                 "Busy / (available + busy + wrap-up) agents on the channel", MetricType::Gauge);
  auto& offers =
      out.family("switchboard_offers_total", "Offers to agents, by result", MetricType::Counter);
  auto& repeats = out.family("switchboard_repeat_contacts_total",
                             "Contacts by a customer on the same intent within the repeat window",
                             MetricType::Counter);
  auto& affinity = out.family("switchboard_affinity_hits_total",
                              "Interactions answered by an agent who served the customer before",
                              MetricType::Counter);
  auto& bots = out.family("switchboard_bot_escalations_total",
                          "Interactions transferred away from a bot that was handling them",
                          MetricType::Counter);
  auto& resolutions = out.family("switchboard_resolutions_total",
                                 "Journeys closed as resolved, by the resolving contact's channel",
                                 MetricType::Counter);
  auto& fcr = out.family("switchboard_first_contact_resolutions_total",
                         "Journeys resolved by their first contact (no repeat in the window)",
                         MetricType::Counter);
  auto& transfers = out.family("switchboard_transfers_per_interaction",
                               "Transfers an interaction went through, observed when it ended",
                               MetricType::Histogram);
  for (const ChannelStats& c : s.channels) {
    const Labels labels{{"channel", c.channel}};
    for (std::size_t b = 0; b < c.agents.size(); ++b) {
      gauge(agents, {{"channel", c.channel}, {"state", kAgentBucketNames[b]}}, c.agents[b]);
    }
    gauge(occupancy, labels, c.occupancy);
    for (std::size_t r = 0; r < c.offers.size(); ++r) {
      counter(offers, {{"channel", c.channel}, {"result", kOfferResultNames[r]}},
              static_cast<double>(c.offers[r]));
    }
    counter(repeats, labels, static_cast<double>(c.repeat_contacts));
    counter(affinity, labels, static_cast<double>(c.affinity_hits));
    counter(bots, labels, static_cast<double>(c.bot_escalations));
    counter(resolutions, labels, static_cast<double>(c.resolutions));
    counter(fcr, labels, static_cast<double>(c.first_contact_resolutions));
    histogram(transfers, labels, c.transfers_per_interaction);
  }
  auto& switches = out.family("switchboard_channel_switches_total",
                              "Repeat contacts that came on another channel than the previous one",
                              MetricType::Counter);
  for (const ChannelSwitchStats& sw : s.channel_switches) {
    counter(switches, {{"from", sw.from}, {"to", sw.to}}, static_cast<double>(sw.count));
  }
}

void journey_families(Families& out, const JourneyStats& j) {
  auto& journeys = out.family("switchboard_journeys_total",
                              "Journeys closed (the repeat window passed after the last contact)",
                              MetricType::Counter);
  counter(journeys, {{"result", "resolved"}}, static_cast<double>(j.resolved));
  counter(journeys, {{"result", "unresolved"}}, static_cast<double>(j.unresolved));
  counter(out.family("switchboard_journeys_autonomous_total",
                     "Journeys resolved with no human agent on any contact", MetricType::Counter),
          {}, static_cast<double>(j.autonomous));
  histogram(out.family("switchboard_journey_contacts", "Contacts per closed journey",
                       MetricType::Histogram),
            {}, j.contacts);
  histogram(out.family("switchboard_journey_channel_switches",
                       "Channel switches per closed journey", MetricType::Histogram),
            {}, j.channel_switches);
  histogram(out.family("switchboard_journey_resolution_seconds",
                       "Time from a journey's first contact to its resolution, across channels",
                       MetricType::Histogram),
            {}, j.resolution_time);
}

void engine_families(Families& out, const runtime::CoreReport& r) {
  const StatsSnapshot& s = r.stats;
  counter(out.family("switchboard_agents_set_away_total",
                     "Agents set away after too many missed offers", MetricType::Counter),
          {}, static_cast<double>(s.agents_set_away));
  histogram(out.family("switchboard_routing_decision_seconds",
                       "Time of one routing decision in the core (finding the best agent, or "
                       "the best waiting interaction for a freed agent)",
                       MetricType::Histogram),
            {}, s.decision_time);
  auto& commands =
      out.family("switchboard_commands_total",
                 "Commands the routing core applied or rejected, by command", MetricType::Counter);
  for (std::size_t k = 0; k < s.commands_applied.size(); ++k) {
    counter(commands, {{"command", std::string(kCommandNames[k])}, {"result", "applied"}},
            static_cast<double>(s.commands_applied[k]));
    counter(commands, {{"command", std::string(kCommandNames[k])}, {"result", "rejected"}},
            static_cast<double>(s.commands_rejected[k]));
  }
  const core::CoreCounts& c = r.counts;
  gauge(
      out.family("switchboard_agents_known", "Agents known to the routing core", MetricType::Gauge),
      {}, static_cast<double>(c.agents));
  gauge(
      out.family("switchboard_customers", "Customers with a journey in memory", MetricType::Gauge),
      {}, static_cast<double>(c.customers));
  gauge(out.family("switchboard_timers", "Pending timers (offers, steps, wrap-ups, SLA)",
                   MetricType::Gauge),
        {}, static_cast<double>(c.timers));
  gauge(out.family("switchboard_interactions_retained",
                   "Ended interactions kept for idempotent retries and reads", MetricType::Gauge),
        {}, static_cast<double>(c.retained_interactions));
  auto& live =
      out.family("switchboard_interactions", "Live interactions, by state", MetricType::Gauge);
  gauge(live, {{"state", "queued"}}, static_cast<double>(c.waiting));
  gauge(live, {{"state", "offered"}}, static_cast<double>(c.offered));
  gauge(live, {{"state", "assigned"}}, static_cast<double>(c.assigned));
  gauge(live, {{"state", "wrap_up"}}, static_cast<double>(c.wrap_up));
  gauge(out.family("switchboard_core_report_timestamp_seconds",
                   "Core time (Unix seconds) of these figures: time() minus this is their age",
                   MetricType::Gauge),
        {}, to_seconds(Duration{s.at.us}));
}

}  // namespace

std::vector<MetricFamily> core_families(const runtime::CoreReport& report) {
  Families out;
  queue_channel_families(out, report.stats);
  queue_families(out, report.stats);
  channel_families(out, report.stats);
  journey_families(out, report.stats.journeys);
  engine_families(out, report);
  return out.take();
}

}  // namespace sb::metrics
