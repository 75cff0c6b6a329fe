// The versioned binary encoding of Commands, the payload of the journal's command records.
// Every variant of switchboard/command.h has a stable tag (never reused; append new ones);
// the segment's format version says how to read them. SetPolicy is recorded as the policy's
// version and YAML source: the journal knows nothing of YAML, so recovery hands the source to a
// compiler it is given (engine/app) to rebuild the same policy. Pure; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "switchboard/command.h"
#include "switchboard/result.h"

namespace sb::journal {

enum class CommandTag : std::uint8_t {
  UpsertAgent = 1,
  SetAgentState = 2,
  CreateInteraction = 3,
  UpdateInteraction = 4,
  CancelInteraction = 5,
  TransferInteraction = 6,
  CompleteInteraction = 7,
  AcceptOffer = 8,
  RejectOffer = 9,
  SetPolicy = 10,
};

// Appends the encoding of `command` to `out`. A SetPolicy must carry its policy (for the
// version) and its source; false (and nothing appended) when it does not.
bool encode_command(const Command& command, std::string& out);

struct DecodedCommand {
  // A SetPolicy comes back with no compiled policy: `policy_version` and `source` say what to
  // compile.
  Command command;
  std::uint64_t policy_version = 0;
};

// The command encoded in `payload`, or an InvalidField error saying what is malformed.
Result<DecodedCommand> decode_command(std::string_view payload);

}  // namespace sb::journal
