#include "engine/core/core.h"

#include <type_traits>

#include "engine/common/assert.h"

namespace sb {

std::string_view command_name(const Command& command) { return kCommandNames[command.index()]; }

std::string_view event_type(const Event& event) {
  struct Namer {
    std::string_view operator()(const OfferCreated&) const { return "switchboard.offer.created"; }
    std::string_view operator()(const OfferEnded& e) const {
      switch (e.reason) {
        case OfferEndReason::Rejected:
          return "switchboard.offer.rejected";
        case OfferEndReason::Expired:
          return "switchboard.offer.expired";
        case OfferEndReason::Withdrawn:
          return "switchboard.offer.withdrawn";
      }
      return "switchboard.offer.ended";
    }
    std::string_view operator()(const InteractionQueued&) const {
      return "switchboard.interaction.queued";
    }
    std::string_view operator()(const InteractionAssigned&) const {
      return "switchboard.interaction.assigned";
    }
    std::string_view operator()(const InteractionAbandoned&) const {
      return "switchboard.interaction.abandoned";
    }
    std::string_view operator()(const InteractionEnded& e) const {
      switch (e.state) {
        case InteractionState::WrapUp:
          return "switchboard.interaction.wrap_up";
        case InteractionState::Cancelled:
          return "switchboard.interaction.cancelled";
        default:
          return "switchboard.interaction.completed";
      }
    }
    std::string_view operator()(const InteractionTransferred&) const {
      return "switchboard.interaction.transferred";
    }
    std::string_view operator()(const AgentStateChanged&) const {
      return "switchboard.agent.state";
    }
    std::string_view operator()(const SlaBreach&) const { return "switchboard.sla.breach"; }
    std::string_view operator()(const QueueServiceLevel& e) const {
      return e.below_target ? "switchboard.queue.sla_below_target"
                            : "switchboard.queue.sla_recovered";
    }
    std::string_view operator()(const SentimentDrop&) const { return "switchboard.sentiment.drop"; }
    std::string_view operator()(const PolicyInstalled&) const {
      return "switchboard.policy.reloaded";
    }
  };
  return std::visit(Namer{}, event.body);
}

namespace core {

Core::Core(CoreLimits limits) : limits_(limits) {
  // Pool nodes number agents in 24 bits (agent_pools.h); the limits are the server's, not a
  // client's.
  SB_CHECK(limits_.max_agents < PoolNode::kNoAgent);
  pools_.bind(&agents_);
  SB_CHECK(symbols_.intern("human") == kSymHuman);
  SB_CHECK(symbols_.intern("bot") == kSymBot);
  resolved_ = symbols_.intern("resolved");
}

Result<Reply> Core::apply(const Command& command, Timestamp now, std::vector<Event>& events) {
  advance(now, events);
  Result<Reply> result = dispatch(command, events);
  if (result.ok()) {
    ++applied_;
  } else {
    ++rejected_;
  }
  stats_.command(command.index(), result.ok());
  return result;
}

Result<Reply> Core::dispatch(const Command& command, std::vector<Event>& events) {
  return std::visit(
      [&](const auto& c) -> Result<Reply> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, SetPolicy>) {
          return set_policy(c, events);
        } else {
          if (!policy_) {
            return make_error(ErrorCode::NoPolicy, "policy", "no routing policy is installed");
          }
          if constexpr (std::is_same_v<T, UpsertAgent>) return upsert_agent(c, events);
          if constexpr (std::is_same_v<T, SetAgentState>) return set_agent_state(c, events);
          if constexpr (std::is_same_v<T, CreateInteraction>) return create_interaction(c, events);
          if constexpr (std::is_same_v<T, UpdateInteraction>) return update_interaction(c, events);
          if constexpr (std::is_same_v<T, CancelInteraction>) return cancel_interaction(c, events);
          if constexpr (std::is_same_v<T, TransferInteraction>) {
            return transfer_interaction(c, events);
          }
          if constexpr (std::is_same_v<T, CompleteInteraction>) {
            return complete_interaction(c, events);
          }
          if constexpr (std::is_same_v<T, AcceptOffer>) return accept_offer(c, events);
          if constexpr (std::is_same_v<T, RejectOffer>) return reject_offer(c, events);
        }
      },
      command);
}

void Core::advance(Timestamp now, std::vector<Event>& events) {
  SB_CHECK(now >= now_ || now_.us == 0);
  while (timers_.due(now)) {
    const Timer t = timers_.pop();
    now_ = std::max(now_, t.due);
    fire(t, events);
  }
  now_ = std::max(now_, now);
  if (policy_) close_journeys();
  evict_ended();
}

std::optional<Timestamp> Core::next_deadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.next();
}

void Core::fire(const Timer& t, std::vector<Event>& events) {
  if (t.kind == TimerKind::WellbeingEnd) {
    // Stateless: on a stable state, fill_agent offers only what the agent may now take.
    if (t.target < agents_.size()) fill_agent(t.target, events);
    return;
  }
  if (t.target >= interactions_.size()) return;
  const InteractionIndex i = t.target;
  Interaction& it = interactions_[i];
  if (t.kind == TimerKind::Sla) {
    if (t.epoch != it.queue_epoch || it.sla_breached) return;
    if (it.state != InteractionState::Queued && it.state != InteractionState::Offered) return;
    const std::int32_t pq = queue_runtimes_[it.queue].policy_index;
    const Duration threshold =
        pq >= 0 ? policy_->queues[static_cast<std::size_t>(pq)].sla.answer_within : Duration{0};
    breach_sla(i, threshold, events);
    return;
  }
  if (t.epoch != it.epoch) return;
  switch (t.kind) {
    case TimerKind::OfferExpiry:
      if (it.state == InteractionState::Offered) end_offer(i, OfferEndReason::Expired, events);
      break;
    case TimerKind::Step:
      if (it.state == InteractionState::Queued && it.held_for == kNone) {
        leave_waiting(i);
        place(i, events, false);
      }
      break;
    case TimerKind::HoldEnd:
      if (it.state == InteractionState::Queued && it.held_for != kNone) {
        if (!it.held_named) ++stats_.queue(it.queue).preferred_agent_timeouts;
        leave_waiting(i);
        place(i, events, true);
      }
      break;
    case TimerKind::Overflow:
      if (it.state == InteractionState::Queued && it.held_for == kNone) overflow(i, events);
      break;
    case TimerKind::WrapUpEnd:
      if (it.state == InteractionState::WrapUp) finish_wrap_up(i, events);
      break;
    case TimerKind::Sla:
    case TimerKind::WellbeingEnd:
      break;
  }
}

void Core::evict_ended() {
  while (!ended_.empty()) {
    const InteractionIndex i = ended_.front();
    Interaction& it = interactions_[i];
    const bool too_many = ended_.size() > limits_.retained_ended;
    const bool too_old = now_ - it.ended_at > limits_.ended_retention;
    if (!too_many && !too_old) break;
    ended_.pop_front();
    interaction_index_.erase(it.id);
    const std::uint32_t epoch = it.epoch + 1;
    const std::uint32_t queue_epoch = it.queue_epoch + 1;
    it = Interaction{};
    it.epoch = epoch;  // stale timers of the old occupant must never match
    it.queue_epoch = queue_epoch;
    it.sla_timer_epoch = queue_epoch;
    free_interactions_.push_back(i);
  }
}

}  // namespace core
}  // namespace sb
