// The what-if replay's behaviour model in isolation: the Kaplan-Meier patience estimate on a
// worked example and its conditional draws (never before the wait a customer is known to have
// survived), and answers drawn from an agent's own record or, when it has too little, from its
// channel's.
#include <doctest/doctest.h>

#include "engine/sim/whatif_model.h"
#include "engine/sim/whatif_patience.h"

namespace sb::sim {
namespace {

using std::chrono::seconds;

TEST_CASE("Kaplan-Meier: a worked example") {
  // Abandoned after 10 s and 20 s; answered (censored) after 15 s and 30 s.
  KaplanMeier km;
  km.add(seconds(10), true);
  km.add(seconds(15), false);
  km.add(seconds(20), true);
  km.add(seconds(30), false);
  km.build();
  CHECK(km.observations() == 4);
  CHECK(km.abandonments() == 2);
  CHECK(km.survival(seconds(5)) == 1.0);
  CHECK(km.survival(seconds(10)) == doctest::Approx(0.75));  // 1 of 4 at risk left
  CHECK(km.survival(seconds(19)) == doctest::Approx(0.75));
  CHECK(km.survival(seconds(20)) == doctest::Approx(0.375));  // 1 of the 2 still at risk
  CHECK(km.survival(seconds(60)) == doctest::Approx(0.375));
  // Given 15 s survived: the next abandonment time, or never (beyond what was seen).
  CHECK(km.draw_after(seconds(15), 0.0) == seconds(20));
  CHECK(km.draw_after(seconds(15), 0.49) == seconds(20));  // S(20)/S(15) = 0.5
  CHECK_FALSE(km.draw_after(seconds(15), 0.51).has_value());
  CHECK(km.draw_after(Duration{0}, 0.2) == seconds(10));
}

TEST_CASE("Kaplan-Meier: a patience drawn given a wait always exceeds it") {
  KaplanMeier km;
  Rng rng(5);
  for (int k = 0; k < 500; ++k) {
    km.add(Duration{static_cast<std::int64_t>(rng.exponential(60e6))}, rng.chance(0.4));
  }
  km.build();
  for (int k = 0; k < 2000; ++k) {
    const Duration waited{static_cast<std::int64_t>(rng.exponential(60e6))};
    const auto p = km.draw_after(waited, rng.unit());
    if (p) CHECK(*p > waited);
  }
}

RecordedContact contact(const std::string& channel, const std::string& agent, int accepted,
                        int rejected) {
  RecordedContact c;
  c.channel = channel;
  c.first = FirstLeg::Answered;
  for (int k = 0; k < accepted + rejected; ++k) {
    RecordedOffer o;
    o.agent = agent;
    o.outcome = k < accepted ? OfferOutcome::Accepted : OfferOutcome::Rejected;
    o.delay = seconds(k < accepted ? 2 : 7);
    c.offers.push_back(o);
  }
  return c;
}

double reject_share(const BehaviourModel& model, const std::string& agent, int n) {
  Rng rng(11);
  int rejected = 0;
  for (int k = 0; k < n; ++k) {
    const auto a = model.answer(agent, "chat", rng);
    REQUIRE(a.has_value());
    if (a->outcome == OfferOutcome::Rejected) {
      ++rejected;
      CHECK(a->delay == seconds(7));  // an outcome keeps its own delay
    }
  }
  return static_cast<double>(rejected) / n;
}

TEST_CASE("answers: an agent's own record, or its channel's when it has too little") {
  Recording r;
  r.contacts.push_back(contact("chat", "ana", 20, 10));  // 30 answers: her own
  r.contacts.push_back(contact("chat", "bo", 5, 0));     // 5: borrows the channel's
  const BehaviourModel model(r);
  CHECK(model.summary().answers == 35);
  CHECK(model.summary().agents == 2);
  CHECK(model.summary().agents_own_answers == 1);
  CHECK(reject_share(model, "ana", 20000) == doctest::Approx(10.0 / 30).epsilon(0.05));
  CHECK(reject_share(model, "bo", 20000) == doctest::Approx(10.0 / 35).epsilon(0.05));
  CHECK(model.back_after_missed() == std::chrono::minutes(1));  // none recorded

  const BehaviourModel nothing{Recording{}};
  Rng rng(1);
  CHECK_FALSE(nothing.answer("ana", "chat", rng).has_value());
  CHECK_FALSE(nothing.handle("ana", "chat", rng).has_value());
  CHECK_FALSE(nothing.patience("chat", Duration{0}, rng).has_value());
}

}  // namespace
}  // namespace sb::sim
