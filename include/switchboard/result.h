// Errors as values: a domain error code, the field it concerns and a human message. The core
// returns these instead of throwing; the API maps the code to an HTTP status. Safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sb {

enum class ErrorCode {
  InvalidField,        // a value out of range or malformed
  UnknownSkill,        // a skill the policy does not declare
  UnknownChannel,      // a channel the policy does not declare
  UnknownQueue,        // a queue the policy does not declare
  NotFound,            // no such agent, interaction or offer
  Conflict,            // same id, different content (idempotency)
  InvalidState,        // the command does not apply in the current state
  CapacityBelowLoad,   // an agent update would put the agent over capacity
  NoQueue,             // no queue of the policy takes this interaction
  NoPolicy,            // no routing policy is installed yet
  LimitExceeded,       // a per-field or per-entity limit
  JournalUnavailable,  // the command could not be made durable; nothing changed (retry later)
  Overloaded,          // the routing core could not take the command now (retry later)
  ShuttingDown,        // the routing core has stopped
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::InvalidField;
  std::string field;
  std::string message;
};

// Either a value or an Error; deliberately small (no monadic sugar) and exception-free.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

inline Error make_error(ErrorCode code, std::string field, std::string message) {
  return Error{code, std::move(field), std::move(message)};
}

// A limit_exceeded error: "at most MAX WHAT".
inline Error over_limit(std::string field, std::size_t max, std::string_view what) {
  return Error{ErrorCode::LimitExceeded, std::move(field),
               "at most " + std::to_string(max) + " " + std::string(what)};
}

}  // namespace sb
