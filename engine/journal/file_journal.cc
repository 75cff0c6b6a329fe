#include "engine/journal/file_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "engine/common/assert.h"
#include "engine/journal/codec.h"
#include "engine/journal/crc32c.h"
#include "engine/journal/format.h"
#include "engine/journal/reader.h"

namespace sb::journal {
namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text() { return std::strerror(errno); }

std::string join(const std::string& dir, const std::string& name) { return dir + "/" + name; }

}  // namespace

std::string_view to_string(FsyncPolicy p) {
  switch (p) {
    case FsyncPolicy::Always:
      return "always";
    case FsyncPolicy::Interval:
      return "interval";
    case FsyncPolicy::None:
      return "none";
  }
  return "always";
}

std::optional<FsyncPolicy> parse_fsync_policy(std::string_view text) {
  if (text == "always") return FsyncPolicy::Always;
  if (text == "interval") return FsyncPolicy::Interval;
  if (text == "none") return FsyncPolicy::None;
  return std::nullopt;
}

void FsyncHistogram::observe(double seconds) {
  std::size_t b = 0;
  while (b < kFsyncBuckets.size() && seconds > kFsyncBuckets[b]) ++b;
  buckets_[b].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void FsyncHistogram::fill(JournalStats& stats) const {
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    stats.fsync_buckets[b] = buckets_[b].load(std::memory_order_relaxed);
  }
  stats.fsync_count = count_.load(std::memory_order_relaxed);
  stats.fsync_sum_s = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
}

