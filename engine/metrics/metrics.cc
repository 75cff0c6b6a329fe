#include "engine/metrics/metrics.h"

#include <prometheus/text_serializer.h>

#include "engine/metrics/core_families.h"

#include <algorithm>
#include <vector>

namespace sb::metrics {

void Metrics::Total::update(std::uint64_t now) {
  if (now > seen) counter->Increment(static_cast<double>(now - seen));
  seen = now;
}

Metrics::Metrics(std::vector<std::string_view> routes)
    : registry_(std::make_shared<prometheus::Registry>()), http_(std::move(routes)) {
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
  snapshot_failures_.counter = &prometheus::BuildCounter()
                                    .Name("switchboard_journal_snapshot_failures_total")
                                    .Help(
                                        "Snapshots that could not be written (the segments they "
                                        "would cover stay, and the next snapshot tries again)")
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
  stream_sessions_ = gauge("switchboard_stream_sessions", "Open WebSocket stream sessions");
  last_snapshot_bytes_ =
      gauge("switchboard_journal_last_snapshot_bytes", "Size of the last snapshot written");
  last_snapshot_seconds_ = gauge("switchboard_journal_last_snapshot_duration_seconds",
                                 "Time the last snapshot took, on the snapshot thread");
  last_snapshot_time_ =
      gauge("switchboard_journal_last_snapshot_timestamp_seconds",
            "When the last snapshot was written (Unix time; 0: none since start)");
  slow_consumers_.counter =
      &prometheus::BuildCounter()
           .Name("switchboard_stream_slow_consumers_total")
           .Help("Stream sessions closed because they fell too far behind (1008)")
           .Register(*registry_)
           .Add({});
}

std::string Metrics::render(const EngineFigures& figures) {
  const runtime::RuntimeStats& runtime = figures.runtime;
  const Reloads reloads = figures.reloads;
  std::lock_guard lock(mutex_);
  reloads_accepted_.update(reloads.accepted);
  reloads_refused_.update(reloads.refused);
  queries_.update(runtime.queries);
  batches_.update(runtime.batches);
  events_.update(runtime.events);
  refused_.update(runtime.refused_overloaded);
  refused_journal_.update(runtime.refused_journal);
  journal_failures_.update(runtime.journal.failures);
  snapshots_.update(runtime.journal.snapshots);
  snapshot_failures_.update(runtime.journal.snapshot_failures);
  last_snapshot_bytes_->Set(static_cast<double>(runtime.journal.last_snapshot_bytes));
  last_snapshot_seconds_->Set(runtime.journal.last_snapshot_seconds);
  last_snapshot_time_->Set(runtime.journal.last_snapshot_unix_s);
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
  connections_->Set(static_cast<double>(figures.connections));
  stream_sessions_->Set(static_cast<double>(figures.stream_sessions));
  slow_consumers_.update(figures.slow_consumers);
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  http_.append_families(families);
  if (figures.core) {
    for (auto& f : core_families(*figures.core)) families.push_back(std::move(f));
  }
  // Info metrics: their labels carry the value.
  prometheus::MetricFamily build{
      "switchboard_build_info", "The running build (value 1)", prometheus::MetricType::Gauge, {}};
  prometheus::ClientMetric one;
  one.gauge.value = 1;
  one.label = {{"version", SB_VERSION}};
  build.metric.push_back(one);
  families.push_back(std::move(build));
  if (figures.policy_version > 0) {
    prometheus::MetricFamily policy{"switchboard_policy_info",
                                    "The routing policy running now (value 1)",
                                    prometheus::MetricType::Gauge,
                                    {}};
    one.label = {{"sha256", figures.policy_sha256},
                 {"version", std::to_string(figures.policy_version)}};
    policy.metric.push_back(one);
    families.push_back(std::move(policy));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace sb::metrics
