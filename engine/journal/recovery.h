// Recovery: rebuilds a fresh core from the data directory — the newest valid snapshot (a saved
// core state, loaded as it is; or, from format 1, a compacted journal, replayed), then the
// segments after it, every record applied through the core at its recorded time, exactly as the
// live loop applied it (rejected commands are rejected again; timers fire at their deadlines as
// time moves). A torn tail (a partial or bad record with nothing valid after it, at the end of
// the last segment) is cut off with a warning; damage followed by good records is an error that
// names the file and the offset, unless `truncate_corrupt` says to cut there.
//
// Thread contract: one call on one thread, before the runtime starts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/core.h"
#include "switchboard/policy.h"
#include "switchboard/result.h"

namespace sb::journal {

// What recovery did at one point of the journal, for an observer (`switchboard replay`'s what-if
// analysis reads the recorded run through it). Either the timers that fell due before a record
// (`command` null: their events, each at its own deadline), or one command applied at `at`
// with the core's answer and the events the command itself caused.
struct ReplayStep {
  std::uint64_t sequence = 0;  // of the record
  Timestamp at;
  const Command* command = nullptr;  // a SetPolicy carries its compiled policy
  const Result<Reply>* result = nullptr;
  std::span<const Event> events;
};

struct RecoveryOptions {
  std::string dir;
  bool truncate_corrupt = false;  // cut the journal at damage in the middle, losing what follows
  bool read_only = false;         // change no file (`switchboard replay`)
  // Segments a snapshot covers are kept (journal.keep_history), not deleted.
  bool keep_history = false;
  // Replay up to this sequence and stop there (the snapshot writer); 0: everything.
  std::uint64_t stop_after = 0;
  // Called for every step, in order, on the calling thread; may be empty. With an observer the
  // timers due before a command fire in a separate advance() first, which the core guarantees
  // is the same as letting apply() fire them. An observer wants every record from the first:
  // state snapshots are passed over, and the journal must hold the whole history
  // (journal.keep_history), or recovery fails saying so.
  std::function<void(const ReplayStep&)> observe;
};

struct RecoveryReport {
  std::optional<std::string> snapshot;  // the snapshot replay started from
  bool from_state = false;              // ... a saved core state (else a compacted journal)
  std::size_t segments = 0;
  std::uint64_t commands = 0;  // replayed
  std::uint64_t rejected = 0;  // of which the core refused (as it did live)
  std::uint64_t marks = 0;     // graceful stops whose state hash was checked
  std::uint64_t marks_mismatched = 0;
  std::uint64_t last_sequence = 0;  // of the last command; the next one is this + 1
  Timestamp last_at;                // of the last record
  // The policy in force after replay: its version and YAML source.
  std::optional<std::pair<std::uint64_t, std::string>> policy;
  std::vector<std::string> warnings;  // torn tails cut, damaged snapshots skipped, ...
  double seconds = 0;
};

// Compiles a journaled policy source into the policy the core installed live.
using PolicyCompiler = std::function<Result<std::shared_ptr<const Policy>>(
    const std::string& source, std::uint64_t version)>;

// Replays the data directory into `core`, which must be fresh. A missing or empty directory is
// a fresh start. Errors (InvalidState) say what is wrong, with file and offset.
Result<RecoveryReport> recover(core::Core& core, const RecoveryOptions& options,
                               const PolicyCompiler& compile);

}  // namespace sb::journal