ssize_t FileOps::pwrite(int fd, const void* data, std::size_t size, off_t offset) {
  return ::pwrite(fd, data, size, offset);
}
int FileOps::fdatasync(int fd) { return ::fdatasync(fd); }
int FileOps::open_segment(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

FileJournal::FileJournal(FileJournalOptions options, std::shared_ptr<FileOps> ops)
    : options_(std::move(options)), ops_(ops ? std::move(ops) : std::make_shared<FileOps>()) {}

Status FileJournal::open(FileJournalOptions options, std::uint64_t next_sequence,
                         std::unique_ptr<FileJournal>& out, std::shared_ptr<FileOps> ops) {
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) return Status::error("cannot create " + options.dir + ": " + ec.message());
  std::unique_ptr<FileJournal> j(new FileJournal(std::move(options), std::move(ops)));
  j->dir_fd_ = ::open(j->options_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (j->dir_fd_ < 0) return Status::error("cannot open " + j->options_.dir + ": " + errno_text());
  j->next_sequence_ = next_sequence;

  // What is on disk already (recovery has checked it): the newest snapshot and the segments
  // after it, all sealed now.
  std::map<std::uint64_t, std::string> segments;
  std::optional<std::uint64_t> newest;
  for (const auto& entry : std::filesystem::directory_iterator(j->options_.dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (auto first = parse_segment_name(name); first && *first < next_sequence) {
      segments.emplace(*first, entry.path().string());
    }
    if (auto last = parse_snapshot_name(name); last && (!newest || *last > *newest)) newest = last;
  }
  if (ec) return Status::error("cannot list " + j->options_.dir + ": " + ec.message());
  if (newest) j->snapshot_path_ = join(j->options_.dir, snapshot_name(*newest));
  for (auto& [first, path] : segments) {
    if (!newest || first > *newest) j->sealed_.push_back(path);
  }

  if (Status s = j->start_segment(); !s.ok()) return s;
  j->last_snapshot_ = Clock::now();
  j->snapshot_thread_ = std::thread([p = j.get()] { p->snapshot_loop(); });
  if (j->options_.fsync == FsyncPolicy::Always) {
    j->synced_ = j->sync_requested_ = next_sequence - 1;
    j->sync_thread_ = std::thread([p = j.get()] { p->sync_loop(); });
  }
  out = std::move(j);
  return {};
}

FileJournal::~FileJournal() {
  {
    std::lock_guard lock(sync_mutex_);
    sync_stopping_ = true;  // the sync thread finishes what it was asked first
  }
  sync_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
  if (fd_ >= 0) {
    if (dirty_) ops_->fdatasync(fd_);
    ::close(fd_);
  }
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

Status FileJournal::sync_dir() {
  if (::fsync(dir_fd_) != 0) return Status::error("fsync of " + options_.dir + ": " + errno_text());
  return {};
}

Status FileJournal::start_segment() {
  if (fd_ >= 0 && !segment_has_records_) return {};  // the current one is still empty: keep it
  // The sync thread must be done with the current segment before it is sealed and closed.
  if (Status s = settle(); !s.ok()) return s;
  // Open the next segment first: if that fails, the current one stays in use.
  const std::string path = join(options_.dir, segment_name(next_sequence_));
  const int fd = ops_->open_segment(path);
  if (fd < 0) return Status::error("cannot create " + path + ": " + errno_text());
  const std::string header = segment_header(next_sequence_);
  auto close_and_fail = [&](const std::string& why) {
    ::close(fd);
    ::unlink(path.c_str());
    return Status::error(why);
  };
  if (ops_->pwrite(fd, header.data(), header.size(), 0) != static_cast<ssize_t>(header.size())) {
    return close_and_fail("cannot write " + path + ": " + errno_text());
  }
  if (ops_->fdatasync(fd) != 0) return close_and_fail("fdatasync " + path + ": " + errno_text());
  if (Status s = sync_dir(); !s.ok()) return close_and_fail(s.message());
  if (fd_ >= 0) {
    // Seal the current segment: durable before anything lands in the next one.
    if (dirty_ && ops_->fdatasync(fd_) != 0) {
      return close_and_fail("fdatasync " + segment_path_ + ": " + errno_text());
    }
    ::close(fd_);
    std::lock_guard lock(mutex_);
    sealed_.push_back(segment_path_);
  }
  dirty_ = false;
  fd_ = fd;
  segment_path_ = path;
  {
    std::lock_guard lock(sync_mutex_);  // nothing is asked of the old one any more (settled)
    sync_fd_ = fd_;
  }
  segment_first_ = next_sequence_;
  size_ = header.size();
  segment_has_records_ = false;
  return {};
}

Status FileJournal::write_all(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ops_->pwrite(fd_, bytes.data() + done, bytes.size() - done,
                                   static_cast<off_t>(size_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::error("write to " + segment_path_ +
                           " failed: " + (n == 0 ? std::string("no progress") : errno_text()));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Status FileJournal::sync() {
  const auto start = Clock::now();
  const int rc = ops_->fdatasync(fd_);
  fsync_.observe(std::chrono::duration<double>(Clock::now() - start).count());
  if (rc != 0) return Status::error("fdatasync of " + segment_path_ + " failed: " + errno_text());
  dirty_ = false;
  return {};
}

void FileJournal::fail(const std::string& why) {
  failure_ = why;
  // Cut off what this batch may have left; repair() tries again if this fails too.
  if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
    // Nothing more to do here: the journal stays unhealthy.
  }
  failures_.fetch_add(1, std::memory_order_relaxed);
  healthy_.store(false, std::memory_order_release);
}

Status FileJournal::write(std::span<const Entry> batch) {
  if (!healthy()) return Status::error("the journal is not writable (repair pending)");
  if (batch.empty()) return {};
  buffer_.clear();
  for (const Entry& e : batch) {
    SB_CHECK(e.sequence == next_sequence_ + static_cast<std::uint64_t>(&e - batch.data()));
    payload_.clear();
    if (!encode_command(*e.command, payload_)) {
      return Status::error("a policy without its source cannot be journaled");
    }
    append_record(buffer_, e.sequence, e.at, RecordType::Command, payload_);
  }
  if (Status s = write_all(buffer_); !s.ok()) {
    fail(s.message());
    return s;
  }
  const std::uint64_t first = next_sequence_;
  if (options_.fsync == FsyncPolicy::Always) {
    unsynced_.push_back(Unsynced{first, size_});
    {
      std::lock_guard lock(sync_mutex_);
      sync_requested_ = first + batch.size() - 1;
    }
    sync_cv_.notify_one();
  } else if (!dirty_) {
    dirty_ = true;
    dirty_since_ = Clock::now();
  }
  size_ += buffer_.size();
  segment_has_records_ = true;
  next_sequence_ += batch.size();
  commands_since_snapshot_ += batch.size();
  records_.fetch_add(batch.size(), std::memory_order_relaxed);
  bytes_.fetch_add(buffer_.size(), std::memory_order_relaxed);
  if (size_ >= options_.segment_bytes) {
    // A failed rotation is not a failed write: the batch is written; try again next time. (If
    // the rotation failed because a sync did, wait_durable() reports that.)
    if (Status s = start_segment(); !s.ok() && options_.warn) options_.warn(s.message());
    // Its settle found a failed sync: this batch was cut off with the rest not yet durable.
    if (!healthy()) return Status::error(failure_);
  }
  maybe_snapshot(false, nullptr);
  if (!healthy()) return Status::error(failure_);  // the seal's settle failed likewise
  return {};
}

Status FileJournal::wait_durable(std::uint64_t sequence, bool may_sync_here) {
  if (options_.fsync != FsyncPolicy::Always) return {};  // as durable as the policy asks
  std::uint64_t synced = 0;
  std::optional<std::string> error;
  {
    std::unique_lock lock(sync_mutex_);
    for (;;) {
      // A rolled-back sequence was never asked for again: it will not become durable.
      if (synced_ >= sequence || sync_error_ || sync_requested_ < sequence) break;
      if (may_sync_here && !sync_busy_) {
        run_sync(lock);
      } else {
        sync_cv_.wait(lock);
      }
    }
    synced = synced_;
    error = sync_error_;
  }
  if (synced >= sequence) {
    while (!unsynced_.empty() && unsynced_.front().first_sequence <= synced) unsynced_.pop_front();
    return {};
  }
  if (error) {
    roll_back(*error);
    return Status::error(*error);
  }
  return Status::error("the records were cut off after a failed sync");
}

Status FileJournal::settle() {
  if (options_.fsync != FsyncPolicy::Always) return {};
  std::uint64_t requested = 0;
  {
    std::lock_guard lock(sync_mutex_);
    requested = sync_requested_;
  }
  return wait_durable(requested, true);
}

void FileJournal::roll_back(const std::string& why) {
  std::uint64_t synced = 0;
  {
    std::lock_guard lock(sync_mutex_);
    sync_error_.reset();
    synced = synced_;
    sync_requested_ = synced_;  // the sync thread is idle: it takes no work after a failure
  }
  while (!unsynced_.empty() && unsynced_.front().first_sequence <= synced) unsynced_.pop_front();
  if (!unsynced_.empty()) {
    // What is cut off was never appended, as far as the statistics go.
    records_.fetch_sub(next_sequence_ - unsynced_.front().first_sequence,
                       std::memory_order_relaxed);
    bytes_.fetch_sub(size_ - unsynced_.front().offset, std::memory_order_relaxed);
    commands_since_snapshot_ -=
        std::min(commands_since_snapshot_, next_sequence_ - unsynced_.front().first_sequence);
    size_ = unsynced_.front().offset;
    next_sequence_ = unsynced_.front().first_sequence;
    unsynced_.clear();
  }
  segment_has_records_ = size_ > kSegmentHeaderSize;
  dirty_ = true;  // the cut is not durable yet: a seal or repair must sync it
  fail(why);
}

void FileJournal::sync_loop() {
  std::unique_lock lock(sync_mutex_);
  for (;;) {
    auto has_work = [&] { return !sync_error_ && !sync_busy_ && sync_requested_ > synced_; };
    sync_cv_.wait(lock, [&] { return sync_stopping_ || has_work(); });
    if (!has_work()) return;  // stopping, and nothing was left to sync
    run_sync(lock);
  }
}

void FileJournal::run_sync(std::unique_lock<std::mutex>& lock) {
  const std::uint64_t target = sync_requested_;
  const int fd = sync_fd_;
  SB_CHECK(fd >= 0);  // a segment is closed only after settle(): nothing asked of it is left
  sync_busy_ = true;
  lock.unlock();
  // One fdatasync covers every batch written before it: group commit across batches too.
  const auto start = Clock::now();
  const int rc = ops_->fdatasync(fd);
  const std::string why = rc != 0 ? errno_text() : std::string();
  fsync_.observe(std::chrono::duration<double>(Clock::now() - start).count());
  lock.lock();
  sync_busy_ = false;
  if (rc == 0) {
    synced_ = std::max(synced_, target);
  } else {
    // segment_path_ names sync_fd_'s file: it changes only in start_segment, after settle().
    sync_error_ = "fdatasync of " + segment_path_ + " failed: " + why;
  }
  sync_cv_.notify_all();
}

Status FileJournal::mark(std::uint64_t last_sequence, Timestamp at, std::uint64_t state_hash) {
  if (!healthy()) return Status::error("the journal is not writable");
  if (Status s = settle(); !s.ok()) return s;
  std::string payload;
  put_le<std::uint64_t>(payload, state_hash);
  buffer_.clear();
  append_record(buffer_, last_sequence, at, RecordType::Mark, payload);
  if (Status s = write_all(buffer_); !s.ok()) {
    fail(s.message());
    return s;
  }
  if (Status s = sync(); !s.ok()) {
    fail(s.message());
    return s;
  }
  size_ += buffer_.size();
  segment_has_records_ = true;
  return {};
}

Status FileJournal::poll() {
  if (healthy() && dirty_ && options_.fsync == FsyncPolicy::Interval &&
      Clock::now() - dirty_since_ >= options_.fsync_interval) {
    if (Status s = sync(); !s.ok()) {
      fail(s.message());
      return s;
    }
  }
  if (healthy()) {
    maybe_snapshot(false, nullptr);
    // The seal waits for the syncs under way; if one failed, what it covered is cut off.
    if (!healthy()) return Status::error(failure_);
  }
  return {};
}

std::optional<Clock::time_point> FileJournal::poll_deadline() const {
  if (dirty_ && options_.fsync == FsyncPolicy::Interval) {
    return dirty_since_ + options_.fsync_interval;
  }
  return std::nullopt;
}

Status FileJournal::repair() {
  if (healthy()) return {};
  // A sync still under way (of records written before the failure) must end first.
  if (Status s = settle(); !s.ok()) return s;
  if (fd_ >= 0 && !segment_has_records_) {
    // Nothing of it to keep. Drop it, so that the fresh segment below — the same name, since it
    // starts at the same sequence — is a new file whose header must reach the disk: otherwise
    // start_segment() would keep this one and the repair would succeed without writing a byte.
    ::close(fd_);
    fd_ = -1;
    {
      std::lock_guard lock(sync_mutex_);
      sync_fd_ = -1;
    }
    ::unlink(segment_path_.c_str());
  }
  if (fd_ >= 0) {
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
      return Status::error("cannot cut " + segment_path_ + " back: " + errno_text());
    }
    if (Status s = sync(); !s.ok()) return s;
  }
  // Go on in a fresh segment, away from pages whose write-back failed. Until that works there
  // is no open segment (fd_ < 0); nothing writes while the journal is unhealthy.
  if (Status s = start_segment(); !s.ok()) return s;
  healthy_.store(true, std::memory_order_release);
  return {};
}

JournalStats FileJournal::stats() const {
  JournalStats s;
  fsync_.fill(s);
  s.records = records_.load(std::memory_order_relaxed);
  s.bytes = bytes_.load(std::memory_order_relaxed);
  s.failures = failures_.load(std::memory_order_relaxed);
  s.snapshots = snapshots_.load(std::memory_order_relaxed);
  s.snapshot_failures = snapshot_failures_.load(std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);
    if (last_info_) {
      s.last_snapshot_bytes = last_info_->bytes;
      s.last_snapshot_seconds = last_info_->seconds;
      s.last_snapshot_unix_s = last_info_->finished_unix_s;
    }
  }
  s.healthy = healthy();
  return s;
}

bool FileJournal::snapshot_now() {
  bool started = false;
  maybe_snapshot(true, &started);
  return started;
}

void FileJournal::wait_for_snapshots() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return !busy_ && !job_; });
}

