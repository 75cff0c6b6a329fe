#include "engine/sim/theory.h"

namespace sb::sim {

std::optional<QueueModel> textbook_model(const Scenario& s, bool generated_policy) {
  if (!generated_policy || s.streams.size() != 1 || s.agents.size() != 1) return std::nullopt;
  const Stream& st = s.streams[0];
  const AgentGroup& g = s.agents[0];
  const bool exponential = st.handle_time.kind == Distribution::Kind::Exponential;
  const bool patience_ok = !st.patience || st.patience->kind == Distribution::Kind::Exponential;
  const bool immediate = g.answer.accept == 1 && g.answer.delay.mean.count() == 0;
  const bool one_slot =
      g.channels.empty() || (g.channels.size() == 1 && g.channels[0].value.second == 1);
  if (!exponential || !patience_ok || !immediate || !one_slot || !st.profile.empty() ||
      !g.shifts.empty() || st.transfer || s.returns.share > 0 || g.count == 0 ||
      (s.wrap_up && s.wrap_up->count() > 0)) {
    return std::nullopt;
  }
  QueueModel m;
  m.arrivals_per_s = st.rate_per_hour / 3600;
  m.mean_handle_s = to_seconds(st.handle_time.mean);
  m.agents = g.count;
  m.mean_patience_s = st.patience ? to_seconds(st.patience->mean) : 0;
  m.answer_within_s = to_seconds(s.sla.answer_within);
  return m;
}

}  // namespace sb::sim
