#include "engine/sim/erlang.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace sb::sim {
namespace {

// The stationary distribution of the M/M/c+M chain, truncated where negligible, computed in
// log space so that large centres (hundreds of Erlangs) neither overflow nor underflow.
std::vector<double> stationary(double lambda, double mu, double theta, std::uint32_t c) {
  std::vector<double> log_p{0.0};
  double max_log = 0;
  constexpr std::size_t kMaxStates = 10'000'000;
  for (std::size_t n = 1; n < kMaxStates; ++n) {
    const double busy = static_cast<double>(std::min<std::size_t>(n, c));
    const double queued = static_cast<double>(n > c ? n - c : 0);
    const double death = busy * mu + queued * theta;
    const double l = log_p.back() + std::log(lambda) - std::log(death);
    log_p.push_back(l);
    max_log = std::max(max_log, l);
    if (n > c && death > lambda && l < max_log - 40) break;
  }
  std::vector<double> p(log_p.size());
  double sum = 0;
  for (std::size_t n = 0; n < p.size(); ++n) sum += p[n] = std::exp(log_p[n] - max_log);
  for (double& x : p) x /= sum;
  return p;
}

struct Absorbed {
  double served = 0;     // served with a wait of at most t
  double abandoned = 0;  // abandoned with a wait of at most t
};

// A tagged customer who arrives with j customers waiting ahead of it moves j -> j-1 at rate
// c mu + j theta (the one ahead is served or abandons), is served from j = 0 at rate c mu, and
// abandons at rate theta. Uniformisation gives the probability of each end by time t.
Absorbed by_time(const std::vector<double>& start, double c_mu, double theta, double t) {
  const std::size_t k = start.size();
  const double rate = c_mu + static_cast<double>(k) * theta + theta;
  const double x = rate * t;
  std::vector<double> v = start;
  std::vector<double> next(k);
  double served = 0, abandoned = 0;
  Absorbed out;
  const auto last = static_cast<std::size_t>(x + 12 * std::sqrt(x) + 30);
  for (std::size_t m = 0; m <= last; ++m) {
    const double w = std::exp(-x + static_cast<double>(m) * std::log(std::max(x, 1e-300)) -
                              std::lgamma(m + 1.0));
    out.served += w * served;
    out.abandoned += w * abandoned;
    // One uniformised step.
    for (std::size_t j = 0; j < k; ++j) {
      const double down = (c_mu + static_cast<double>(j) * theta) / rate;
      const double leave = theta / rate;
      const double moved = v[j] * down;
      abandoned += v[j] * leave;
      if (j == 0) {
        served += moved;
      } else {
        next[j - 1] += moved;
      }
      next[j] += v[j] * (1 - down - leave);
    }
    v.swap(next);
    std::fill(next.begin(), next.end(), 0.0);
  }
  return out;
}

}  // namespace

double erlang_b(double erlangs, std::uint32_t agents) {
  double b = 1;
  for (std::uint32_t k = 1; k <= agents; ++k) b = erlangs * b / (k + erlangs * b);
  return b;
}

double erlang_c_wait(double erlangs, std::uint32_t agents) {
  const double c = agents;
  if (erlangs >= c) return 1;
  const double b = erlang_b(erlangs, agents);
  return c * b / (c - erlangs * (1 - b));
}

QueueForecast erlang_c(const QueueModel& m) {
  QueueForecast f;
  const double mu = 1 / m.mean_handle_s;
  const double a = m.arrivals_per_s * m.mean_handle_s;
  const double c = m.agents;
  if (a >= c) {
    f.stable = false;
    f.p_wait = 1;
    f.occupancy = 1;
    return f;
  }
  f.p_wait = erlang_c_wait(a, m.agents);
  const double drain = c * mu - m.arrivals_per_s;
  f.service_level = 1 - f.p_wait * std::exp(-drain * m.answer_within_s);
  f.asa_s = f.p_wait / drain;
  f.occupancy = a / c;
  return f;
}

QueueForecast erlang_a(const QueueModel& m) {
  if (m.mean_patience_s <= 0) return erlang_c(m);
  const double lambda = m.arrivals_per_s;
  const double mu = 1 / m.mean_handle_s;
  const double theta = 1 / m.mean_patience_s;
  const std::uint32_t c = m.agents;
  const std::vector<double> p = stationary(lambda, mu, theta, c);
  const double c_mu = c * mu;

  QueueForecast f;
  double at_once = 0;
  for (std::size_t n = 0; n < std::min<std::size_t>(c, p.size()); ++n) at_once += p[n];
  // Arrivals see the time averages (PASTA): start[j] is the chance of finding j waiting.
  std::vector<double> start(p.size() > c ? p.size() - c : 0);
  for (std::size_t j = 0; j < start.size(); ++j) start[j] = p[c + j];
  f.p_wait = 1 - at_once;

  // s_j: served, having arrived with j ahead; t_j: E[wait; served] from there.
  double served = at_once, wait_served = 0;
  double s_prev = 1, t_prev = 0;
  for (std::size_t j = 0; j < start.size(); ++j) {
    const double r = c_mu + static_cast<double>(j) * theta;
    const double s = r / (r + theta) * s_prev;
    const double t = s / (r + theta) + r / (r + theta) * t_prev;
    served += start[j] * s;
    wait_served += start[j] * t;
    s_prev = s;
    t_prev = t;
  }
  f.abandoned = 1 - served;
  f.asa_s = served > 0 ? wait_served / served : 0;
  f.occupancy = lambda * served / c_mu;

  const Absorbed by_t = by_time(start, c_mu, theta, m.answer_within_s);
  const double within = at_once + by_t.served;
  // answered within t / (answered + abandoned after t) = within / (1 - abandoned by t).
  f.service_level = within / (1 - by_t.abandoned);
  return f;
}

}  // namespace sb::sim
