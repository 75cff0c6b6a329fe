#include "engine/app/sim_recorder.h"

#include <filesystem>

#include "engine/journal/format.h"

namespace sb::app {
namespace {

constexpr std::size_t kBatch = 4096;

}  // namespace

std::optional<std::string> SimulationRecorder::open(const std::string& dir,
                                                    std::string policy_source,
                                                    std::unique_ptr<SimulationRecorder>& out) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (journal::parse_segment_name(name) || journal::parse_snapshot_name(name)) {
      return dir + ": already holds a journal; record into an empty directory";
    }
  }
  journal::FileJournalOptions options;
  options.dir = dir;
  options.fsync = journal::FsyncPolicy::None;  // a recording, not acknowledgements
  options.snapshot_every_commands = 0;
  options.snapshot_every = std::chrono::seconds(0);
  std::unique_ptr<SimulationRecorder> r(new SimulationRecorder());
  r->policy_source_ = std::move(policy_source);
  if (journal::Status s = journal::FileJournal::open(options, 1, r->journal_); !s.ok()) {
    return s.message();
  }
  r->commands_.reserve(kBatch);
  r->times_.reserve(kBatch);
  out = std::move(r);
  return std::nullopt;
}

void SimulationRecorder::record(const Command& command, Timestamp at) {
  if (const auto* set = std::get_if<SetPolicy>(&command)) {
    commands_.push_back(SetPolicy{set->policy, policy_source_});
  } else {
    commands_.push_back(command);
  }
  times_.push_back(at);
  if (commands_.size() >= kBatch) flush();
}

void SimulationRecorder::flush() {
  if (commands_.empty()) return;
  std::vector<journal::Entry> batch;
  batch.reserve(commands_.size());
  for (std::size_t k = 0; k < commands_.size(); ++k) {
    batch.push_back(journal::Entry{next_sequence_ + k, times_[k], &commands_[k]});
  }
  if (!error_) {
    if (journal::Status s = journal_->append(batch); !s.ok()) error_ = s.message();
  }
  next_sequence_ += commands_.size();
  commands_.clear();
  times_.clear();
}

std::optional<std::string> SimulationRecorder::finish() {
  flush();
  journal_.reset();
  return error_;
}

}  // namespace sb::app
