// The embedded journal: segment files in the data directory (format.h), appended with pwrite and
// made durable with fdatasync as the fsync policy says, and snapshots written by a background
// thread. With `always` the fdatasync runs on a sync thread of its own: write() returns once the
// batch is in the page cache and asks for a sync; wait_durable() waits for it. The core thread
// thus applies one batch while the disk syncs the next (pipelined group commit), and still
// applies nothing that is not durable. A failed sync cuts off every record not yet durable.
//
// A snapshot is the core's state after the last record it covers (Core::save_state). The live
// core is never paused for it: the snapshot thread rebuilds that state in a core of its own —
// the previous snapshot loaded, the sealed segments replayed through it, which the core's
// determinism makes the very state the live core had there — saves it into one file written
// atomically (temp file, fsync, rename, fsync of the directory), and then deletes the previous
// snapshot and the segments it covers (unless `keep_history`). Restarting then costs the
// state's size plus the journal since the snapshot, not the whole history.
//
// Thread contract: open() and every Journal method on one thread (the core thread); stats()
// from any. The snapshot thread touches only files the core thread no longer writes; the sync
// thread only fdatasyncs the current segment, and the core thread lets it finish (settle())
// before it seals, closes or cuts back that segment's synced part. (A failed write cuts off only
// its own bytes, past everything a sync under way covers.)
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/core/core.h"
#include "engine/journal/journal.h"
#include "engine/journal/recovery.h"

namespace sb::journal {

struct FileJournalOptions {
  std::string dir;
  FsyncPolicy fsync = FsyncPolicy::Always;
  std::chrono::microseconds fsync_interval{10'000};
  std::uint64_t segment_bytes = 64ull << 20;  // a segment is sealed past this size
  // A snapshot is taken after this many commands or this long (0: never by that measure),
  // whichever comes first, if any command came since the last one.
  std::uint64_t snapshot_every_commands = 1'000'000;
  std::chrono::seconds snapshot_every{600};
  // How the snapshot thread rebuilds the state: the policy compiler recovery uses and the live
  // core's limits (a core with other limits could decide otherwise). Without a compiler no
  // snapshot is taken.
  PolicyCompiler compile;
  core::CoreLimits core_limits;
  // Keep the segments a snapshot covers (for `switchboard replay --policy`, which reads every
  // record from the first); else they are deleted.
  bool keep_history = false;
  // Where the snapshot thread reports (called on that thread); may be empty.
  std::function<void(const std::string&)> info;
  std::function<void(const std::string&)> warn;
};

// The write-path system calls, so that tests can make them fail like a full or failing disk
// (LevelDB's Env, in small). The default calls the kernel.
class FileOps {
 public:
  virtual ~FileOps() = default;
  virtual ssize_t pwrite(int fd, const void* data, std::size_t size, off_t offset);
  virtual int fdatasync(int fd);
  virtual int open_segment(const std::string& path);  // create/truncate for writing
};

class FileJournal final : public Journal {
 public:
  // Opens the journal for appending after recovery: a new segment starting at `next_sequence`.
  // `ops` may be null (the kernel).
  static Status open(FileJournalOptions options, std::uint64_t next_sequence,
                     std::unique_ptr<FileJournal>& out, std::shared_ptr<FileOps> ops = nullptr);
  ~FileJournal() override;  // finishes a snapshot in progress, then closes

  Status write(std::span<const Entry> batch) override;
  Status wait_durable(std::uint64_t sequence, bool may_sync_here) override;
  bool durable_when_written() const override { return options_.fsync != FsyncPolicy::Always; }
  Status mark(std::uint64_t last_sequence, Timestamp at, std::uint64_t state_hash) override;
  Status poll() override;
  std::optional<std::chrono::steady_clock::time_point> poll_deadline() const override;
  bool healthy() const override { return healthy_.load(std::memory_order_acquire); }
  Status repair() override;
  JournalStats stats() const override;

