// Shared enums and small value types of the routing model (design.md, Model). Safe from any
// thread: plain data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sb {

enum class AgentKind : std::uint8_t { Human, Bot };

// What the agent (or the platform on their behalf) said. WrapUp is derived by the core, never
// set by a command: an agent is in wrap-up while any of their interactions is.
enum class Presence : std::uint8_t { Offline, Available, Away, WrapUp };

enum class InteractionState : std::uint8_t {
  Queued,
  Offered,
  Assigned,
  WrapUp,
  Completed,
  Abandoned,
  Cancelled,
  Transferred,  // handed to a destination outside this routing domain
};

constexpr bool is_terminal(InteractionState s) {
  return s == InteractionState::Completed || s == InteractionState::Abandoned ||
         s == InteractionState::Cancelled || s == InteractionState::Transferred;
}

std::string_view to_string(AgentKind k);
std::string_view to_string(Presence p);
std::string_view to_string(InteractionState s);

// An attribute value of an agent or an interaction: a string, a number or a boolean.
using AttributeValue = std::variant<std::string, double, bool>;
// Attributes as key/value pairs; the core rejects duplicate keys.
using Attributes = std::vector<std::pair<std::string, AttributeValue>>;

using OfferId = std::uint64_t;

}  // namespace sb
