// `switchboard simulate --record DIR`: the simulation's commands written into a data directory as
// a live engine's journal holds them (segments of stamped commands, the policy with its YAML
// source), so that `switchboard replay` can read a simulated day back — to try the what-if
// replay, or to measure it. Main thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/journal/file_journal.h"
#include "switchboard/command.h"

namespace sb::app {

class SimulationRecorder {
 public:
  // Opens a journal in `dir`, created if need be; it must hold no journal yet. `policy_source`
  // is the YAML the simulated policy was compiled from: the journal records it with each
  // SetPolicy. The reason on failure.
  static std::optional<std::string> open(const std::string& dir, std::string policy_source,
                                         std::unique_ptr<SimulationRecorder>& out);

  // Buffers the command; the journal is written in batches.
  void record(const Command& command, Timestamp at);
  // Writes what is buffered and closes the journal; the first error, if any.
  std::optional<std::string> finish();
  std::uint64_t commands() const { return next_sequence_ - 1; }

 private:
  SimulationRecorder() = default;
  void flush();

  std::unique_ptr<journal::FileJournal> journal_;
  std::string policy_source_;
  std::vector<Command> commands_;
  std::vector<Timestamp> times_;
  std::uint64_t next_sequence_ = 1;
  std::optional<std::string> error_;
};

}  // namespace sb::app