  // Starts a snapshot now if there is anything to compact and none is being written; false if
  // not started. Then wait_for_snapshots() waits until the snapshot thread is idle.
  bool snapshot_now();
  void wait_for_snapshots();
  // Last snapshot written: what it covers, its size and how long it took.
  struct SnapshotInfo {
    std::string path;
    std::uint64_t bytes = 0;
    std::uint64_t last_sequence = 0;
    std::uint64_t replayed = 0;  // commands replayed onto the previous snapshot to make it
    std::size_t agents = 0;
    std::size_t live_interactions = 0;
    double seconds = 0;
    double finished_unix_s = 0;
  };
  std::optional<SnapshotInfo> last_snapshot() const;

 private:
  FileJournal(FileJournalOptions options, std::shared_ptr<FileOps> ops);
  // A snapshot to make: the state after last_sequence, from the newest snapshot and `segments`
  // (sealed, deleted once the snapshot is durable unless keep_history).
  struct Job {
    std::vector<std::string> segments;
    std::uint64_t last_sequence = 0;
  };

  Status start_segment();  // seals the current one (if it has records) and opens the next
  Status write_all(const std::string& bytes);
  Status sync();  // timed fdatasync of the current segment, on the calling thread
  void fail(const std::string& why);
  // `always`: waits until the sync thread has done all it was asked; on a failed sync, cuts off
  // what was not durable (roll_back) and returns the error.
  Status settle();
  void roll_back(const std::string& why);
  void sync_loop();
  // Runs one sync of everything asked so far; called with sync_mutex_ held (released meanwhile).
  void run_sync(std::unique_lock<std::mutex>& lock);
  void maybe_snapshot(bool force, bool* started);
  void snapshot_loop();
  Status write_snapshot(const Job& job, SnapshotInfo& info);
  Status sync_dir();

  FileJournalOptions options_;
  std::shared_ptr<FileOps> ops_;
  int dir_fd_ = -1;
  int fd_ = -1;
  std::string segment_path_;
  std::uint64_t segment_first_ = 0;
  std::uint64_t size_ = 0;  // bytes of the current segment that hold good records
  bool segment_has_records_ = false;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t commands_since_snapshot_ = 0;
  std::chrono::steady_clock::time_point last_snapshot_;
  bool dirty_ = false;  // written, not yet fdatasync'd (interval and none)
  std::chrono::steady_clock::time_point dirty_since_;
  std::string buffer_;
  std::string payload_;
  std::string failure_;  // why the journal became unhealthy
  // `always`: the batches written but not known durable yet, oldest first (core thread only).
  struct Unsynced {
    std::uint64_t first_sequence = 0;
    std::uint64_t offset = 0;  // where the batch starts in the segment
  };
  std::deque<Unsynced> unsynced_;

  std::atomic<bool> healthy_{true};
  std::atomic<std::uint64_t> records_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> snapshots_{0};
  std::atomic<std::uint64_t> snapshot_failures_{0};
  FsyncHistogram fsync_;

  // Shared with the snapshot thread.
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<std::string> snapshot_path_;  // the newest snapshot
  std::vector<std::string> sealed_;           // segments no snapshot covers yet, in order
  std::optional<Job> job_;
  bool busy_ = false;
  bool stopping_ = false;
  std::optional<SnapshotInfo> last_info_;
  std::thread snapshot_thread_;

  // Shared with the sync thread (`always` only).
  std::mutex sync_mutex_;
  std::condition_variable sync_cv_;
  int sync_fd_ = -1;                       // the current segment's (set by start_segment)
  std::uint64_t sync_requested_ = 0;       // the last sequence asked to be made durable
  std::uint64_t synced_ = 0;               // the last sequence known durable
  bool sync_busy_ = false;                 // a sync is under way (on either thread)
  std::optional<std::string> sync_error_;  // a failed sync not yet rolled back
  bool sync_stopping_ = false;
  std::thread sync_thread_;
};

}  // namespace sb::journal
