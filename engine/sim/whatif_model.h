// What-if replay, part 2: how agents and customers behave, learnt from a recording, for the
// moments a candidate policy creates that the recording never saw (an offer to another agent, an
// answer at another time). Every draw is one recorded observation picked at random (a bootstrap:
// the recorded mix of outcomes and the recorded spread of times, with no distribution assumed):
// - answers: an agent's recorded answers to offers (accepted, rejected or left to expire, with
//   the delay), or, for an agent with fewer than kMinOwnSamples, those of everyone on the
//   offer's channel, or of everyone;
// - handling: the recorded handle times (accept to complete, or to a cancel while assigned) of
//   the agent on the channel, else of the channel, else of everyone; legs that ended in a
//   transfer, or were still being handled at the end, are not drawn from;
// - patience: the Kaplan-Meier estimate per channel (whatif_patience.h), or of every channel when
//   one has fewer than kMinOwnSamples waits, drawn given the wait a customer is known to have
//   survived;
// - an agent the core sets away for missed offers comes back after the median of the recorded
//   such absences (one minute when there were none).
//
// Thread contract: built once; the draws are const and take the caller's generator.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/sim/random.h"
#include "engine/sim/whatif_patience.h"
#include "engine/sim/whatif_recording.h"

namespace sb::sim {

// Below this many observations an agent (or an agent on a channel, or a channel) borrows the
// wider pool's.
inline constexpr std::size_t kMinOwnSamples = 20;

struct AnswerDraw {
  OfferOutcome outcome = OfferOutcome::Accepted;  // Accepted, Rejected or Expired
  Duration delay{0};
};

struct HandleDraw {
  Duration handle{0};
  LegEnd end = LegEnd::Complete;  // Complete or Cancel
  std::string_view outcome;       // the complete's outcome or the cancel's reason
};

// What the model was built from, for the report.
struct ModelSummary {
  std::size_t answers = 0;             // recorded answers to offers
  std::size_t accepted = 0;            // of which accepted
  std::size_t agents = 0;              // agents who answered any offer
  std::size_t agents_own_answers = 0;  // with at least kMinOwnSamples answers
  std::size_t handles = 0;             // recorded handle times
  std::size_t patience_waits = 0;      // first waits (answered, abandoned or open)
  std::size_t abandonments = 0;
  Duration back_after_missed{0};
};

class BehaviourModel {
 public:
  explicit BehaviourModel(const Recording& recording);

  // How `agent` answers an offer on `channel`; nullopt when the recording holds no answer at
  // all (then offers are accepted at once).
  std::optional<AnswerDraw> answer(const std::string& agent, const std::string& channel,
                                   Rng& rng) const;
  // How long `agent` handles an interaction on `channel` and how it ends; nullopt when the
  // recording holds no handling at all (then it is held to the end of the run).
  std::optional<HandleDraw> handle(const std::string& agent, const std::string& channel,
                                   Rng& rng) const;
  // The patience of a customer on `channel` who is known to wait at least `waited`; nullopt:
  // waits on (the recording saw nobody leave after such a wait).
  std::optional<Duration> patience(const std::string& channel, Duration waited, Rng& rng) const;
  Duration back_after_missed() const { return summary_.back_after_missed; }
  const ModelSummary& summary() const { return summary_; }

 private:
  struct Handled {
    Duration handle{0};
    LegEnd end = LegEnd::Complete;
    const std::string* outcome = nullptr;  // in the recording
  };
  template <typename T>
  using Pools = std::unordered_map<std::string, std::vector<T>>;

  template <typename T>
  static const std::vector<T>* pick(const Pools<T>& own, const std::string& own_key,
                                    const Pools<T>& channel, const std::string& channel_key,
                                    const std::vector<T>& all);

  Pools<AnswerDraw> answers_by_agent_;
  Pools<AnswerDraw> answers_by_channel_;
  std::vector<AnswerDraw> answers_;
  Pools<Handled> handles_by_agent_channel_;  // key: agent '\n' channel
  Pools<Handled> handles_by_channel_;
  std::vector<Handled> handles_;
  std::unordered_map<std::string, KaplanMeier> patience_by_channel_;
  KaplanMeier patience_;
  ModelSummary summary_;
};

}  // namespace sb::sim
