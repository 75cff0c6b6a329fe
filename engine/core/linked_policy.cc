#include "engine/core/linked_policy.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>

namespace sb::core {
namespace {

Error invalid(std::string field, std::string message) {
  return make_error(ErrorCode::InvalidField, std::move(field), std::move(message));
}

bool finite_weights(const ScoringWeights& w) {
  for (double v : {w.skill, w.idle, w.load, w.affinity, w.sentiment}) {
    if (!std::isfinite(v) || v < 0) return false;
  }
  return true;
}

// The (key, value) of a top-level conjunct `interaction.attributes.KEY == "VALUE"` (either
// side), if the rule has one: the rule can only be true when the interaction has that value.
std::optional<std::pair<Symbol, std::string>> required_pair(const Expr& e, std::int32_t index,
                                                            SymbolTable& symbols) {
  if (index < 0) return std::nullopt;
  const ExprNode& n = e.nodes[static_cast<std::size_t>(index)];
  if (n.op == ExprOp::And) {
    if (auto left = required_pair(e, n.lhs, symbols)) return left;
    return required_pair(e, n.rhs, symbols);
  }
  if (n.op != ExprOp::Eq) return std::nullopt;
  const ExprNode* ref = &e.nodes[static_cast<std::size_t>(n.lhs)];
  const ExprNode* lit = &e.nodes[static_cast<std::size_t>(n.rhs)];
  if (ref->op == ExprOp::Literal) std::swap(ref, lit);
  if (ref->op != ExprOp::Ref || lit->op != ExprOp::Literal) return std::nullopt;
  const auto* value = std::get_if<std::string>(&lit->literal);
  if (value == nullptr) return std::nullopt;
  if (ref->ref == RefKind::InteractionAttribute)
    return std::pair{symbols.intern(ref->name), *value};
  if (ref->ref == RefKind::InteractionChannel)
    return std::pair{QueueMatchIndex::kChannelKey, *value};
  return std::nullopt;
}

}  // namespace

std::int32_t LinkedPolicy::channel_index(Symbol channel) const {
  for (std::size_t i = 0; i < channels.size(); ++i) {
    if (channels[i].name == channel) return static_cast<std::int32_t>(i);
  }
  return -1;
}

std::int32_t LinkedPolicy::queue_index(Symbol name) const {
  for (std::size_t i = 0; i < queues.size(); ++i) {
    if (queues[i].name == name) return static_cast<std::int32_t>(i);
  }
  return -1;
}

bool LinkedPolicy::declares_skill(Symbol skill) const {
  return std::binary_search(skills.begin(), skills.end(), skill);
}

Result<LinkedPolicy> link_policy(std::shared_ptr<const Policy> policy, SymbolTable& symbols) {
  if (!policy) return invalid("policy", "no policy given");
  const Policy& p = *policy;
  LinkedPolicy out;
  out.source = policy;
  if (p.channels.empty()) return invalid("channels", "a policy declares at least one channel");
  if (p.channels.size() > kMaxChannels) return invalid("channels", "at most 64 channels");
  if (p.queues.empty()) return invalid("queues", "a policy declares at least one queue");
  if (p.idle_horizon.count() <= 0) return invalid("idle_horizon", "must be positive");
  if (!finite_weights(p.scoring)) return invalid("scoring", "weights must be finite and >= 0");
  if (!std::isfinite(p.wellbeing.negative_below) || p.wellbeing.cooldown.count() < 0) {
    return invalid("wellbeing", "negative_below must be finite and cooldown >= 0");
  }
  if (p.offers.transfer_wait.count() < 0) return invalid("offers.transfer_wait", "negative");
  if (p.journey.lookback.count() <= 0) return invalid("journey.lookback", "must be positive");

  for (const ChannelPolicy& c : p.channels) {
    const Symbol name = symbols.intern(c.name);
    for (const LinkedChannel& seen : out.channels) {
      if (seen.name == name) return invalid("channels." + c.name, "declared twice");
    }
    if (c.offer_timeout.count() <= 0) {
      return invalid("channels." + c.name + ".offer_timeout", "must be positive");
    }
    if (c.wrap_up.count() < 0) return invalid("channels." + c.name + ".wrap_up", "negative");
    out.channels.push_back(LinkedChannel{name, c, 0});
  }
  for (std::size_t i = 0; i < p.channels.size(); ++i) {
    for (const std::string& blocked : p.channels[i].blocks) {
      const std::int32_t b = out.channel_index(symbols.intern(blocked));
      if (b < 0)
        return invalid("channels." + p.channels[i].name + ".blocks", "unknown channel " + blocked);
      out.channels[static_cast<std::size_t>(b)].blocked_by |= 1ull << i;
    }
  }
  for (const std::string& s : p.skills) out.skills.push_back(symbols.intern(s));
  std::sort(out.skills.begin(), out.skills.end());
  out.skills.erase(std::unique(out.skills.begin(), out.skills.end()), out.skills.end());
  if (!p.deescalation_skill.empty()) {
    out.deescalation_skill = symbols.intern(p.deescalation_skill);
    if (!out.declares_skill(out.deescalation_skill)) {
      return invalid("deescalation_skill", "undeclared skill " + p.deescalation_skill);
    }
  }
  out.idle_horizon_us = static_cast<double>(p.idle_horizon.count());

  const auto channel_count = static_cast<std::uint32_t>(out.channels.size());
  std::unordered_map<std::string, std::uint32_t> group_of;
  for (const QueuePolicy& q : p.queues) {
    const std::string where = "queues." + q.name;
    LinkedQueue lq;
    std::string signature;  // what decides the queue's agent pool
    lq.name = symbols.intern(q.name);
    if (q.name.empty()) return invalid("queues", "a queue needs a name");
    if (out.queue_index(lq.name) >= 0) return invalid(where, "declared twice");
    lq.match = link_expr(q.match, symbols);
    const auto queue_number = static_cast<std::uint32_t>(out.queues.size());
    if (auto pair = required_pair(q.match, q.match.root, symbols)) {
      QueueMatchIndex& index = out.match_index;
      if (std::find(index.keys.begin(), index.keys.end(), pair->first) == index.keys.end()) {
        index.keys.push_back(pair->first);
      }
      index.queues_by_pair[QueueMatchIndex::pair(pair->first, symbols.intern(pair->second))]
          .push_back(queue_number);
    } else {
      out.match_index.unindexed.push_back(queue_number);
    }
    if (!std::isfinite(q.priority)) return invalid(where + ".priority", "must be a finite number");
    if (!std::isfinite(q.aging_per_minute) || q.aging_per_minute < 0) {
      return invalid(where + ".aging_per_minute", "must be a finite number >= 0");
    }
    if (!std::isfinite(q.sentiment.threshold) || !std::isfinite(q.sentiment.priority_bump)) {
      return invalid(where + ".sentiment", "threshold and priority_bump must be finite numbers");
    }
    lq.priority = q.priority;
    if (!q.channels.empty()) {
      lq.channel_mask = 0;
      for (const std::string& c : q.channels) {
        const std::int32_t ci = out.channel_index(symbols.intern(c));
        if (ci < 0) return invalid(where + ".channels", "unknown channel " + c);
        lq.channel_mask |= 1ull << ci;
      }
    }
    for (const std::string& s : q.skills) {
      const Symbol sym = symbols.intern(s);
      if (!out.declares_skill(sym)) return invalid(where + ".skills", "undeclared skill " + s);
      lq.skills.push_back(sym);
    }
    lq.sla = q.sla;
    if (q.sla.answer_within.count() <= 0)
      return invalid(where + ".sla.answer_within", "must be positive");
    if (!(q.sla.target >= 0 && q.sla.target <= 1))
      return invalid(where + ".sla.target", "must be in [0, 1]");
    if (q.steps.empty()) return invalid(where + ".steps", "a queue needs at least one step");
    if (q.steps.size() > kMaxSteps) return invalid(where + ".steps", "at most 32 steps");
    for (std::size_t k = 0; k < q.steps.size(); ++k) {
      const EscalationStep& step = q.steps[k];
      if (!std::isfinite(step.priority_bump)) {
        return invalid(where + ".steps[" + std::to_string(k) + "].priority_bump",
                       "must be a finite number");
      }
      if (k == 0 && step.after.count() != 0)
        return invalid(where + ".steps[0].after", "the first step starts at 0s");
      if (k > 0 && step.after <= q.steps[k - 1].after) {
        return invalid(where + ".steps[" + std::to_string(k) + "].after",
                       "steps must come later and later");
      }
      Expr agent_only, rest;
      split_agent_only(step.agents, agent_only, rest);
      signature += canonical_text(agent_only) + ';';
      LinkedStep linked{step.after,
                        link_expr(step.agents, symbols),
                        link_expr(agent_only, symbols),
                        {},
                        {},
                        step.priority_bump};
      Expr residual;
      for (Expr& part : conjuncts(rest)) {
        if (auto key = language_has_key(part)) {
          linked.language_keys.push_back(symbols.intern(*key));
        } else {
          residual = expr::all_of(std::move(residual), std::move(part));
        }
      }
      linked.per_interaction = link_expr(residual, symbols);
      lq.steps.push_back(std::move(linked));
    }
    lq.weights = q.scoring.value_or(p.scoring);
    // Weights by their bits: queues share a pool only if their class scores are bit-equal.
    signature += '|' + std::to_string(lq.channel_mask) + '|' +
                 std::to_string(std::bit_cast<std::uint64_t>(lq.weights.skill)) + '|' +
                 std::to_string(std::bit_cast<std::uint64_t>(lq.weights.load));
    for (Symbol skill : lq.skills) signature += '|' + std::to_string(skill);
    auto [group, inserted] =
        group_of.try_emplace(signature, static_cast<std::uint32_t>(out.pool_groups.size()));
    if (inserted) out.pool_groups.emplace_back();
    out.pool_groups[group->second].push_back(static_cast<std::uint32_t>(out.queues.size()));
    lq.pool_group = group->second;
    if (!finite_weights(lq.weights))
      return invalid(where + ".scoring", "weights must be finite and >= 0");
    lq.affinity = q.affinity;
    lq.sentiment = q.sentiment;
    lq.aging_per_us = q.aging_per_minute / 60e6;
    lq.overflow_after = q.overflow_after;
    lq.waiting_offset = out.waiting_sets;
    out.waiting_sets += static_cast<std::uint32_t>(lq.steps.size()) * channel_count;
    out.queues.push_back(std::move(lq));
  }
  for (std::size_t i = 0; i < p.queues.size(); ++i) {
    const QueuePolicy& q = p.queues[i];
    if (q.overflow_to.empty()) continue;
    const std::int32_t target = out.queue_index(symbols.intern(q.overflow_to));
    if (target < 0)
      return invalid("queues." + q.name + ".overflow_to", "unknown queue " + q.overflow_to);
    if (static_cast<std::size_t>(target) == i)
      return invalid("queues." + q.name + ".overflow_to", "a queue cannot overflow to itself");
    if (q.overflow_after.count() <= 0)
      return invalid("queues." + q.name + ".overflow_after", "must be positive");
    out.queues[i].overflow_to = target;
  }
  return out;
}

}  // namespace sb::core
