// Commands: everything that changes routing state, as plain structs. The API decodes requests
// into these, the runtime stamps them with a sequence and a time, the journal records them, and
// the core applies them in order. Safe from any thread: plain data.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "switchboard/policy.h"
#include "switchboard/types.h"

namespace sb {

struct UpsertAgent {
  std::string agent_id;
  std::vector<std::pair<std::string, int>> skills;  // name -> proficiency 0..10
  std::vector<std::string> languages;
  std::vector<std::pair<std::string, std::uint32_t>> channels;  // name -> capacity
  Attributes attributes;
  AgentKind kind = AgentKind::Human;
};

// Presence set by the agent or the platform: Available, Away or Offline (never WrapUp).
struct SetAgentState {
  std::string agent_id;
  Presence state = Presence::Available;
  std::string reason;
};

struct CreateInteraction {
  std::string interaction_id;  // client-supplied; the idempotency key
  std::string channel;
  std::string customer_id;
  Attributes attributes;
  double sentiment = 0;  // -1 .. 1
  double priority = 0;
};

// Changes an interaction while it waits or is being handled; absent fields are unchanged.
// Attributes are merged key by key.
struct UpdateInteraction {
  std::string interaction_id;
  std::optional<double> sentiment;
  std::optional<Attributes> attributes;
  std::optional<double> priority;
};

// The customer left (waiting: abandoned) or the platform withdrew it (assigned: cancelled).
struct CancelInteraction {
  std::string interaction_id;
  std::string reason;
};

// To a queue, to a named agent, or (neither) out of this routing domain.
struct TransferInteraction {
  std::string interaction_id;
  std::string queue;
  std::string agent_id;
};

// The agent finished; the interaction enters wrap-up for its channel's wrap-up time.
struct CompleteInteraction {
  std::string interaction_id;
  std::string outcome = "resolved";
};

struct AcceptOffer {
  OfferId offer_id = 0;
};

struct RejectOffer {
  OfferId offer_id = 0;
  std::string reason;
};

// Installs a compiled policy. `source` is the YAML text it was compiled from: the journal records
// it (with the policy's version) so that replay can compile the same policy again; empty for
// policies built in code (tests, benchmarks), which cannot be journaled.
struct SetPolicy {
  SetPolicy() = default;
  SetPolicy(std::shared_ptr<const Policy> p, std::string text = {})
      : policy(std::move(p)), source(std::move(text)) {}

  std::shared_ptr<const Policy> policy;
  std::string source;
};

using Command = std::variant<UpsertAgent, SetAgentState, CreateInteraction, UpdateInteraction,
                             CancelInteraction, TransferInteraction, CompleteInteraction,
                             AcceptOffer, RejectOffer, SetPolicy>;

// The names of the commands, in the variant's order (the op of the stream and the journal).
inline constexpr std::array<std::string_view, std::variant_size_v<Command>> kCommandNames{
    "agent.upsert",         "agent.state",
    "interaction.create",   "interaction.update",
    "interaction.cancel",   "interaction.transfer",
    "interaction.complete", "offer.accept",
    "offer.reject",         "policy.set"};
std::string_view command_name(const Command& command);

// What a successful command answers. For a create: the interaction's queue and state at
// creation; a retried create with the same content answers the same, with duplicate set.
struct Reply {
  bool duplicate = false;
  std::string interaction_id;  // for interaction and offer commands

  InteractionState state = InteractionState::Queued;
  std::string queue;
  Presence presence = Presence::Offline;  // for agent commands
  friend bool operator==(const Reply&, const Reply&) = default;
};

}  // namespace sb