std::optional<FileJournal::SnapshotInfo> FileJournal::last_snapshot() const {
  std::lock_guard lock(mutex_);
  return last_info_;
}

void FileJournal::maybe_snapshot(bool force, bool* started) {
  if (!options_.compile) return;  // no way to rebuild the state
  if (!force) {
    if (commands_since_snapshot_ == 0) return;
    const bool by_count = options_.snapshot_every_commands > 0 &&
                          commands_since_snapshot_ >= options_.snapshot_every_commands;
    const bool by_time = options_.snapshot_every.count() > 0 &&
                         Clock::now() - last_snapshot_ >= options_.snapshot_every;
    if (!by_count && !by_time) return;
  }
  {
    std::lock_guard lock(mutex_);
    if (busy_ || job_) return;
  }
  // Seal the current segment so that the snapshot covers everything up to now.
  if (Status s = start_segment(); !s.ok()) {
    if (options_.warn) options_.warn("snapshot postponed: " + s.message());
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (sealed_.empty()) return;
    Job job;
    job.segments = std::move(sealed_);
    sealed_.clear();
    job.last_sequence = next_sequence_ - 1;
    job_ = std::move(job);
  }
  commands_since_snapshot_ = 0;
  last_snapshot_ = Clock::now();
  cv_.notify_all();
  if (started != nullptr) *started = true;
}

