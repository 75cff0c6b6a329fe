#include "engine/sim/kpis.h"

#include <algorithm>
#include <cmath>

namespace sb::sim {
namespace {

// The nearest-rank percentile of sorted values.
std::optional<double> percentile(const std::vector<float>& sorted, double p) {
  if (sorted.empty()) return std::nullopt;
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

QueueFigures of(Tally& t, double staffed_agent_s) {
  QueueFigures f;
  f.name = t.name;
  f.offered = t.offered();
  f.answered = t.answered;
  f.abandoned = t.abandoned;
  f.waiting_at_end = t.waiting_at_end;
  f.abandoned_share =
      f.offered > 0 ? static_cast<double>(t.abandoned) / static_cast<double>(f.offered) : 0;
  f.threshold_s = to_seconds(t.threshold);
  f.target = t.target;
  const std::uint64_t judged = t.answered + t.abandoned_after;
  if (judged > 0)
    f.service_level = static_cast<double>(t.answered_within) / static_cast<double>(judged);
  if (t.answered > 0) f.asa_s = t.wait_answered_s / static_cast<double>(t.answered);
  std::sort(t.waits_s.begin(), t.waits_s.end());
  f.wait_p50_s = percentile(t.waits_s, 0.50);
  f.wait_p80_s = percentile(t.waits_s, 0.80);
  f.wait_p90_s = percentile(t.waits_s, 0.90);
  f.wait_p95_s = percentile(t.waits_s, 0.95);
  f.wait_p99_s = percentile(t.waits_s, 0.99);
  f.occupancy = staffed_agent_s > 0 ? t.held_agent_s / staffed_agent_s : 0;
  if (t.affinity_chances > 0) {
    f.affinity_hit_rate =
        static_cast<double>(t.affinity_hits) / static_cast<double>(t.affinity_chances);
  }
  f.repeat_contact_rate =
      f.offered > 0 ? static_cast<double>(t.repeats) / static_cast<double>(f.offered) : 0;
  f.transfers = t.transfers;
  return f;
}

}  // namespace

void Tally::answer(Duration waited, Duration threshold) {
  ++answered;
  if (waited <= threshold) ++answered_within;
  const double w = to_seconds(waited);
  wait_answered_s += w;
  waits_s.push_back(static_cast<float>(w));
}

void Tally::abandon(Duration waited, Duration threshold) {
  ++abandoned;
  if (waited > threshold) ++abandoned_after;
}

Figures figures(Measurements m) {
  Figures f;
  f.total = of(m.total, m.staffed_agent_s);
  f.total.occupancy = m.staffed_agent_s > 0 ? m.busy_agent_s / m.staffed_agent_s : 0;
  for (Tally& q : m.queues) f.queues.push_back(of(q, m.staffed_agent_s));
  f.created = m.created;
  f.unrouted = m.unrouted;
  f.refused = m.refused;
  f.commands = m.commands;
  f.duration_s = m.duration_s;
  f.staffed_agent_h = m.staffed_agent_s / 3600;
  return f;
}

}  // namespace sb::sim
