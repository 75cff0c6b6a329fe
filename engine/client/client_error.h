// ClientError: what sb_client throws on a network failure (resolve, connect, TLS, timeout, a
// closed WebSocket). HTTP error statuses are not exceptions: they are ordinary responses.
// Immutable once thrown; safe to read from any thread.
#pragma once

#include <stdexcept>
#include <string>

namespace sb::client {

class ClientError : public std::runtime_error {
 public:
  explicit ClientError(const std::string& what, unsigned upgrade_status = 0, std::string body = {})
      : std::runtime_error(what), upgrade_status_(upgrade_status), body_(std::move(body)) {}

  // The HTTP status of a refused WebSocket upgrade (e.g. 401), else 0.
  unsigned upgrade_status() const { return upgrade_status_; }
  // The body of that refusal (the error JSON), else empty.
  const std::string& body() const { return body_; }

 private:
  unsigned upgrade_status_;
  std::string body_;
};

}  // namespace sb::client
