// Self-checks of the core: the state fingerprint, the invariant checker the property tests run
// after every step, and the side-effect-free routing preview.
#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <tuple>

#include "engine/common/state_hasher.h"
#include "engine/core/core.h"

namespace sb::core {
namespace {

// In name order, so that the hash does not depend on how symbols happen to be numbered.
void hash_attrs(StateHasher& h, const AttrMap& attrs, const SymbolTable& symbols) {
  std::vector<const AttrEntry*> sorted;
  for (const AttrEntry& e : attrs) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [&symbols](const AttrEntry* x, const AttrEntry* y) {
    return symbols.name(x->key) < symbols.name(y->key);
  });
  h.add(static_cast<std::uint64_t>(attrs.size()));
  for (const AttrEntry* e : sorted) {
    h.add(std::string_view(symbols.name(e->key)));
    h.add(e->value.kind);
    if (e->value.kind == AttrValue::Kind::String)
      h.add(std::string_view(symbols.name(e->value.sym)));
    if (e->value.kind == AttrValue::Kind::Number) h.add(e->value.number());
    if (e->value.kind == AttrValue::Kind::Bool) h.add(static_cast<std::uint8_t>(e->value.boolean));
  }
}

std::string_view name_or_empty(const SymbolTable& symbols, Symbol s) {
  return s == kNoSymbol ? std::string_view{} : std::string_view(symbols.name(s));
}

}  // namespace

std::uint64_t Core::state_hash() const {
  StateHasher h;
  h.add(policy_ ? policy_->source->version : 0);
  h.add(now_.us);
  h.add(next_offer_);
  // Each agent's pending offers, oldest first (the order the hash has always had, when agents
  // kept the list themselves): (agent, offer id, interaction), sorted.
  std::vector<std::tuple<AgentIndex, OfferId, InteractionIndex>> pending;
  pending.reserve(offers_.size());
  for (const auto& [offer, i] : offers_) pending.emplace_back(interactions_[i].agent, offer, i);
  std::sort(pending.begin(), pending.end());
  auto next_pending = pending.begin();
  for (AgentIndex index = 0; index < agents_.size(); ++index) {
    const Agent& a = agents_[index];
    h.add(std::string_view(symbols_.name(a.id_sym)));
    h.add(a.kind);
    h.add(a.presence);
    h.add(name_or_empty(symbols_, a.away_reason));
    std::vector<std::pair<std::string_view, int>> skills;
    for (const SkillLevel& s : a.skills) skills.emplace_back(symbols_.name(s.skill), s.level);
    std::sort(skills.begin(), skills.end());
    for (const auto& [name, level] : skills) {
      h.add(name);
      h.add(level);
    }
    for (Symbol l : a.languages) h.add(std::string_view(symbols_.name(l)));
    hash_attrs(h, a.attributes, symbols_);
    for (const ChannelSlots& s : a.slots) {
      h.add(s.capacity);
      h.add(s.load);
    }
    h.add(a.wrap_ups);
    h.add(a.idle_since.us);
    h.add(a.idle_seq);
    h.add(a.consecutive_misses);
    h.add(a.consecutive_negative);
    h.add(a.last_negative_at.us);
    for (InteractionIndex i : a.held) h.add(std::string_view(interactions_[i].id));
    for (; next_pending != pending.end() && std::get<0>(*next_pending) == index; ++next_pending) {
      h.add(std::string_view(interactions_[std::get<2>(*next_pending)].id));
    }
  }
  for (const Interaction& it : interactions_) {
    h.add(std::string_view(it.id));
    if (it.id.empty()) continue;
    h.add(std::string_view(it.customer_id));
    h.add(std::string_view(symbols_.name(it.channel)));
    hash_attrs(h, it.attributes, symbols_);
    h.add(it.sentiment);
    h.add(it.priority);
    h.add(it.state);
    h.add(std::string_view(symbols_.name(queue_runtimes_[it.queue].name)));
    h.add(it.step);
    h.add(it.created_at.us);
    h.add(it.queued_at.us);
    h.add(it.answered_at.us);
    h.add(it.ended_at.us);
    h.add(it.agent == kNone ? std::string_view{} : std::string_view(agent_id(it.agent)));
    h.add(it.offer);
    h.add(it.held_for == kNone ? std::string_view{} : std::string_view(agent_id(it.held_for)));
    for (AgentIndex x : it.excluded.agents()) h.add(std::string_view(agent_id(x)));
    h.add(static_cast<std::uint8_t>(it.sla_breached));
    h.add(it.transfers);
    h.add(name_or_empty(symbols_, it.outcome));
  }
  for (const QueueRuntime& q : queue_runtimes_) {
    h.add(std::string_view(symbols_.name(q.name)));
    for (std::uint64_t v :
         {std::uint64_t{q.waiting}, q.entered, q.answered, q.answered_within_sla, q.abandoned,
          q.abandoned_within_sla, q.transferred_out, q.overflowed, q.sla_breaches}) {
      h.add(v);
    }
  }
  journeys_.for_each([&](const Customer& c) {
    h.add(std::string_view(c.id));
    h.add(c.last_seen.us);
    for (const Contact& k : c.contacts) {
      h.add(std::string_view(k.interaction_id));
      h.add(name_or_empty(symbols_, k.queue));
      h.add(k.agent == kNone ? std::string_view{} : std::string_view(agent_id(k.agent)));
      h.add(k.answered_at.us);
      h.add(k.ended_at.us);
      h.add(name_or_empty(symbols_, k.outcome));
    }
  });
  return h.digest();
}

