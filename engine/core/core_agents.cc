// Agents: registration, presence, channel slots, and their place in the routing pools.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "engine/common/assert.h"
#include "engine/core/core.h"
#include "engine/core/scoring.h"

namespace sb::core {

std::optional<Error> Core::validate_attributes(const Attributes& attrs,
                                               const std::string& field) const {
  if (attrs.size() > limits_.max_attributes) {
    return over_limit(field, limits_.max_attributes, "attributes");
  }
  for (std::size_t k = 0; k < attrs.size(); ++k) {
    const auto& [key, value] = attrs[k];
    if (key.empty() || key.size() > limits_.max_string_length) {
      return make_error(
          ErrorCode::InvalidField, field,
          "attribute names are 1 to " + std::to_string(limits_.max_string_length) + " characters");
    }
    for (std::size_t j = 0; j < k; ++j) {
      if (attrs[j].first == key)
        return make_error(ErrorCode::InvalidField, field + "." + key, "given twice");
    }
    if (const auto* s = std::get_if<std::string>(&value);
        s && s->size() > limits_.max_string_length) {
      return over_limit(field + "." + key, limits_.max_string_length, "characters");
    }
    if (const auto* d = std::get_if<double>(&value); d && !std::isfinite(*d)) {
      return make_error(ErrorCode::InvalidField, field + "." + key, "must be a finite number");
    }
  }
  return std::nullopt;
}

Result<Reply> Core::upsert_agent(const UpsertAgent& c, std::vector<Event>& events) {
  const LinkedPolicy& policy = *policy_;
  if (c.agent_id.empty() || c.agent_id.size() > limits_.max_id_length) {
    return make_error(
        ErrorCode::InvalidField, "agent_id",
        "agent ids are 1 to " + std::to_string(limits_.max_id_length) + " characters");
  }
  if (c.skills.size() > limits_.max_skills) {
    return over_limit("skills", limits_.max_skills, "skills");
  }
  for (std::size_t k = 0; k < c.skills.size(); ++k) {
    const auto& [name, level] = c.skills[k];
    const Symbol sym = symbols_.find(name);
    if (sym == kNoSymbol || !policy.declares_skill(sym)) {
      return make_error(ErrorCode::UnknownSkill, "skills." + name,
                        "the policy declares no skill '" + name + "'");
    }
    if (level < 0 || level > kMaxProficiency) {
      return make_error(ErrorCode::InvalidField, "skills." + name, "proficiency is 0 to 10");
    }
    for (std::size_t j = 0; j < k; ++j) {
      if (c.skills[j].first == name)
        return make_error(ErrorCode::InvalidField, "skills." + name, "given twice");
    }
  }
  if (c.languages.size() > limits_.max_languages) {
    return over_limit("languages", limits_.max_languages, "languages");
  }
  for (const std::string& lang : c.languages) {
    if (lang.empty() || lang.size() > limits_.max_string_length) {
      return make_error(ErrorCode::InvalidField, "languages", "languages are non-empty strings");
    }
  }
  std::vector<std::pair<Symbol, std::uint16_t>> declared;
  for (const auto& [name, capacity] : c.channels) {
    const Symbol sym = symbols_.find(name);
    if (sym == kNoSymbol || policy.channel_index(sym) < 0) {
      return make_error(ErrorCode::UnknownChannel, "channels." + name,
                        "the policy declares no channel '" + name + "'");
    }
    if (capacity > kMaxCapacity) {
      return make_error(ErrorCode::InvalidField, "channels." + name,
                        "capacity is 0 to " + std::to_string(kMaxCapacity));
    }
    for (const auto& d : declared) {
      if (d.first == sym)
        return make_error(ErrorCode::InvalidField, "channels." + name, "given twice");
    }
    declared.emplace_back(sym, static_cast<std::uint16_t>(capacity));
  }
  if (auto err = validate_attributes(c.attributes, "attributes")) return *err;

  if (symbols_.size() + 1 + c.languages.size() + 2 * c.attributes.size() > limits_.max_symbols) {
    return make_error(ErrorCode::LimitExceeded, "attributes", "too many distinct names and values");
  }
  const AgentIndex found = agent_index_.find(c.agent_id);
  const bool is_new = found == kNone;
  if (is_new && agents_.size() >= limits_.max_agents) {
    return over_limit("agent_id", limits_.max_agents, "agents");
  }
  // New capacities must hold the current load: no agent is ever over capacity.
  Agent draft;
  draft.declared_channels = declared;
  rebuild_slots(draft);
  if (!is_new) {
    const Agent& current = agents_[found];
    for (std::size_t ch = 0; ch < current.slots.size(); ++ch) {
      if (current.slots[ch].load > draft.slots[ch].capacity) {
        const std::string& name = symbols_.name(policy.channels[ch].name);
        return make_error(ErrorCode::CapacityBelowLoad, "channels." + name,
                          "the agent holds " + std::to_string(current.slots[ch].load) +
                              " interaction(s) on " + name);
      }
    }
  }

  AgentIndex a;
  if (is_new) {
    a = static_cast<AgentIndex>(agents_.size());
    agents_.emplace_back();
    agents_[a].id_sym = symbols_.intern(c.agent_id);
    agents_[a].idle_since = now_;
    agents_[a].idle_seq = ++last_idle_seq_;
    agents_[a].slots.assign(policy.channels.size(), ChannelSlots{});
    agent_index_.insert(c.agent_id, a);
  } else {
    a = found;
  }
  Agent& agent = agents_[a];
  agent.kind = c.kind;
  agent.skills.clear();
  for (const auto& [name, level] : c.skills) {
    agent.skills.push_back(SkillLevel{symbols_.intern(name), static_cast<std::uint8_t>(level)});
  }
  std::sort(agent.skills.begin(), agent.skills.end(),
            [](const SkillLevel& x, const SkillLevel& y) { return x.skill < y.skill; });
  agent.languages.clear();
  agent.language_mask = 0;
  for (const std::string& lang : c.languages) {
    const Symbol language = symbols_.intern(lang);
    agent.languages.push_back(language);
    const std::uint64_t bit = language_bit(language, true);
    agent.language_mask |= bit != 0 ? bit : kLanguageOverflow;
  }
  agent.attributes.clear();
  for (const auto& [key, value] : c.attributes) {
    set_attr(agent.attributes, symbols_.intern(key), AttrValue::of(value, symbols_));
  }
  agent.declared_channels = std::move(declared);
  rebuild_slots(agent);
  rebuild_nodes(a);
  fill_agent(a, events);
  Reply reply;
  reply.presence = effective_presence(agents_[a]);
  return reply;
}

void Core::rebuild_slots(Agent& agent) {
  const LinkedPolicy& policy = *policy_;
  agent.slots.resize(policy.channels.size());
  for (std::size_t ch = 0; ch < policy.channels.size(); ++ch) {
    std::uint32_t capacity =
        agent.declared_channels.empty() ? policy.channels[ch].config.default_capacity : 0;
    for (const auto& [sym, cap] : agent.declared_channels) {
      if (sym == policy.channels[ch].name) capacity = cap;
    }
    agent.slots[ch].capacity = static_cast<std::uint16_t>(std::min(capacity, kMaxCapacity));
  }
}

Result<Reply> Core::set_agent_state(const SetAgentState& c, std::vector<Event>& events) {
  const AgentIndex found = agent_index_.find(c.agent_id);
  if (found == kNone) {
    return make_error(ErrorCode::NotFound, "agent_id", "no agent '" + c.agent_id + "'");
  }
  if (c.state == Presence::WrapUp) {
    return make_error(ErrorCode::InvalidField, "state", "state is available, away or offline");
  }
  if (c.reason.size() > limits_.max_string_length) {
    return over_limit("reason", limits_.max_string_length, "characters");
  }
  const Symbol reason = c.reason.empty() ? kNoSymbol : symbols_.intern(c.reason);
  set_presence(found, c.state, reason, events);
  Reply reply;
  reply.presence = effective_presence(agents_[found]);
  return reply;
}

void Core::set_presence(AgentIndex a, Presence p, Symbol reason, std::vector<Event>& events) {
  Agent& agent = agents_[a];
  if (agent.presence == p && agent.away_reason == reason) return;
  const bool was_available = agent.presence == Presence::Available;
  agent.presence = p;
  agent.away_reason = reason;
  events.push_back(
      Event{now_, AgentStateChanged{symbols_.name(agent.id_sym), effective_presence(agent),
                                    reason == kNoSymbol ? "" : symbols_.name(reason)}});
  if (p == Presence::Available) {
    if (!was_available) {
      touch(a);
    } else {
      relink(a);
    }
    fill_agent(a, events);
    return;
  }
  relink(a);  // unlinks every node: nothing new is offered to an agent who is not available
  // Pending offers go back to routing, and nobody waits for an agent who left.
  if (agents_[a].pending_offers > 0) {
    // Agents keep no list of their offers (24 bytes each, for a rare event): find them, in
    // the order they were made.
    std::vector<std::pair<OfferId, InteractionIndex>> offered;
    for (const auto& [offer, i] : offers_) {
      if (interactions_[i].agent == a) offered.emplace_back(offer, i);
    }
    std::sort(offered.begin(), offered.end());
    for (const auto& [offer, i] : offered) end_offer(i, OfferEndReason::Withdrawn, events);
  }
  const std::vector<InteractionIndex> held = agents_[a].held;
  for (InteractionIndex i : held) {
    leave_waiting(i);
    place(i, events, true);
  }
}

std::uint64_t Core::language_bit(Symbol language, bool assign) {
  if (const std::uint64_t bit = language_bit(language); bit != 0 || !assign) return bit;
  if (language_bits_.size() == 63) return 0;  // bit 63 is kLanguageOverflow
  const std::uint64_t bit = std::uint64_t{1} << language_bits_.size();
  language_bits_.insert(
      std::lower_bound(language_bits_.begin(), language_bits_.end(), language,
                       [](const auto& entry, Symbol s) { return entry.first < s; }),
      {language, bit});
  return bit;
}

std::uint64_t Core::language_bit(Symbol language) const {
  auto at = std::lower_bound(language_bits_.begin(), language_bits_.end(), language,
                             [](const auto& entry, Symbol s) { return entry.first < s; });
  return at != language_bits_.end() && at->first == language ? at->second : 0;
}

Presence Core::effective_presence(const Agent& agent) const {
  if (agent.presence == Presence::Available && agent.wrap_ups > 0) return Presence::WrapUp;
  return agent.presence;
}

bool Core::has_free_slot(const Agent& agent) const {
  for (std::uint32_t ch = 0; ch < agent.slots.size(); ++ch) {
    if (free_slots(agent, ch) > 0) return true;
  }
  return false;
}

void Core::reserve_slot(AgentIndex a, std::uint32_t channel) {
  Agent& agent = agents_[a];
  ChannelSlots& s = agent.slots[channel];
  SB_CHECK(s.load < s.capacity);
  ++s.load;
  agent.busy_channels |= 1ull << channel;
  touch(a);
}

void Core::release_slot(AgentIndex a, std::uint32_t channel) {
  Agent& agent = agents_[a];
  ChannelSlots& s = agent.slots[channel];
  SB_CHECK(s.load > 0);
  --s.load;
  if (s.load == 0) agent.busy_channels &= ~(1ull << channel);
  touch(a);
}

void Core::touch(AgentIndex a) {
  agents_[a].idle_since = now_;
  agents_[a].idle_seq = ++last_idle_seq_;
  relink(a, true);
}

void Core::rebuild_nodes(AgentIndex a) {
  pools_.free_run(agents_[a].first_node, agents_[a].node_count);
  agents_[a].first_node = kNone;
  agents_[a].node_count = 0;
  const LinkedPolicy& policy = *policy_;
  std::vector<std::pair<std::uint32_t, ClassKey>>& memberships = membership_scratch_;
  memberships.clear();
  for (std::size_t g = 0; g < policy.pool_groups.size(); ++g) {
    const std::size_t q = policy.pool_groups[g].front();  // every queue of a group is alike here
    const LinkedQueue& queue = policy.queues[q];
    std::optional<ClassKey> family;  // the channel-free part, evaluated once per queue
    for (std::size_t ch = 0; ch < policy.channels.size(); ++ch) {
      if (!(queue.channel_mask & (1ull << ch)) || agents_[a].slots[ch].capacity == 0) continue;
      if (!family) family = family_key(agents_[a], q);
      if (family->step_mask == 0) break;  // no step of this queue takes this agent, on any channel
      memberships.emplace_back(pools_.pool_id(g, ch),
                               with_channel(*family, agents_[a], static_cast<std::uint32_t>(ch)));
    }
  }
  const auto count = static_cast<std::uint32_t>(memberships.size());
  const std::uint32_t first = pools_.allocate_run(count);
  for (std::uint32_t k = 0; k < count; ++k) {
    pools_.init_node(first + k, a, memberships[k].first, memberships[k].second,
                     agents_[a].language_mask);
  }
  agents_[a].first_node = first;
  agents_[a].node_count = count;
  relink(a);
}

void Core::relink(AgentIndex a, bool touched) {
  const Agent& agent = agents_[a];
  std::uint32_t free_by_channel[kMaxChannels];
  for (std::uint32_t ch = 0; ch < agent.slots.size(); ++ch)
    free_by_channel[ch] = free_slots(agent, ch);
  for (std::uint32_t n : agent.nodes()) {
    const PoolNode& node = pools_.node(n);
    const std::uint32_t free = free_by_channel[pools_.channel_of(n)];
    if (node.cls != kNone && free > 0 &&
        pools_.pool(node.pool).classes[node.cls].key.free == free) {
      if (touched) pools_.move_to_tail(n);  // same class; only the idle order changed
      continue;
    }
    pools_.unlink(n);
    if (free == 0) continue;
    // The queue is looked up only for a class that does not exist yet (rarely): finding it
    // reads two scattered records, a cache miss or two on every relinked node otherwise.
    const std::uint32_t group = node.pool / static_cast<std::uint32_t>(pools_.channels());
    pools_.link(
        n, free,
        [this, group](const ClassKey& key) {
          const LinkedQueue& queue = policy_->queues[policy_->pool_groups[group].front()];
          return static_score(key.skill_sum, queue.skills.size(), key.free, key.capacity,
                              queue.weights.skill, queue.weights.load);
        },
        touched);
  }
}

ClassKey Core::class_key(const Agent& agent, std::size_t queue_index, std::uint32_t channel) const {
  return with_channel(family_key(agent, queue_index), agent, channel);
}

ClassKey Core::family_key(const Agent& agent, std::size_t queue_index) const {
  const LinkedPolicy& policy = *policy_;
  const LinkedQueue& queue = policy.queues[queue_index];
  EvalContext ctx;
  ctx.agent = &agent;
  ctx.now = now_;
  ClassKey key;
  for (std::size_t k = 0; k < queue.steps.size(); ++k) {
    if (evaluate(queue.steps[k].agent_only, ctx)) key.step_mask |= 1u << k;
  }
  std::uint32_t sum = 0;
  for (Symbol s : queue.skills) sum += agent.skill_level(s);
  key.skill_sum = static_cast<std::uint16_t>(sum);
  key.deescalation = agent.skill_level(policy.deescalation_skill);
  return key;
}

ClassKey Core::with_channel(ClassKey key, const Agent& agent, std::uint32_t channel) const {
  key.capacity = static_cast<std::uint8_t>(agent.slots[channel].capacity);
  key.free = static_cast<std::uint8_t>(free_slots(agent, channel));
  return key;
}

}  // namespace sb::core
