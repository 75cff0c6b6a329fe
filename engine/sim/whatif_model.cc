#include "engine/sim/whatif_model.h"

#include <algorithm>

namespace sb::sim {
namespace {

std::string agent_channel(const std::string& agent, const std::string& channel) {
  std::string key = agent;
  key += '\n';
  key += channel;
  return key;
}

}  // namespace

BehaviourModel::BehaviourModel(const Recording& recording) {
  for (const RecordedContact& c : recording.contacts) {
    for (const RecordedOffer& o : c.offers) {
      if (o.outcome == OfferOutcome::Withdrawn || o.outcome == OfferOutcome::Open) continue;
      const AnswerDraw a{o.outcome, o.delay};
      answers_by_agent_[o.agent].push_back(a);
      answers_by_channel_[c.channel].push_back(a);
      answers_.push_back(a);
      summary_.accepted += o.outcome == OfferOutcome::Accepted;
    }
    for (const RecordedLeg& leg : c.legs) {
      if (leg.end != LegEnd::Complete && leg.end != LegEnd::Cancel) continue;
      const Handled h{leg.handle, leg.end, &leg.outcome};
      handles_by_agent_channel_[agent_channel(leg.agent, c.channel)].push_back(h);
      handles_by_channel_[c.channel].push_back(h);
      handles_.push_back(h);
    }
    if (c.first == FirstLeg::NotCreated) continue;
    const bool abandoned = c.first == FirstLeg::Abandoned;
    patience_by_channel_[c.channel].add(c.first_wait, abandoned);
    patience_.add(c.first_wait, abandoned);
  }
  for (auto& [channel, km] : patience_by_channel_) km.build();
  patience_.build();

  summary_.answers = answers_.size();
  summary_.agents = answers_by_agent_.size();
  for (const auto& [agent, pool] : answers_by_agent_)
    summary_.agents_own_answers += pool.size() >= kMinOwnSamples;
  summary_.handles = handles_.size();
  summary_.patience_waits = patience_.observations();
  summary_.abandonments = patience_.abandonments();
  std::vector<Duration> back = recording.back_after_missed;
  if (back.empty()) {
    summary_.back_after_missed = std::chrono::minutes(1);
  } else {
    const auto middle = back.begin() + static_cast<std::ptrdiff_t>(back.size() / 2);
    std::nth_element(back.begin(), middle, back.end());
    summary_.back_after_missed = *middle;
  }
}

template <typename T>
const std::vector<T>* BehaviourModel::pick(const Pools<T>& own, const std::string& own_key,
                                           const Pools<T>& channel, const std::string& channel_key,
                                           const std::vector<T>& all) {
  if (auto it = own.find(own_key); it != own.end() && it->second.size() >= kMinOwnSamples)
    return &it->second;
  if (auto it = channel.find(channel_key);
      it != channel.end() && it->second.size() >= kMinOwnSamples)
    return &it->second;
  if (!all.empty()) return &all;
  return nullptr;
}

std::optional<AnswerDraw> BehaviourModel::answer(const std::string& agent,
                                                 const std::string& channel, Rng& rng) const {
  const auto* pool = pick(answers_by_agent_, agent, answers_by_channel_, channel, answers_);
  if (pool == nullptr) return std::nullopt;
  return (*pool)[rng.below(pool->size())];
}

std::optional<HandleDraw> BehaviourModel::handle(const std::string& agent,
                                                 const std::string& channel, Rng& rng) const {
  const auto* pool = pick(handles_by_agent_channel_, agent_channel(agent, channel),
                          handles_by_channel_, channel, handles_);
  if (pool == nullptr) return std::nullopt;
  const Handled& h = (*pool)[rng.below(pool->size())];
  return HandleDraw{h.handle, h.end, *h.outcome};
}

std::optional<Duration> BehaviourModel::patience(const std::string& channel, Duration waited,
                                                 Rng& rng) const {
  const KaplanMeier* km = &patience_;
  if (auto it = patience_by_channel_.find(channel);
      it != patience_by_channel_.end() && it->second.observations() >= kMinOwnSamples) {
    km = &it->second;
  }
  return km->draw_after(waited, rng.unit());
}

}  // namespace sb::sim
