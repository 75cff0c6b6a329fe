// Queueing theory for one queue of `agents` identical agents, Poisson arrivals and exponential
// handle times: Erlang C (M/M/c, customers wait for ever) and Erlang A (M/M/c+M, customers
// abandon after an exponential patience). What the simulator's results are checked against, and
// what docs/simulation.md states. Pure functions, safe from any thread.
#pragma once

#include <cstdint>

namespace sb::sim {

struct QueueModel {
  double arrivals_per_s = 0;
  double mean_handle_s = 0;
  std::uint32_t agents = 0;
  double mean_patience_s = 0;  // 0: nobody abandons (Erlang C)
  double answer_within_s = 20;
};

struct QueueForecast {
  bool stable = true;        // Erlang C needs offered load < agents
  double p_wait = 0;         // an arrival finds every agent busy
  double service_level = 0;  // answered within the threshold / (answered + abandoned after it)
  double asa_s = 0;          // mean wait of answered customers
  double abandoned = 0;      // share of arrivals who abandon
  double occupancy = 0;      // busy agent-time / agent-time
};

// Erlang B blocking probability for offered load `erlangs` on `agents` servers, by the stable
// recursion B(k) = a B(k-1) / (k + a B(k-1)).
double erlang_b(double erlangs, std::uint32_t agents);
// Erlang C probability of waiting, from Erlang B: C = c B / (c - a (1 - B)). 1 if a >= c.
double erlang_c_wait(double erlangs, std::uint32_t agents);

// Erlang C: P(wait), SL = 1 - C exp(-(c mu - lambda) t), ASA = C / (c mu - lambda).
QueueForecast erlang_c(const QueueModel& m);
// Erlang A from the exact birth-death chain (death rate min(n, c) mu + max(n - c, 0) theta),
// truncated where the tail is below 1e-17; the waiting-time quantities follow a tagged customer
// through the queue ahead of it. With mean_patience_s == 0 it is erlang_c.
QueueForecast erlang_a(const QueueModel& m);

}  // namespace sb::sim
