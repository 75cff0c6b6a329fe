#include "switchboard/result.h"

namespace sb {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidField:
      return "invalid_field";
    case ErrorCode::UnknownSkill:
      return "unknown_skill";
    case ErrorCode::UnknownChannel:
      return "unknown_channel";
    case ErrorCode::UnknownQueue:
      return "unknown_queue";
    case ErrorCode::NotFound:
      return "not_found";
    case ErrorCode::Conflict:
      return "conflict";
    case ErrorCode::InvalidState:
      return "invalid_state";
    case ErrorCode::CapacityBelowLoad:
      return "capacity_below_load";
    case ErrorCode::NoQueue:
      return "no_queue";
    case ErrorCode::NoPolicy:
      return "no_policy";
    case ErrorCode::LimitExceeded:
      return "limit_exceeded";
    case ErrorCode::JournalUnavailable:
      return "journal_unavailable";
    case ErrorCode::Overloaded:
      return "overloaded";
    case ErrorCode::ShuttingDown:
      return "shutting_down";
  }
  return "unknown";
}

}  // namespace sb