void FileJournal::snapshot_loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || job_; });
      if (!job_) return;  // stopping, nothing left to do
      job = std::move(*job_);
      job_.reset();
      busy_ = true;
    }
    SnapshotInfo info;
    const auto start = Clock::now();
    Status s = write_snapshot(job, info);
    info.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    info.finished_unix_s =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::optional<std::string> old;
    {
      std::lock_guard lock(mutex_);
      if (s.ok()) {
        old = snapshot_path_;
        snapshot_path_ = info.path;
        last_info_ = info;
      } else {
        // Keep the segments for the next attempt.
        sealed_.insert(sealed_.begin(), job.segments.begin(), job.segments.end());
      }
    }
    if (s.ok()) {
      snapshots_.fetch_add(1, std::memory_order_relaxed);
      // The new snapshot is durable: what it covers can go.
      if (old) ::unlink(old->c_str());
      if (!options_.keep_history) {
        for (const std::string& seg : job.segments) ::unlink(seg.c_str());
      }
      (void)sync_dir();
      if (options_.info) {
        options_.info("snapshot " + info.path + ": the state after sequence " +
                      std::to_string(info.last_sequence) + " (" + std::to_string(info.agents) +
                      " agents, " + std::to_string(info.live_interactions) +
                      " live interactions), " + std::to_string(info.bytes) + " bytes, " +
                      std::to_string(info.replayed) + " commands replayed, " +
                      std::to_string(static_cast<int>(info.seconds * 1000)) + " ms");
      }
    } else {
      snapshot_failures_.fetch_add(1, std::memory_order_relaxed);
      if (options_.warn) options_.warn("snapshot failed: " + s.message());
    }
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
    }
    cv_.notify_all();
  }
}

