// StreamClient: a blocking WebSocket session on Switchboard's event stream (/v1/stream), plain or
// TLS, for tools and tests. A read is always pending underneath: messages that arrive while the
// caller is doing something else are kept, in order, for the next read(). Not thread-safe: one
// thread uses an instance at a time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/client/client_error.h"
#include "engine/client/endpoint.h"

namespace sb::client {

class StreamClient {
 public:
  // Connects and upgrades (the endpoint's token in the Authorization header). Throws
  // ClientError if that fails; for a refused upgrade, ClientError::upgrade_status() is the HTTP
  // status (401, 403, …) and ClientError::body() the error body.
  explicit StreamClient(Endpoint e, std::string path = "/v1/stream",
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~StreamClient();  // closes the session (normal closure) if still open
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  // The status of the upgrade response: 101 once connected.
  unsigned upgrade_status() const;

  // Sends one text message. Throws ClientError if the session is closed or the write fails or
  // does not finish within `timeout`.
  void send(std::string_view text, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The next message, nullopt if none arrives within `timeout`. Messages received before the
  // session ended are still returned; after them, throws ClientError (with the close code and
  // reason when the server closed it).
  std::optional<std::string> read(std::chrono::milliseconds timeout);

  // Reads until pred(message) is true and returns that message, discarding the others;
  // nullopt when `timeout` passes first. Throws as read() does.
  std::optional<std::string> read_until(const std::function<bool(const std::string&)>& pred,
                                        std::chrono::milliseconds timeout);

  // Set once the server closed the session (its close code and reason).
  std::optional<int> close_code() const;
  std::string close_reason() const;

  // Closes the session with a normal closure (1000), waiting briefly for the server's echo.
  void close();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::client
