// Reading the stream's answers cheaply: {"op":"reply"|"error","request_id":"…","status":N,…}.
// The load generator tags each request_id with a letter and a number ("c17": create 17).
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sb::loadgen {

struct Reply {
  char tag = 0;         // first letter of the request_id
  std::uint64_t n = 0;  // the number after it
  unsigned status = 0;
};

// nullopt if the message is not an answer with a request_id of that form.
std::optional<Reply> parse_reply(std::string_view message);

}  // namespace sb::loadgen