Status FileJournal::write_snapshot(const Job& job, SnapshotInfo& info) {
  // The state after job.last_sequence, rebuilt apart from the live core: the previous snapshot
  // and the sealed segments, replayed (read-only) up to the job's last record. Recovery stops
  // before the current segment, which the core thread is writing: it is never opened here.
  core::Core core(options_.core_limits);
  RecoveryOptions replay;
  replay.dir = options_.dir;
  replay.read_only = true;
  replay.stop_after = job.last_sequence;
  auto recovered = recover(core, replay, options_.compile);
  if (!recovered.ok()) return Status::error(recovered.error().message);
  const RecoveryReport& report = recovered.value();
  if (report.last_sequence != job.last_sequence) {
    return Status::error("the journal holds records up to " + std::to_string(report.last_sequence) +
                         ", the snapshot was to cover " + std::to_string(job.last_sequence));
  }
  const std::string final_path = join(options_.dir, snapshot_name(job.last_sequence));
  const std::string tmp_path = final_path + ".tmp";
  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::error("cannot create " + tmp_path + ": " + errno_text());
  auto fail_with = [&](const std::string& why) {
    ::close(fd);
    ::unlink(tmp_path.c_str());
    return Status::error(why);
  };
  auto write_at = [fd](std::string_view bytes, std::uint64_t offset) {
    for (std::size_t done = 0; done < bytes.size();) {
      const ssize_t n =
          ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  };
  // The body streams out in pieces of about 1 MB after the header's place (the state may be
  // hundreds of MB: it is never held whole), its CRC computed on the way; the header, which
  // needs the body's size and CRC, is written last.
  std::uint64_t body_bytes = 0;
  std::uint32_t body_crc = 0;
  std::string write_error;  // the first failed write's reason
  std::string piece;
  ByteWriter w(
      piece,
      [&](std::string_view bytes) {
        body_crc = crc32c_extend(body_crc, bytes.data(), bytes.size());
        const bool ok = write_at(bytes, kStateSnapshotHeaderSize + body_bytes);
        if (!ok && write_error.empty()) write_error = errno_text();
        body_bytes += bytes.size();
        return ok;
      },
      1u << 20);
  w.u64(report.policy ? report.policy->first : 0);
  w.str(report.policy ? std::string_view(report.policy->second) : std::string_view{});
  core.save_state(w);
  if (!w.finish()) return fail_with("write " + tmp_path + ": " + write_error);
  StateSnapshotHeader header;
  header.last_sequence = job.last_sequence;
  header.last_at = core.now();
  header.body_bytes = body_bytes;
  header.body_crc = body_crc;
  if (!write_at(state_snapshot_header(header), 0)) {
    return fail_with("write " + tmp_path + ": " + errno_text());
  }
  const std::uint64_t offset = kStateSnapshotHeaderSize + body_bytes;
  if (::fdatasync(fd) != 0) return fail_with("fdatasync " + tmp_path + ": " + errno_text());
  ::close(fd);
  if (::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(tmp_path.c_str());
    return Status::error("rename " + tmp_path + ": " + why);
  }
  if (Status s = sync_dir(); !s.ok()) return s;
  const core::CoreCounts counts = core.counts();
  info.path = final_path;
  info.bytes = offset;
  info.last_sequence = job.last_sequence;
  info.replayed = report.commands;
  info.agents = counts.agents;
  info.live_interactions = counts.live_interactions;
  return {};
}

}  // namespace sb::journal
