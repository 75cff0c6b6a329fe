#include "engine/api/api_error.h"

namespace sb::api {
namespace {

int status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidField:
    case ErrorCode::LimitExceeded:
      return 400;
    case ErrorCode::NotFound:
      return 404;
    case ErrorCode::Conflict:
    case ErrorCode::InvalidState:
    case ErrorCode::CapacityBelowLoad:
      return 409;
    case ErrorCode::UnknownSkill:
    case ErrorCode::UnknownChannel:
    case ErrorCode::UnknownQueue:
    case ErrorCode::NoQueue:
      return 422;
    case ErrorCode::NoPolicy:
    case ErrorCode::JournalUnavailable:
    case ErrorCode::Overloaded:
    case ErrorCode::ShuttingDown:
      return 503;
  }
  return 500;
}

}  // namespace

ApiError from_core_error(const sb::Error& error) {
  ApiError out;
  out.status = status_of(error.code);
  out.code = std::string(to_string(error.code));
  if (!error.field.empty()) out.field = error.field;
  out.message = error.message;
  return out;
}

}  // namespace sb::api
