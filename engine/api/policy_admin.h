// The policy endpoints: read the running policy and its history, validate or install a new one.
// Compiling and testing a policy takes milliseconds to a second, so it runs on the admin thread
// owned here, never on an I/O thread and never on the core thread (the reloader hands the core a
// ready SetPolicy). Thread contract: any thread may call; `done` runs on the admin thread.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <string>

#include "engine/api/api_response.h"
#include "engine/policy/reloader.h"

namespace sb::api {

class PolicyAdmin {
 public:
  PolicyAdmin(policy::PolicyReloader& reloader, std::string source_name);
  ~PolicyAdmin();
  PolicyAdmin(const PolicyAdmin&) = delete;
  PolicyAdmin& operator=(const PolicyAdmin&) = delete;

  ApiResponse current() const;
  ApiResponse history() const;
  policy::PolicyReloader::Totals totals() const { return reloader_.totals(); }
  // The running policy's version and the sha256 of its source (for /metrics); none before one.
  std::optional<std::pair<std::uint64_t, std::string>> running() const {
    auto current = reloader_.current();
    if (!current) return std::nullopt;
    return std::pair{current->first, policy::sha256_hex(current->second)};
  }
  void install(std::string yaml, Respond done);
  void validate(std::string yaml, Respond done);

 private:
  policy::PolicyReloader& reloader_;
  std::string source_name_;
  boost::asio::thread_pool admin_{1};
};

// Renders one reload attempt as JSON (also used by the server's log of reloads).
std::string encode_reload_record(const policy::ReloadRecord& record);

}  // namespace sb::api