std::vector<std::string> Core::check_invariants() const {
  std::vector<std::string> bad;
  if (!policy_) return bad;
  const LinkedPolicy& policy = *policy_;
  // Recount every agent's load from the interactions that hold a slot.
  std::vector<std::vector<std::uint32_t>> load(
      agents_.size(), std::vector<std::uint32_t>(policy.channels.size(), 0));
  std::vector<std::uint32_t> wrap_ups(agents_.size(), 0);
  std::size_t live = 0, in_sets = 0;
  for (InteractionIndex i = 0; i < interactions_.size(); ++i) {
    const Interaction& it = interactions_[i];
    if (it.id.empty()) continue;
    auto who = [&it] { return "interaction " + it.id + ": "; };
    const bool holds_slot = it.state == InteractionState::Offered ||
                            it.state == InteractionState::Assigned ||
                            it.state == InteractionState::WrapUp;
    if (!is_terminal(it.state)) ++live;
    if (holds_slot) {
      if (it.agent == kNone) {
        bad.push_back(who() + "holds a slot but has no agent");
        continue;
      }
      ++load[it.agent][it.channel_index];
      if (it.state == InteractionState::WrapUp) ++wrap_ups[it.agent];
    }
    if (it.state == InteractionState::Offered) {
      auto o = offers_.find(it.offer);
      if (o == offers_.end() || o->second != i)
        bad.push_back(who() + "offered without a pending offer");
    } else if (it.offer != 0 && !is_terminal(it.state) && it.state != InteractionState::Assigned &&
               it.state != InteractionState::WrapUp) {
      bad.push_back(who() + "keeps an offer id while " + std::string(to_string(it.state)));
    }
    if (it.state == InteractionState::Queued) {
      if (it.agent != kNone) bad.push_back(who() + "queued but has an agent");
      if (it.in_waiting_set == (it.held_for != kNone))
        bad.push_back(who() + "queued must be either in a waiting set or held");
    } else if (it.in_waiting_set || it.held_for != kNone) {
      bad.push_back(who() + "waits while " + std::string(to_string(it.state)));
    }
    if (it.in_waiting_set) ++in_sets;
  }
  if (live != live_) bad.push_back("live interaction count is off");
  std::vector<std::uint32_t> pending_offers(agents_.size(), 0);
  for (const auto& [offer, i] : offers_) {
    if (interactions_[i].agent < agents_.size()) ++pending_offers[interactions_[i].agent];
    if (interactions_[i].offer != offer || interactions_[i].state != InteractionState::Offered) {
      bad.push_back("offer " + std::to_string(offer) +
                    " points to an interaction not offered by it");
    }
  }
  for (AgentIndex a = 0; a < agents_.size(); ++a) {
    if (agents_[a].pending_offers != pending_offers[a]) {
      bad.push_back("agent '" + agent_id(a) + "' counts " +
                    std::to_string(agents_[a].pending_offers) + " pending offers, holds " +
                    std::to_string(pending_offers[a]));
    }
  }
  std::size_t decisions_held = 0;
  for (InteractionIndex i = 0; i < interactions_.size(); ++i) {
    if (interactions_[i].decision != kNone) ++decisions_held;
  }
  if (decisions_held + free_decisions_.size() != decisions_.size()) {
    bad.push_back("routing decisions leak: " + std::to_string(decisions_held) + " held, " +
                  std::to_string(free_decisions_.size()) + " free, " +
                  std::to_string(decisions_.size()) + " slots");
  }
  std::size_t set_entries = 0;
  for (std::size_t set_index = 0; set_index < waiting_.size(); ++set_index) {
    const WaitingSet& set = waiting_[set_index];
    for (std::string& problem : set.check()) bad.push_back(std::move(problem));
    std::optional<WaitKey> previous;
    std::size_t in_this_set = 0;
    for (const WaitKey& key : set) {
      ++set_entries;
      ++in_this_set;
      if (previous && !WaitLess{}(*previous, key)) {
        bad.push_back("waiting set out of order at " + interactions_[key.interaction].id);
      }
      previous = key;
      const Interaction& it = interactions_[key.interaction];
      if (!it.in_waiting_set || it.state != InteractionState::Queued) {
        bad.push_back("waiting set entry for " + it.id + " is stale");
      }
      // It must sit in the set of its own queue, step and channel.
      const std::int32_t pq = it.queue == kNone ? -1 : queue_runtimes_[it.queue].policy_index;
      if (pq < 0 || policy.queues[static_cast<std::size_t>(pq)].waiting_offset +
                            it.step * policy.channels.size() + it.channel_index !=
                        set_index) {
        bad.push_back("waiting set entry for " + it.id + " is in another queue's, step's or " +
                      "channel's set");
      }
    }
    if (in_this_set != set.size()) bad.push_back("a waiting set miscounts its entries");
  }
  if (set_entries != in_sets) bad.push_back("waiting sets and interactions disagree");
  for (AgentIndex a = 0; a < agents_.size(); ++a) {
    const Agent& agent = agents_[a];
    auto who = [this, &agent] { return "agent " + symbols_.name(agent.id_sym) + ": "; };
    for (std::uint32_t ch = 0; ch < policy.channels.size(); ++ch) {
      const ChannelSlots& s = agent.slots[ch];
      if (s.load > s.capacity)
        bad.push_back(who() + "over capacity on " + symbols_.name(policy.channels[ch].name));
      if (s.load != load[a][ch]) bad.push_back(who() + "load disagrees with its interactions");
      if (((agent.busy_channels >> ch) & 1u) != (s.load > 0 ? 1u : 0u))
        bad.push_back(who() + "busy channels are off");
    }
    if (agent.wrap_ups != wrap_ups[a]) bad.push_back(who() + "wrap-up count is off");
    std::uint64_t languages = 0;
    for (Symbol l : agent.languages) {
      const std::uint64_t bit = language_bit(l);
      languages |= bit != 0 ? bit : kLanguageOverflow;
    }
    if (languages != agent.language_mask) bad.push_back(who() + "language mask is off");
    for (std::uint32_t n : agent.nodes()) {
      const PoolNode& node = pools_.node(n);
      const auto ch = static_cast<std::uint32_t>(node.pool % pools_.channels());
      const bool routable = free_slots(agent, ch) > 0;
      if (routable != (node.cls != kNone))
        bad.push_back(who() + "pool membership disagrees with free slots");
      if (node.languages != (agent.language_mask & PoolNode::kLanguagesOnNode)) {
        bad.push_back(who() + "a pool membership's languages disagree with the agent's");
      }
      if (node.cls != kNone &&
          !(pools_.pool(node.pool).classes[node.cls].key ==
            class_key(agent, policy.pool_groups[node.pool / pools_.channels()].front(),
                      pools_.channel_of(n)))) {
        bad.push_back(who() + "in the wrong class");
      }
    }
  }
  // Pool classes must be ordered longest idle first, and know their head's idle time.
  for (std::uint32_t p = 0; p < pools_.pool_count(); ++p) {
    const Pool& pool = pools_.pool(p);
    // Each step's order: every class that step admits, once, by descending static score.
    for (const AgentClass& cls : pool.classes) {
      if ((std::uint64_t{cls.key.step_mask} >> pool.by_step.size()) != 0) {
        bad.push_back("a pool class admits a step that has no order");
        break;
      }
    }
    std::vector<std::uint32_t> listed_at(pool.classes.size(), kNone);  // the step that listed it
    for (std::uint32_t step = 0; step < pool.by_step.size(); ++step) {
      const StepOrder& order = pool.by_step[step];
      if (order.classes.size() != order.static_scores.size() ||
          !std::is_sorted(order.static_scores.begin(), order.static_scores.end(),
                          std::greater<>{})) {
        bad.push_back("a pool's step order is not by descending static score");
        continue;
      }
      std::size_t admitted = 0;
      for (const AgentClass& cls : pool.classes) admitted += (cls.key.step_mask >> step) & 1;
      bool exact = order.classes.size() == admitted;
      for (std::uint32_t c : order.classes) {
        exact = exact && c < pool.classes.size() && listed_at[c] != step &&
                ((pool.classes[c].key.step_mask >> step) & 1);
        if (c < pool.classes.size()) listed_at[c] = step;
      }
      if (!exact) {
        bad.push_back("a pool's step order does not hold exactly the classes its step admits");
      }
    }
    for (std::uint32_t c = 0; c < pool.classes.size(); ++c) {
      const AgentClass& cls = pool.classes[c];
      // The search passes a class whose occupied bit is clear without reading it.
      if (c < Pool::kOccupiedBits && (cls.count > 0) != pool.may_have_members(c)) {
        bad.push_back("a pool class's occupied bit disagrees with its count");
      }
      std::uint32_t count = 0;
      if (cls.head != kNone &&
          agents_[pools_.node(cls.head).agent].idle_since != cls.head_idle_since) {
        bad.push_back("a pool class has a stale head idle time");
      }
      for (std::uint32_t n = cls.head; n != kNone; n = pools_.node(n).next) {
        ++count;
        const std::uint32_t next = pools_.node(n).next;
        if (next == kNone) continue;
        const Agent& x = agents_[pools_.node(n).agent];
        const Agent& y = agents_[pools_.node(next).agent];
        if (y.idle_since < x.idle_since ||
            (y.idle_since == x.idle_since && y.idle_seq < x.idle_seq)) {
          bad.push_back("a pool class is out of idle order");
        }
      }
      if (count != cls.count) bad.push_back("a pool class count is off");
    }
  }
  return bad;
}

