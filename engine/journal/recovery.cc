#include "engine/journal/recovery.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "engine/common/byte_codec.h"
#include "engine/journal/codec.h"
#include "engine/journal/crc32c.h"
#include "engine/journal/format.h"
#include "engine/journal/reader.h"

namespace sb::journal {
namespace {

namespace fs = std::filesystem;

Error failure(std::string message) {
  return make_error(ErrorCode::InvalidState, "journal", std::move(message));
}

std::string at(const std::string& file, std::uint64_t offset) {
  return file + " at offset " + std::to_string(offset);
}

bool cut(const std::string& path, std::uint64_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::ftruncate(fd, static_cast<off_t>(size)) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

void sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

class Replayer {
 public:
  Replayer(core::Core& core, const PolicyCompiler& compile, RecoveryReport& report,
           const std::function<void(const ReplayStep&)>& observe)
      : core_(core), compile_(compile), report_(report), observe_(observe) {}

  std::uint64_t expected() const { return expected_; }
  void skip_to(std::uint64_t last) { expected_ = last + 1; }

  // Applies one record; an error message (with where) when it cannot.
  std::optional<std::string> apply(const RecordView& r, const std::string& file,
                                   std::uint64_t offset) {
    if (r.type == RecordType::Mark) {
      if (r.sequence + 1 != expected_) return std::nullopt;  // before the snapshot: already past
      if (r.at < core_.now() || r.payload.size() != 8) {
        return at(file, offset) + ": a malformed mark record";
      }
      core_.advance(r.at, events_);
      if (observe_ && !events_.empty())
        observe_(ReplayStep{r.sequence, r.at, nullptr, nullptr, events_});
      events_.clear();
      ++report_.marks;
      if (core_.state_hash() != get_le<std::uint64_t>(r.payload.data())) {
        ++report_.marks_mismatched;
        report_.warnings.push_back("the state hash after replay differs from the live one at " +
                                   at(file, offset));
      }
      report_.last_at = r.at;
      return std::nullopt;
    }
    if (r.sequence < expected_) return std::nullopt;  // covered by the snapshot
    if (r.sequence != expected_) {
      return at(file, offset) + ": expected sequence " + std::to_string(expected_) + ", found " +
             std::to_string(r.sequence) + " (records are missing)";
    }
    if (r.at < core_.now()) return at(file, offset) + ": the record's time goes backwards";
    auto decoded = decode_command(r.payload);
    if (!decoded.ok()) return at(file, offset) + ": " + decoded.error().message;
    Command& command = decoded.value().command;
    std::uint64_t policy_version = 0;
    if (auto* set = std::get_if<SetPolicy>(&command)) {
      policy_version = decoded.value().policy_version;
      auto compiled = compile_(set->source, policy_version);
      if (!compiled.ok()) {
        return at(file, offset) + ": the journaled policy v" + std::to_string(policy_version) +
               " does not compile: " + compiled.error().message;
      }
      set->policy = compiled.value();
    }
    if (observe_) {
      core_.advance(r.at, events_);
      if (!events_.empty()) observe_(ReplayStep{r.sequence, r.at, nullptr, nullptr, events_});
      events_.clear();
    }
    auto result = core_.apply(command, r.at, events_);
    if (observe_) observe_(ReplayStep{r.sequence, r.at, &command, &result, events_});
    events_.clear();
    ++report_.commands;
    if (!result.ok()) {
      ++report_.rejected;
    } else if (auto* set = std::get_if<SetPolicy>(&command)) {
      report_.policy = std::pair{policy_version, std::move(set->source)};
    }
    report_.last_sequence = r.sequence;
    report_.last_at = r.at;
    ++expected_;
    return std::nullopt;
  }

 private:
  core::Core& core_;
  const PolicyCompiler& compile_;
  RecoveryReport& report_;
  const std::function<void(const ReplayStep&)>& observe_;
  std::vector<Event> events_;
  std::uint64_t expected_ = 1;
};

// Checks every record of a snapshot; the reason when it is not valid.
std::optional<std::string> check_snapshot(const std::string& path, std::string_view bytes,
                                          SnapshotHeader& header) {
  auto h = parse_snapshot_header(bytes);
  if (!h) return "not a valid snapshot header";
  header = *h;
  if (bytes.size() - kSnapshotHeaderSize != h->body_bytes) return "its size is not its header's";
  std::uint64_t n = 0;
  std::uint64_t last = 0;
  auto damage = scan_records(bytes, kSnapshotHeaderSize, [&](const RecordView& r, std::uint64_t) {
    ++n;
    if (r.type == RecordType::Command) last = r.sequence;
    return true;
  });
  if (damage) return at(path, damage->offset) + ": " + damage->what;
  if (n != h->records) return "it holds fewer records than its header says";
  if (last != h->last_sequence) return "its last sequence is not its header's";
  return std::nullopt;
}

// A state snapshot's problem: `fatal` when its bytes are sound but cannot be loaded (then an
// older snapshot would hide a problem of this version, not damage), else it is skipped.
struct StateProblem {
  bool fatal = false;
  std::string message;
};

std::optional<StateProblem> load_state_snapshot(core::Core& core, const std::string& path,
                                                std::string_view bytes,
                                                const PolicyCompiler& compile,
                                                RecoveryReport& report) {
  auto h = parse_state_snapshot_header(bytes);
  if (!h) return StateProblem{false, "not a valid state snapshot header"};
  if (bytes.size() - kStateSnapshotHeaderSize != h->body_bytes) {
    return StateProblem{false, "its size is not its header's"};
  }
  const std::string_view body = bytes.substr(kStateSnapshotHeaderSize);
  if (crc32c(body) != h->body_crc) return StateProblem{false, "bad CRC32C of its body"};
  ByteReader r(body);
  const std::uint64_t version = r.u64();
  std::string source = r.str();
  if (!r.ok()) return StateProblem{false, "its policy is truncated"};
  std::shared_ptr<const Policy> policy;
  if (version != 0) {
    auto compiled = compile(source, version);
    if (!compiled.ok()) {
      return StateProblem{true, path + ": its policy v" + std::to_string(version) +
                                    " does not compile: " + compiled.error().message};
    }
    policy = compiled.value();
  }
  auto loaded = core.load_state(body.substr(r.position()), policy);
  if (!loaded.ok()) {
    return StateProblem{true, path + ": " + loaded.error().message +
                                  ". Move it out of the data directory to recover from the "
                                  "journal alone, if it still holds what the snapshot covers."};
  }
  report.snapshot = path;
  report.from_state = true;
  if (version != 0) report.policy = std::pair{version, std::move(source)};
  report.last_sequence = h->last_sequence;
  report.last_at = h->last_at;
  return std::nullopt;
}

}  // namespace

Result<RecoveryReport> recover(core::Core& core, const RecoveryOptions& options,
                               const PolicyCompiler& compile) {
  const auto start = std::chrono::steady_clock::now();
  RecoveryReport report;
  std::error_code ec;
  if (!fs::exists(options.dir, ec)) return report;

  std::map<std::uint64_t, std::string, std::greater<>> snapshots;  // newest first
  std::map<std::uint64_t, std::string> segments;
  for (const auto& entry : fs::directory_iterator(options.dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string path = entry.path().string();
    if (auto first = parse_segment_name(name)) segments.emplace(*first, path);
    if (auto last = parse_snapshot_name(name)) snapshots.emplace(*last, path);
    if (name.ends_with(".snap.tmp") && !options.read_only) {
      fs::remove(entry.path(), ec);  // an interrupted snapshot
    }
  }
  if (ec) return failure("cannot list " + options.dir + ": " + ec.message());

  Replayer replay(core, compile, report, options.observe);
  std::optional<std::uint64_t> passed_state;  // a state snapshot an observer passed over
  for (const auto& snapshot : snapshots) {
    const std::string& path = snapshot.second;  // a plain reference: lambdas below capture it
    MappedFile file;
    if (Status s = file.open(path); !s.ok()) {
      report.warnings.push_back("skipping snapshot: " + s.message());
      continue;
    }
    if (file.bytes().starts_with(kStateSnapshotMagic)) {
      if (options.observe) {
        if (!passed_state) passed_state = snapshot.first;
        continue;
      }
      auto problem = load_state_snapshot(core, path, file.bytes(), compile, report);
      if (problem && problem->fatal) return failure(problem->message);
      if (problem) {
        report.warnings.push_back("skipping damaged snapshot " + path + ": " + problem->message);
        continue;
      }
      replay.skip_to(report.last_sequence);
      break;
    }
    SnapshotHeader header;
    if (auto bad = check_snapshot(path, file.bytes(), header)) {
      report.warnings.push_back("skipping damaged snapshot " + path + ": " + *bad);
      continue;
    }
    std::optional<std::string> error;
    scan_records(file.bytes(), kSnapshotHeaderSize, [&](const RecordView& r, std::uint64_t off) {
      error = replay.apply(r, path, off);
      return !error;
    });
    if (error) return failure(*error);
    report.snapshot = path;
    replay.skip_to(header.last_sequence);
    break;
  }

  // A crash between a snapshot's rename and the deletion of its predecessor leaves both.
  if (report.snapshot && !options.read_only) {
    bool older = false;
    for (const auto& [last, path] : snapshots) {
      if (older) fs::remove(path, ec);
      older = older || path == *report.snapshot;
    }
  }

  std::vector<std::pair<std::uint64_t, std::string>> ordered(segments.begin(), segments.end());
  if (passed_state && !report.snapshot && (ordered.empty() || ordered.front().first != 1)) {
    return failure("the journal up to sequence " + std::to_string(*passed_state) +
                   " survives only as a state snapshot, and this reads every record from the "
                   "first: keep the whole journal with journal.keep_history: true "
                   "(docs/operations.md)");
  }
  bool stopped = false;  // reached options.stop_after
  for (std::size_t k = 0; k < ordered.size() && !stopped; ++k) {
    // Past stop_after: not even opened (the snapshot writer must not map the segment the core
    // thread is writing, which a failed write may cut back under it).
    if (options.stop_after != 0 && ordered[k].first > options.stop_after) break;
    const std::string& path = ordered[k].second;
    const bool last_segment = k + 1 == ordered.size();
    if (report.snapshot && !last_segment && ordered[k + 1].first <= replay.expected()) {
      // Wholly covered by the snapshot (the next segment starts at or before the first record
      // still to replay): kept history, or a crash came between the snapshot's rename and the
      // deletion of what it covers.
      if (!options.read_only && !options.keep_history) fs::remove(path, ec);
      continue;
    }
    MappedFile file;
    if (Status s = file.open(path); !s.ok()) return failure(s.message());
    const std::string_view bytes = file.bytes();
    if (!parse_segment_header(bytes)) {
      if (last_segment && bytes.size() <= kSegmentHeaderSize) {
        // Created, then the crash came before its header was durable.
        report.warnings.push_back("removed " + path + ": an incomplete segment header");
        if (!options.read_only) fs::remove(path, ec);
        continue;
      }
      return failure(at(path, 0) + ": not a valid segment header");
    }
    ++report.segments;
    std::optional<std::string> error;
    const std::uint64_t commands_before = report.commands;
    auto damage =
        scan_records(bytes, kSegmentHeaderSize, [&](const RecordView& r, std::uint64_t off) {
          if (options.stop_after != 0 && r.sequence > options.stop_after) {
            stopped = true;
            return false;
          }
          error = replay.apply(r, path, off);
          return !error;
        });
    if (error && passed_state) {
      return failure(*error + "; the journal up to sequence " + std::to_string(*passed_state) +
                     " survives whole only as a state snapshot, and this reads every record "
                     "from the first: keep the whole journal with journal.keep_history: true");
    }
    if (error) return failure(*error);
    if (!damage) {
      // Wholly covered by the snapshot: a crash came between its rename and this deletion.
      const bool covered = report.snapshot && report.commands == commands_before &&
                           ordered[k].first < replay.expected() && !last_segment;
      if (covered && !options.read_only && !options.keep_history) fs::remove(path, ec);
      continue;
    }
    const std::uint64_t lost = bytes.size() - damage->offset;
    const bool torn =
        last_segment && !valid_record_after(bytes, damage->offset, replay.expected() - 1,
                                            replay.expected() + (1ull << 32));
    if (torn) {
      report.warnings.push_back("cut a torn tail of " + std::to_string(lost) + " bytes (" +
                                damage->what + ") at " + at(path, damage->offset));
      if (!options.read_only && !cut(path, damage->offset)) {
        return failure("cannot cut the torn tail of " + path);
      }
      continue;
    }
    if (!options.truncate_corrupt) {
      return failure(at(path, damage->offset) + ": " + damage->what +
                     ", and good records follow: the journal is damaged in the middle. Start "
                     "with --truncate-corrupt to cut it there; every record after that point "
                     "(" +
                     std::to_string(lost) + " bytes in this file, " +
                     std::to_string(ordered.size() - k - 1) + " later segment(s)) is lost.");
    }
    report.warnings.push_back(
        "--truncate-corrupt: cut " + path + " at offset " + std::to_string(damage->offset) + " (" +
        damage->what + "), " + std::to_string(lost) + " bytes and " +
        std::to_string(ordered.size() - k - 1) + " later segment(s) discarded");
    if (!options.read_only) {
      if (!cut(path, damage->offset)) return failure("cannot cut " + path);
      for (std::size_t j = k + 1; j < ordered.size(); ++j) {
        fs::rename(ordered[j].second, ordered[j].second + ".discarded", ec);
      }
    }
    break;
  }
  if (!options.read_only) sync_dir(options.dir);
  if (report.last_sequence == 0 && replay.expected() > 1) {
    report.last_sequence = replay.expected() - 1;
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace sb::journal
