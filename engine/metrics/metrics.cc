#include "engine/metrics/metrics.h"

#include <prometheus/text_serializer.h>

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
  refused_.counter = &prometheus::BuildCounter()
                          .Name("switchboard_requests_refused_total")
                          .Help("Requests refused because the core's inbound queue was full")
                          .Register(*registry_)
                          .Add({{"reason", "overloaded"}});
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
