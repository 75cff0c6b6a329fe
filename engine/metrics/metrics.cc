#include "engine/metrics/metrics.h"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <vector>

namespace sb::metrics {

void Metrics::Total::update(std::uint64_t now) {
  if (now > seen) counter->Increment(static_cast<double>(now - seen));
  seen = now;
}

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  auto& commands = prometheus::BuildCounter()
                       .Name("switchboard_commands_total")
                       .Help("Commands the routing core applied, by result")
                       .Register(*registry_);
  applied_.counter = &commands.Add({{"result", "applied"}});
  rejected_.counter = &commands.Add({{"result", "rejected"}});
  queries_.counter = &prometheus::BuildCounter()
                          .Name("switchboard_queries_total")
                          .Help("Read queries the routing core answered")
                          .Register(*registry_)
                          .Add({});
  batches_.counter = &prometheus::BuildCounter()
                          .Name("switchboard_core_batches_total")
                          .Help("Batches the core thread applied and published")
                          .Register(*registry_)
                          .Add({});
  events_.counter = &prometheus::BuildCounter()
                         .Name("switchboard_events_total")
                         .Help("Events the routing core emitted")
                         .Register(*registry_)
                         .Add({});
  auto& refused = prometheus::BuildCounter()
                      .Name("switchboard_requests_refused_total")
                      .Help(
                          "Requests refused: the core's inbound queue was full (overloaded), or "
                          "the journal could not take the command (journal_unavailable)")
                      .Register(*registry_);
  refused_.counter = &refused.Add({{"reason", "overloaded"}});
  refused_journal_.counter = &refused.Add({{"reason", "journal_unavailable"}});
  fsync_ = &prometheus::BuildHistogram()
                .Name("switchboard_journal_fsync_seconds")
                .Help("Time of each fdatasync of the journal (one per batch with fsync: always)")
                .Register(*registry_)
                .Add({}, prometheus::Histogram::BucketBoundaries(journal::kFsyncBuckets.begin(),
                                                                 journal::kFsyncBuckets.end()));
  journal_failures_.counter = &prometheus::BuildCounter()
                                   .Name("switchboard_journal_failures_total")
                                   .Help("Journal writes or fsyncs that failed")
                                   .Register(*registry_)
                                   .Add({});
  snapshots_.counter = &prometheus::BuildCounter()
                            .Name("switchboard_journal_snapshots_total")
                            .Help("Snapshots written")
                            .Register(*registry_)
                            .Add({});
  auto& reloads =
      prometheus::BuildCounter()
          .Name("switchboard_policy_reloads_total")
          .Help("Policy reload attempts (start-up, SIGHUP, file change, API), by result")
          .Register(*registry_);
  reloads_accepted_.counter = &reloads.Add({{"result", "accepted"}});
  reloads_refused_.counter = &reloads.Add({{"result", "refused"}});
  auto gauge = [&](const char* name, const char* help) {
    return &prometheus::BuildGauge().Name(name).Help(help).Register(*registry_).Add({});
  };
  inbound_ = gauge("switchboard_inbound_queue_depth", "Requests waiting for the core thread");
  connections_ = gauge("switchboard_connections", "Open HTTP and WebSocket connections");
  journal_healthy_ = gauge("switchboard_journal_writable",
                           "1 while the journal takes commands, 0 while they are refused");
  agents_ = gauge("switchboard_agents", "Agents known to the routing core");
  customers_ = gauge("switchboard_customers", "Customers with a journey in memory");
  timers_ = gauge("switchboard_timers", "Pending timers (offers, steps, wrap-ups, SLA)");
  retained_ = gauge("switchboard_interactions_retained",
                    "Ended interactions kept for idempotent retries and reads");
  auto& live = prometheus::BuildGauge()
                   .Name("switchboard_interactions")
                   .Help("Live interactions, by state")
                   .Register(*registry_);
  waiting_ = &live.Add({{"state", "queued"}});
  offered_ = &live.Add({{"state", "offered"}});
  assigned_ = &live.Add({{"state", "assigned"}});
  wrap_up_ = &live.Add({{"state", "wrap_up"}});
}

std::string Metrics::render(const core::CoreCounts& core, const runtime::RuntimeStats& runtime,
                            std::size_t connections, Reloads reloads) {
  std::lock_guard lock(mutex_);
  reloads_accepted_.update(reloads.accepted);
  reloads_refused_.update(reloads.refused);
  applied_.update(runtime.commands_applied);
  rejected_.update(runtime.commands_rejected);
  queries_.update(runtime.queries);
  batches_.update(runtime.batches);
  events_.update(runtime.events);
  refused_.update(runtime.refused_overloaded);
  refused_journal_.update(runtime.refused_journal);
  journal_failures_.update(runtime.journal.failures);
  snapshots_.update(runtime.journal.snapshots);
  journal_healthy_->Set(runtime.journal.healthy ? 1 : 0);
  // The histogram is fed what grew since the last scrape.
  std::vector<double> increments(fsync_seen_.size());
  bool grew = false;
  for (std::size_t b = 0; b < fsync_seen_.size(); ++b) {
    const std::uint64_t now = runtime.journal.fsync_buckets[b];
    increments[b] = now > fsync_seen_[b] ? static_cast<double>(now - fsync_seen_[b]) : 0;
    grew = grew || now > fsync_seen_[b];
    fsync_seen_[b] = std::max(fsync_seen_[b], now);
  }
  if (grew) {
    fsync_->ObserveMultiple(increments, runtime.journal.fsync_sum_s - fsync_sum_seen_);
    fsync_sum_seen_ = runtime.journal.fsync_sum_s;
  }
  inbound_->Set(static_cast<double>(runtime.inbound));
  connections_->Set(static_cast<double>(connections));
  agents_->Set(static_cast<double>(core.agents));
  customers_->Set(static_cast<double>(core.customers));
  timers_->Set(static_cast<double>(core.timers));
  retained_->Set(static_cast<double>(core.retained_interactions));
  waiting_->Set(static_cast<double>(core.waiting));
  offered_->Set(static_cast<double>(core.offered));
  assigned_->Set(static_cast<double>(core.assigned));
  wrap_up_->Set(static_cast<double>(core.wrap_up));
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace sb::metrics
