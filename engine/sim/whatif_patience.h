// Customers' patience estimated from a recording: the Kaplan-Meier estimate of the survival
// function S(t) = P(patience > t) from right-censored waits. A customer who abandoned after
// waiting W is an observation of patience W; one answered after W, or still waiting at the end of
// the recording after W, is censored there (patience at least W). Pure; any thread once built.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "switchboard/time.h"

namespace sb::sim {

class KaplanMeier {
 public:
  // `abandoned`: the wait ended in abandonment (an event), else it is censored.
  void add(Duration waited, bool abandoned);
  // Computes the estimate; call after the last add() and before the queries.
  void build();

  std::size_t observations() const { return observations_; }
  std::size_t abandonments() const { return abandonments_; }
  // S(t): the estimated share of customers who would still wait after t.
  double survival(Duration t) const;
  // A patience drawn from the estimate given that it exceeds `waited`, with `u` uniform in
  // [0, 1): the first abandonment time t > waited where S(t) <= (1 - u) S(waited). nullopt when
  // there is none: the recording saw nobody leave after such a wait, so this customer waits on.
  std::optional<Duration> draw_after(Duration waited, double u) const;

 private:
  std::vector<std::pair<Duration, bool>> raw_;
  std::vector<Duration> times_;  // distinct abandonment times, ascending
  std::vector<double> after_;    // S just after each of them
  std::size_t observations_ = 0;
  std::size_t abandonments_ = 0;
};

}  // namespace sb::sim
