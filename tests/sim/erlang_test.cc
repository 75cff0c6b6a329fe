// Erlang B, C and A against values computed independently: a published worked example, the
// factorial form for small centres, and the limits where Erlang A has a closed form.
#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <utility>

#include "engine/sim/erlang.h"

using namespace sb::sim;

namespace {

// The textbook factorial form of Erlang C, fine for small c.
double erlang_c_factorial(double a, int c) {
  double sum = 0, term = 1;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double top = term * c / (c - a);  // a^c / c! * c / (c - a)
  return top / (sum + top);
}

QueueModel model(double erlangs, std::uint32_t agents, double handle_s, double patience_s = 0,
                 double within_s = 20) {
  QueueModel m;
  m.mean_handle_s = handle_s;
  m.arrivals_per_s = erlangs / handle_s;
  m.agents = agents;
  m.mean_patience_s = patience_s;
  m.answer_within_s = within_s;
  return m;
}

}  // namespace

TEST_CASE("Erlang C: a published worked example and the factorial form") {
  // The classic worked example (e.g. callcentrehelper.com's "Erlang C formula made simple"):
  // 100 calls in 30 minutes, 3 minutes each (10 Erlangs), 14 agents, 20 s target:
  // P(wait) 17.4 %, service level 88.8 %, ASA 7.8 s.
  const QueueForecast f = erlang_c(model(10, 14, 180));
  CHECK(f.p_wait == doctest::Approx(0.1741).epsilon(0.001));
  CHECK(f.service_level == doctest::Approx(0.888).epsilon(0.001));
  CHECK(f.asa_s == doctest::Approx(7.8).epsilon(0.01));
  CHECK(f.occupancy == doctest::Approx(10.0 / 14));
  // 2 Erlangs on 3 servers: C = 4/9 exactly.
  CHECK(erlang_c_wait(2, 3) == doctest::Approx(4.0 / 9));
  for (int c = 1; c <= 20; ++c) {
    for (double rho : {0.3, 0.7, 0.9, 0.99}) {
      CAPTURE(c);
      CAPTURE(rho);
      CHECK(erlang_c_wait(rho * c, static_cast<std::uint32_t>(c)) ==
            doctest::Approx(erlang_c_factorial(rho * c, c)).epsilon(1e-9));
    }
  }
}

TEST_CASE("Erlang B and C stay finite for large centres") {
  // 3,000 Erlangs on 3,100 agents: factorials would overflow long before.
  const double c = erlang_c_wait(3000, 3100);
  CHECK(c > 0);
  CHECK(c < 1);
  CHECK(erlang_b(3000, 3100) < c);
  CHECK_FALSE(erlang_c(model(31, 30, 240)).stable);
}

TEST_CASE("Erlang A tends to Erlang C as patience grows") {
  for (const auto& ac : {std::pair{21.0, 30u}, std::pair{8.5, 10u}, std::pair{95.0, 100u}}) {
    const double a = ac.first;  // not a structured binding: CAPTURE's lambda captures it
    const unsigned c = ac.second;
    const QueueForecast ec = erlang_c(model(a, c, 240));
    const QueueForecast ea = erlang_a(model(a, c, 240, 1e9));
    CAPTURE(a);
    CHECK(ea.p_wait == doctest::Approx(ec.p_wait).epsilon(1e-4));
    CHECK(ea.service_level == doctest::Approx(ec.service_level).epsilon(1e-4));
    CHECK(ea.asa_s == doctest::Approx(ec.asa_s).epsilon(1e-3));
    CHECK(ea.abandoned < 1e-5);
  }
}

TEST_CASE("Erlang A with patience equal to the handle time is M/M/infinity") {
  // With theta = mu everyone in the system leaves at the same rate whether served or not, so the
  // number present is Poisson(a): P(wait) = P(N >= c), abandonment = E[(N - c)+] / a.
  const double a = 12;
  const std::uint32_t c = 10;
  double p_n = std::exp(-a), below = 0, excess = 0;
  for (std::uint32_t n = 0; n < 200; ++n) {
    if (n < c) below += p_n;
    if (n > c) excess += (n - c) * p_n;
    p_n *= a / (n + 1);
  }
  const QueueForecast f = erlang_a(model(a, c, 300, 300));
  CHECK(f.p_wait == doctest::Approx(1 - below).epsilon(1e-9));
  CHECK(f.abandoned == doctest::Approx(excess / a).epsilon(1e-9));
  CHECK(f.occupancy == doctest::Approx(a * (1 - f.abandoned) / c).epsilon(1e-9));
}

TEST_CASE("Erlang A: overload is stable, and more agents always help") {
  const QueueForecast over = erlang_a(model(40, 30, 240, 120));
  CHECK(over.stable);
  CHECK(over.abandoned > 0.2);
  CHECK(over.occupancy < 1);
  double previous_sl = 0, previous_ab = 1;
  for (std::uint32_t c = 25; c <= 45; ++c) {
    const QueueForecast f = erlang_a(model(30, c, 240, 120));
    CHECK(f.service_level > previous_sl);
    CHECK(f.abandoned < previous_ab);
    CHECK(f.service_level <= 1);
    previous_sl = f.service_level;
    previous_ab = f.abandoned;
  }
}
