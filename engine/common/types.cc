#include "switchboard/types.h"

namespace sb {

std::string_view to_string(AgentKind k) { return k == AgentKind::Bot ? "bot" : "human"; }

std::string_view to_string(Presence p) {
  switch (p) {
    case Presence::Offline:
      return "offline";
    case Presence::Available:
      return "available";
    case Presence::Away:
      return "away";
    case Presence::WrapUp:
      return "wrap_up";
  }
  return "unknown";
}

std::string_view to_string(InteractionState s) {
  switch (s) {
    case InteractionState::Queued:
      return "queued";
    case InteractionState::Offered:
      return "offered";
    case InteractionState::Assigned:
      return "assigned";
    case InteractionState::WrapUp:
      return "wrap_up";
    case InteractionState::Completed:
      return "completed";
    case InteractionState::Abandoned:
      return "abandoned";
    case InteractionState::Cancelled:
      return "cancelled";
    case InteractionState::Transferred:
      return "transferred";
  }
  return "unknown";
}

}  // namespace sb
