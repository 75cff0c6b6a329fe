// Matching, both directions: the best free agent for an interaction, and the best waiting
// interaction for an agent who frees up. Scoring and its explanation live here too.
#include <algorithm>

#include "engine/common/assert.h"
#include "engine/core/core.h"
#include "engine/core/scoring.h"

namespace sb::core {
namespace {

// Highest score; on a tie, the longest idle (the same order as the pool classes).
bool better(const ScoreParts& as, Timestamp ai, std::uint64_t a, const ScoreParts& bs, Timestamp bi,
            std::uint64_t b) {
  if (as.total != bs.total) return as.total > bs.total;
  if (ai != bi) return ai < bi;
  return a < b;
}

// Whether `agent` speaks `language`, whose bit in the registry is `bit` (0: none). The bit mask
// answers unless the language has no bit or the agent has one without: then its list decides.
bool speaks(const Agent& agent, Symbol language, std::uint64_t bit) {
  if (bit != 0 && !(agent.language_mask & kLanguageOverflow)) return agent.language_mask & bit;
  return std::find(agent.languages.begin(), agent.languages.end(), language) !=
         agent.languages.end();
}

}  // namespace

// False only when the member's node shows that its agent lacks a language the step needs (one of
// the registry's first languages, which the node carries); otherwise eligible() decides.
bool Core::may_speak(const PoolNode& node, const LanguageNeeds& needs) {
  for (std::uint32_t k = 0; k < needs.count; ++k) {
    const std::uint64_t bit = needs.language_bits[k];
    if ((bit & PoolNode::kLanguagesOnNode) != 0 && (node.languages & bit) == 0) return false;
  }
  return true;
}

void Core::Top2::offer(const Candidate& c) {
  auto beats = [](const Candidate& x, const Candidate& y) {
    return better(x.score, x.idle_since, x.idle_seq, y.score, y.idle_since, y.idle_seq);
  };
  if (best && best->agent == c.agent) {
    if (beats(c, *best)) best = c;
    return;
  }
  if (second && second->agent == c.agent) {
    if (beats(c, *second)) second = c;
    if (beats(*second, *best)) std::swap(*best, *second);
    return;
  }
  ++considered;
  if (!best || beats(c, *best)) {
    second = best;
    best = c;
  } else if (!second || beats(c, *second)) {
    second = c;
  }
}

double Core::affinity(AgentIndex a, const Interaction& it, const LinkedQueue& q,
                      const Customer* customer) const {
  if (!q.affinity.enabled || customer == nullptr) return 0;
  for (auto k = customer->contacts.rbegin(); k != customer->contacts.rend(); ++k) {
    if (k->seq == it.journey_seq || k->agent != a) continue;
    const Timestamp last = k->ended_at.us != 0
                               ? k->ended_at
                               : (k->answered_at.us != 0 ? k->answered_at : k->created_at);
    const double age = static_cast<double>((now_ - last).count());
    const double window = static_cast<double>(q.affinity.window.count());
    return age >= window ? 0.0 : 1.0 - std::max(0.0, age) / window;
  }
  return 0;
}

Core::Candidate Core::score(AgentIndex a, const Interaction& it, const LinkedQueue& q,
                            const Customer* customer, const ClassKey* cls) const {
  const Agent& agent = agents_[a];
  const ScoringWeights& w = q.weights;
  const LinkedPolicy& policy = *policy_;
  // A class member's skill sum, de-escalation level, free slots and capacity are its class's:
  // reading them there spares two cache misses (its skills and its slots) per candidate.
  std::uint32_t skill_sum = 0;
  if (cls != nullptr) {
    skill_sum = cls->skill_sum;
  } else {
    for (Symbol s : q.skills) skill_sum += agent.skill_level(s);
  }
  Candidate c;
  c.agent = a;
  c.idle_since = agent.idle_since;
  c.idle_seq = agent.idle_seq;
  ScoreParts& s = c.score;
  const std::uint32_t free = cls != nullptr ? cls->free : free_slots(agent, it.channel_index);
  const std::uint32_t capacity =
      cls != nullptr ? cls->capacity : agent.slots[it.channel_index].capacity;
  const std::uint32_t deescalation =
      cls != nullptr ? cls->deescalation : agent.skill_level(policy.deescalation_skill);
  s.skill = skill_feature(skill_sum, q.skills.size(), w.skill);
  s.load = load_feature(free, capacity, w.load);
  s.sentiment =
      sentiment_feature(upset(it.sentiment, q.sentiment.threshold), deescalation, w.sentiment);
  s.idle = idle_feature(agent.idle_since, now_, policy.idle_horizon_us, w.idle);
  s.affinity = w.affinity * affinity(a, it, q, customer);
  // Summed in the order of the class bound (static score, sentiment, idle), so that equal inputs
  // give bit-equal totals in the indexed search and in the naive scan.
  s.total = static_score(skill_sum, q.skills.size(), free, capacity, w.skill, w.load) +
            s.sentiment + s.idle + s.affinity;
  return c;
}

EvalContext Core::decision_context(const Interaction& it) const {
  EvalContext ctx;
  ctx.interaction = &it;
  ctx.customer = customer_of(it);
  ctx.agents = &agents_;
  ctx.now = now_;
  return ctx;
}

bool Core::protected_from(const Agent& agent, AgentIndex a, const Interaction& it) const {
  if (it.excluded.contains(a)) return true;
  const WellbeingPolicy& wellbeing = policy_->source->wellbeing;
  return wellbeing.max_consecutive_negative > 0 && it.sentiment < wellbeing.negative_below &&
         agent.consecutive_negative >= wellbeing.max_consecutive_negative &&
         now_ - agent.last_negative_at < wellbeing.cooldown;
}

bool Core::eligible(const Agent& agent, AgentIndex a, const Interaction& it, const LinkedQueue& q,
                    std::uint32_t step, EvalContext& ctx) const {
  return eligible(agent, a, it, q, step, ctx, language_needs(it, q, step));
}

Core::LanguageNeeds Core::language_needs(const Interaction& it, const LinkedQueue& q,
                                         std::uint32_t step) const {
  LanguageNeeds needs;
  const std::vector<Symbol>& keys = q.steps[step].language_keys;
  if (keys.size() > LanguageNeeds::kMax) {
    needs.too_many = true;
    return needs;
  }
  for (Symbol key : keys) {
    const AttrValue* language = find_attr(it.attributes, key);
    if (language == nullptr || language->kind != AttrValue::Kind::String) {
      needs.unmet = true;
      return needs;
    }
    needs.languages[needs.count] = language->sym;
    needs.language_bits[needs.count] = language_bit(language->sym);
    ++needs.count;
  }
  return needs;
}

bool Core::eligible(const Agent& agent, AgentIndex a, const Interaction& it, const LinkedQueue& q,
                    std::uint32_t step, EvalContext& ctx, const LanguageNeeds& needs) const {
  if (protected_from(agent, a, it)) return false;
  if (needs.unmet) return false;
  if (needs.too_many) {
    for (Symbol key : q.steps[step].language_keys) {
      const AttrValue* language = find_attr(it.attributes, key);
      if (language == nullptr || language->kind != AttrValue::Kind::String) return false;
      if (!speaks(agent, language->sym, language_bit(language->sym))) return false;
    }
  } else {
    for (std::uint32_t k = 0; k < needs.count; ++k) {
      if (!speaks(agent, needs.languages[k], needs.language_bits[k])) return false;
    }
  }
  const LinkedExpr& rule = q.steps[step].per_interaction;
  if (rule.empty()) return true;
  ctx.agent = &agent;
  return evaluate(rule, ctx);
}

bool Core::eligible_any_step(const Agent& agent, AgentIndex a, const Interaction& it,
                             const LinkedQueue& q) const {
  EvalContext ctx = decision_context(it);
  for (std::uint32_t k = 0; k < q.steps.size(); ++k) {
    EvalContext agent_only;
    agent_only.agent = &agent;
    agent_only.now = now_;
    if (evaluate(q.steps[k].agent_only, agent_only) && eligible(agent, a, it, q, k, ctx))
      return true;
  }
  return false;
}

Core::Top2 Core::best_agents(const Interaction& it, const LinkedQueue& q, std::uint32_t step,
                             MatchStrategy strategy) const {
  Top2 top;
  const LinkedPolicy& policy = *policy_;
  const std::uint32_t channel = it.channel_index;
  EvalContext ctx = decision_context(it);
  const Customer* customer = ctx.customer;
  if (strategy == MatchStrategy::Naive) {
    // The reference: every agent, the step's rule as written, through the interpreter.
    for (AgentIndex a = 0; a < agents_.size(); ++a) {
      const Agent& agent = agents_[a];
      if (free_slots(agent, channel) == 0 || protected_from(agent, a, it)) continue;
      ctx.agent = &agent;
      if (!evaluate(q.steps[step].whole, ctx)) continue;
      top.offer(score(a, it, q, customer));
    }
    return top;
  }

  const std::uint32_t pool_id = pools_.pool_id(q.pool_group, channel);
  const Pool& pool = pools_.pool(pool_id);
  const LanguageNeeds needs = language_needs(it, q, step);
  const ScoringWeights& w = q.weights;
  const double upset_level = upset(it.sentiment, q.sentiment.threshold);
  // Each class's ceiling: its static score, its sentiment fit and its head's idle time (the
  // longest in the class); members differ only in idle time, so a class's first two eligible
  // members are its best two. Affinity agents are scored apart, below. Classes are searched
  // best ceiling first, and the search ends at the first ceiling below the runner-up. A pool has
  // hundreds of classes, so their ceilings are computed lazily: classes come in static-score
  // order, and one joins the heap only while its static score plus the largest sentiment and
  // idle bonus could still reach the best ceiling in the heap. (a + b) + c rounds monotonically,
  // so the loose bound is never below the exact ceiling.
  const double sentiment_bound = std::max(0.0, sentiment_feature(upset_level, 10, w.sentiment));
  const double idle_bound = std::max(0.0, w.idle);
  std::vector<std::pair<double, std::uint32_t>>& heap = class_scratch_;
  heap.clear();
  static const StepOrder kNoClasses;
  const StepOrder& order = step < pool.by_step.size() ? pool.by_step[step] : kNoClasses;
  const std::size_t order_size = order.classes.size();
  std::size_t next_class = 0;
  while (true) {
    while (next_class < order_size) {
      // Empty classes are passed on their occupied bit; only the score of a class with members
      // is read (and checked against the bound), which ends this pass as before.
      const std::uint32_t c = order.classes[next_class];
      if (!pool.may_have_members(c)) {
        ++next_class;
        continue;
      }
      const double static_score = order.static_scores[next_class];
      if (!heap.empty() && (static_score + sentiment_bound) + idle_bound < heap.front().first)
        break;
      ++next_class;
      const AgentClass& cls = pool.classes[c];
      if (cls.count == 0) continue;
      const double ceiling =
          static_score + sentiment_feature(upset_level, cls.key.deescalation, w.sentiment) +
          idle_feature(cls.head_idle_since, now_, policy.idle_horizon_us, w.idle);
      heap.emplace_back(ceiling, c);
      std::push_heap(heap.begin(), heap.end());
    }
    if (heap.empty()) break;
    std::pop_heap(heap.begin(), heap.end());
    const auto [ceiling, c] = heap.back();
    heap.pop_back();
    if (top.second && ceiling < top.second->score.total) break;
    int found = 0;
    const ClassKey& key = pool.classes[c].key;
    for (std::uint32_t n = pool.classes[c].head; n != kNone && found < 2; n = pools_.node(n).next) {
      const PoolNode& node = pools_.node(n);
      if (!may_speak(node, needs)) continue;  // passed without reading the agent's record
      const AgentIndex a = node.agent;
      if (!eligible(agents_[a], a, it, q, step, ctx, needs)) continue;
      top.offer(score(a, it, q, customer, &key));
      ++found;
    }
  }
  // Agents who served this customer before: their affinity may lift them above a class head.
  if (customer != nullptr && q.affinity.enabled && w.affinity > 0) {
    for (const Contact& contact : customer->contacts) {
      const AgentIndex a = contact.agent;
      if (contact.seq == it.journey_seq || a == kNone) continue;
      const Agent& agent = agents_[a];
      if (free_slots(agent, channel) == 0) continue;
      // An agent's nodes are in ascending pool order (rebuild_nodes adds them so).
      std::uint32_t low = agent.first_node, high = agent.first_node + agent.node_count;
      while (low < high) {
        const std::uint32_t mid = low + (high - low) / 2;
        if (pools_.node(mid).pool < pool_id) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      const bool in_pool = low < agent.first_node + agent.node_count &&
                           pools_.node(low).pool == pool_id &&
                           (pools_.family_key(low).step_mask & (1u << step));
      if (in_pool && eligible(agent, a, it, q, step, ctx, needs)) {
        top.offer(score(a, it, q, customer));
      }
    }
  }
  return top;
}

Decision Core::decision_of(const Top2& top, const LinkedQueue& q, std::uint32_t step) const {
  Decision d;
  d.queue = q.name;
  d.step = step;
  d.reason = DecisionReason::BestScore;
  if (top.best) {
    d.chosen = top.best->score;
    d.chosen_agent = top.best->agent;
  }
  if (top.second) {
    d.runner_up = top.second->score;
    d.runner_up_agent = top.second->agent;
  }
  d.candidates = top.considered;
  return d;
}

ScoreBreakdown Core::named(AgentIndex a, const ScoreParts& score) const {
  ScoreBreakdown s;
  s.agent_id = agent_id(a);
  s.total = score.total;
  s.skill = score.skill;
  s.idle = score.idle;
  s.load = score.load;
  s.affinity = score.affinity;
  s.sentiment = score.sentiment;
  return s;
}

Explanation Core::explain(const Decision& d) const {
  static constexpr const char* kReasons[] = {"best_score", "preferred_agent", "agent_became_free",
                                             "named_agent"};
  Explanation why;
  why.queue = symbols_.name(d.queue);
  why.step = d.step;
  why.reason = kReasons[static_cast<std::size_t>(d.reason)];
  if (d.chosen_agent != kNone) why.chosen = named(d.chosen_agent, d.chosen);
  if (d.runner_up_agent != kNone) why.runner_up = named(d.runner_up_agent, d.runner_up);
  why.candidates = d.candidates;
  return why;
}

void Core::route(InteractionIndex i, std::vector<Event>& events) {
  const Interaction& it = interactions_[i];
  if (it.state != InteractionState::Queued || it.held_for != kNone) return;
  const LinkedQueue& q =
      policy_->queues[static_cast<std::size_t>(queue_runtimes_[it.queue].policy_index)];
  const std::uint64_t started = stopwatch_ ? stopwatch_() : 0;
  const Top2 top = best_agents(it, q, it.step, MatchStrategy::Indexed);
  if (stopwatch_) stats_.decision_time.observe(static_cast<double>(stopwatch_() - started) * 1e-9);
  if (!top.best) return;
  leave_waiting(i);
  offer(i, top.best->agent, decision_of(top, q, it.step), events);
}

bool Core::try_preferred(InteractionIndex i, AgentIndex a, DecisionReason reason,
                         std::vector<Event>& events) {
  const Interaction& it = interactions_[i];
  if (free_slots(agents_[a], it.channel_index) == 0) return false;
  const LinkedQueue& q =
      policy_->queues[static_cast<std::size_t>(queue_runtimes_[it.queue].policy_index)];
  Decision why;
  why.queue = q.name;
  why.step = it.step;
  why.reason = reason;
  why.chosen = score(a, it, q, customer_of(it)).score;
  why.chosen_agent = a;
  why.candidates = 1;
  leave_waiting(i);
  offer(i, a, why, events);
  return true;
}

void Core::fill_agent(AgentIndex a, std::vector<Event>& events) {
  const LinkedPolicy& policy = *policy_;
  const std::size_t channels = pools_.channels();
  while (agents_[a].presence == Presence::Available && has_free_slot(agents_[a])) {
    const Agent& agent = agents_[a];
    const std::uint64_t started = stopwatch_ ? stopwatch_() : 0;
    InteractionIndex best = kNone;
    double best_queue_priority = 0, best_priority = 0;
    auto consider = [&](InteractionIndex i, double queue_priority) {
      const Interaction& it = interactions_[i];
      const double priority = effective_priority(it);
      if (best != kNone) {
        const Interaction& b = interactions_[best];
        if (queue_priority != best_queue_priority) {
          if (queue_priority < best_queue_priority) return;
        } else if (priority != best_priority) {
          if (priority < best_priority) return;
        } else if (it.queued_at != b.queued_at) {
          if (it.queued_at > b.queued_at) return;
        } else if (it.wait_seq > b.wait_seq) {
          return;
        }
      }
      best = i;
      best_queue_priority = queue_priority;
      best_priority = priority;
    };
    // Interactions held for this agent come first: that is what the hold is for.
    for (InteractionIndex i : agent.held) {
      const Interaction& it = interactions_[i];
      if (free_slots(agent, it.channel_index) == 0) continue;
      consider(i, 0);
    }
    const bool from_hold = best != kNone;
    if (!from_hold) {
      for (std::uint32_t n : agent.nodes()) {
        const PoolNode& node = pools_.node(n);
        if (node.cls == kNone) continue;  // no free slot on this channel
        const std::uint32_t ch = pools_.channel_of(n);
        const std::uint32_t step_mask = pools_.family_key(n).step_mask;
        for (std::uint32_t qi : policy.pool_groups[node.pool / channels]) {
          const LinkedQueue& q = policy.queues[qi];
          for (std::uint32_t k = 0; k < q.steps.size(); ++k) {
            if (!(step_mask & (1u << k))) continue;
            for (const WaitKey& key : waiting_set(q, k, ch)) {
              const Interaction& it = interactions_[key.interaction];
              EvalContext ctx = decision_context(it);
              if (!eligible(agent, a, it, q, k, ctx)) continue;
              consider(key.interaction, q.priority);
              break;
            }
          }
        }
      }
    }
    if (stopwatch_) {
      stats_.decision_time.observe(static_cast<double>(stopwatch_() - started) * 1e-9);
    }
    if (best == kNone) return;
    const Interaction& it = interactions_[best];
    const LinkedQueue& q =
        policy.queues[static_cast<std::size_t>(queue_runtimes_[it.queue].policy_index)];
    Decision why;
    why.queue = q.name;
    why.step = it.step;
    why.reason = !from_hold      ? DecisionReason::AgentBecameFree
                 : it.held_named ? DecisionReason::NamedAgent
                                 : DecisionReason::PreferredAgent;
    why.chosen = score(a, it, q, customer_of(it)).score;
    why.chosen_agent = a;
    why.candidates = 1;
    leave_waiting(best);
    offer(best, a, why, events);
  }
}

void Core::offer(InteractionIndex i, AgentIndex a, const Decision& decision,
                 std::vector<Event>& events) {
  Interaction& it = interactions_[i];
  SB_CHECK(it.state == InteractionState::Queued && !it.in_waiting_set && it.held_for == kNone);
  reserve_slot(a, it.channel_index);
  observe_offer(it, OfferResult::Created);
  it.state = InteractionState::Offered;
  it.agent = a;
  it.offer = next_offer_++;
  ++it.epoch;
  const Timestamp expires_at = now_ + policy_->channels[it.channel_index].config.offer_timeout;
  offers_.emplace(it.offer, i);
  ++agents_[a].pending_offers;
  timers_.schedule(expires_at, TimerKind::OfferExpiry, i, it.epoch);
  OfferCreated created;
  created.offer_id = it.offer;
  created.agent_id = agent_id(a);
  created.interaction = summary(it);
  created.journey = journey_of(it);
  created.explanation = explain(decision);
  created.expires_at = expires_at;
  if (it.decision == kNone) {
    if (free_decisions_.empty()) {
      it.decision = static_cast<std::uint32_t>(decisions_.size());
      decisions_.emplace_back();
    } else {
      it.decision = free_decisions_.back();
      free_decisions_.pop_back();
    }
  }
  decisions_[it.decision] = decision;
  events.push_back(Event{now_, std::move(created)});
}

void Core::forget_decision(Interaction& it) {
  if (it.decision == kNone) return;
  free_decisions_.push_back(it.decision);
  it.decision = kNone;
}

}  // namespace sb::core