std::vector<std::string> Core::check_no_missed_match() const {
  std::vector<std::string> bad;
  if (!policy_) return bad;
  for (const Interaction& it : interactions_) {
    if (it.id.empty() || it.state != InteractionState::Queued || it.held_for != kNone) continue;
    const LinkedQueue& q =
        policy_->queues[static_cast<std::size_t>(queue_runtimes_[it.queue].policy_index)];
    const Top2 top = best_agents(it, q, it.step, MatchStrategy::Naive);
    if (top.best) {
      bad.push_back("interaction " + it.id + " waits while agent " + agent_id(top.best->agent) +
                    " could take it");
    }
  }
  return bad;
}

Result<Explanation> Core::preview(const CreateInteraction& c, MatchStrategy strategy) {
  if (!policy_) return make_error(ErrorCode::NoPolicy, "policy", "no routing policy is installed");
  const Symbol channel = symbols_.find(c.channel);
  const std::int32_t channel_index = channel == kNoSymbol ? -1 : policy_->channel_index(channel);
  if (channel_index < 0)
    return make_error(ErrorCode::UnknownChannel, "channel",
                      "the policy declares no channel '" + c.channel + "'");
  // Only what choosing a queue and an agent reads: no rule refers to the interaction's id, so it
  // is not copied (the customer's id is: its journey record is confirmed by it).
  Interaction it;
  it.customer_id = c.customer_id;
  it.channel = channel;
  it.channel_index = static_cast<std::uint32_t>(channel_index);
  it.attributes.reserve(c.attributes.size());
  for (const auto& [key, value] : c.attributes) {
    const Symbol k = symbols_.find(key);
    if (k != kNoSymbol) set_attr(it.attributes, k, AttrValue::lookup(value, symbols_));
  }
  it.sentiment = c.sentiment;
  it.priority = c.priority;
  it.customer = c.customer_id.empty() ? kNone : journeys_.find(c.customer_id);
  const std::int32_t queue = select_queue(it);
  if (queue < 0)
    return make_error(ErrorCode::NoQueue, "attributes",
                      "no queue of the policy takes this interaction");
  const LinkedQueue& q = policy_->queues[static_cast<std::size_t>(queue)];
  const Top2 top = best_agents(it, q, 0, strategy);
  Explanation why = explain(decision_of(top, q, 0));
  if (!top.best) why.reason = "no_agent_free";
  return why;
}

}  // namespace sb::core
