// Test helper: the real `switchboard serve` binary as a child process on a free loopback port,
// with a config (and optionally a policy) written to a fresh temporary directory. The start
// waits for the server's "listening on HOST:PORT" line (with a deadline, no sleeps); the
// destructor stops it with SIGTERM (SIGKILL if it does not exit in time).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/client/endpoint.h"

namespace sb::e2e {

// The source tree (for config/routing.yaml and friends).
std::string source_dir();

struct ServerSpec {
  std::string config_yaml;  // written to DIR/switchboard.yaml; empty: every default
  std::string policy_yaml;  // written to DIR/routing.yaml; empty: config/routing.yaml
  std::string listen = "127.0.0.1:0";
  std::vector<std::string> extra_args;
  // The data directory (journal); empty: DIR/data, removed with DIR. A directory given here is
  // kept, so that a later server recovers from it.
  std::string data_dir;
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerSpec spec = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  // The server's process id (for prlimit and the like; signal() and stop() for signals).
  pid_t pid() const { return pid_; }
  client::Endpoint endpoint(std::string token = "") const;
  const std::string& dir() const { return dir_; }
  const std::string& policy_file() const { return policy_file_; }

  void signal(int sig) const;
  // Sends `sig` and waits for the exit; the exit status (128 + signal if killed by one).
  int stop(int sig, std::chrono::milliseconds limit = std::chrono::seconds(15));
  // What the server logged so far.
  std::string log() const;

 private:
  std::string dir_;
  std::string policy_file_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
  std::optional<int> exit_status_;
};

// Runs `switchboard ARGS...` to completion (for start-ups that must fail, and for commands such
// as replay): exit status and what it wrote on standard output and standard error.
struct RunResult {
  int status = -1;
  std::string err;
  std::string out;
};
RunResult run_switchboard(const std::vector<std::string>& args,
                          std::chrono::milliseconds limit = std::chrono::seconds(20));

// tests/e2e/e2e_policy.yaml: the policy most end-to-end tests run with.
std::string e2e_policy();

// A server with the e2e policy and this config.
ServerSpec e2e_spec(std::string config_yaml = "");

// A fresh temporary directory (removed by the caller's ServerProcess or left in /tmp).
std::string make_temp_dir();
void write_file(const std::string& path, const std::string& text);

// Polls `pred` until it holds or `limit` passes; true if it held.
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10));

}  // namespace sb::e2e

#include <thread>

template <typename Pred>
bool sb::e2e::eventually(Pred pred, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}
