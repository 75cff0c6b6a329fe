// The write-ahead command journal, as the runtime sees it: an append-only log of the stamped
// commands of each batch, made durable before the batch is applied and answered. FileJournal
// (file_journal.h) keeps it in segment files in the data directory; a replicated log (a
// consensus engine shipping the same records to standbys) would implement the same interface.
//
// Thread contract: a Journal is driven by one thread (the runtime's core thread); stats() may be
// called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "switchboard/command.h"
#include "switchboard/time.h"

namespace sb::journal {

// When appended records reach the disk (config: journal.fsync).
enum class FsyncPolicy {
  Always,    // fdatasync after every batch, before the batch is acknowledged (the default)
  Interval,  // at most `fsync_interval` after the write; a power loss may lose that much
  None,      // never by us: the kernel writes back when it likes
};
std::string_view to_string(FsyncPolicy p);
std::optional<FsyncPolicy> parse_fsync_policy(std::string_view text);

// An error as a value: empty when all went well.
class Status {
 public:
  Status() = default;
  static Status error(std::string message) {
    Status s;
    s.message_ = std::move(message);
    s.failed_ = true;
    return s;
  }
  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
  bool failed_ = false;
};

// One command of a batch, stamped by the runtime.
struct Entry {
  std::uint64_t sequence = 0;
  Timestamp at;
  const Command* command = nullptr;
};

// The fsync latency histogram (seconds), cumulative since start; exposed on /metrics as
// switchboard_journal_fsync_seconds.
inline constexpr std::array<double, 14> kFsyncBuckets = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};

struct JournalStats {
  std::array<std::uint64_t, kFsyncBuckets.size() + 1> fsync_buckets{};  // last: +Inf
  std::uint64_t fsync_count = 0;
  double fsync_sum_s = 0;
  std::uint64_t records = 0;  // appended since start
  std::uint64_t bytes = 0;
  std::uint64_t failures = 0;  // failed appends or syncs
  std::uint64_t snapshots = 0;
  std::uint64_t snapshot_failures = 0;  // snapshots that could not be written (retried later)
  // The last snapshot written: its size, how long it took, when it was done (Unix seconds; 0
  // while there is none since start).
  std::uint64_t last_snapshot_bytes = 0;
  double last_snapshot_seconds = 0;
  double last_snapshot_unix_s = 0;
  bool healthy = true;
};

class Journal {
 public:
  virtual ~Journal() = default;

  // Writes the batch. How durable it is then depends on the policy: with `always` its sync may
  // still be under way (wait_durable() says when it is done), so that the runtime can apply the
  // batch before while the disk syncs this one. On failure nothing of the batch counts (it is
  // cut off again) and the journal is unhealthy until repair() works.
  virtual Status write(std::span<const Entry> batch) = 0;
  // Blocks until every written record up to `sequence` is as durable as the policy says. On
  // failure every record not yet durable — this batch and any written after it — is cut off
  // again, their sequence numbers are free again, and the journal is unhealthy until repair().
  // `may_sync_here`: the caller has nothing else to do, so if no sync is under way yet it runs
  // the sync itself instead of waiting for another thread to wake up, run it and wake the caller
  // (at low load those hand-offs cost more than the sync).
  virtual Status wait_durable(std::uint64_t sequence, bool may_sync_here) = 0;
  // Whether write() alone makes a batch as durable as the policy asks (fsync `interval` and
  // `none`): then there is nothing to wait for, and the runtime applies the batch at once.
  virtual bool durable_when_written() const = 0;
  // write() and wait_durable(): the batch is durable when this returns.
  Status append(std::span<const Entry> batch) {
    Status s = write(batch);
    if (!s.ok() || batch.empty()) return s;
    return wait_durable(batch.back().sequence, true);
  }
  // Records a graceful stop: the live core's state hash at `at`, after `last_sequence`. Replay
  // checks its own hash there. Made durable at once.
  virtual Status mark(std::uint64_t last_sequence, Timestamp at, std::uint64_t state_hash) = 0;
  // Periodic work between batches: the interval fsync, snapshots that fell due.
  virtual Status poll() = 0;
  // How long poll() may wait at most (the next interval fsync); nullopt: no deadline.
  virtual std::optional<std::chrono::steady_clock::time_point> poll_deadline() const = 0;
  virtual bool healthy() const = 0;
  // After a failure: tries to bring the log back to its last good record. True when appends
  // may resume.
  virtual Status repair() = 0;
  virtual JournalStats stats() const = 0;
};

// Cumulative fsync latencies, written by the journal's thread, read by any.
class FsyncHistogram {
 public:
  void observe(double seconds);
  void fill(JournalStats& stats) const;

 private:
  std::array<std::atomic<std::uint64_t>, kFsyncBuckets.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_ns_{0};
};

}  // namespace sb::journal
