// The file journal and recovery on real files: replay rebuilds the live state bit for bit,
// segments rotate, torn tails are cut, damage in the middle is refused with file and offset
// (or cut on request), the fsync policies sync when they say, failed writes leave nothing behind
// and repair resumes, snapshots replace the segments they cover.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "engine/journal/format.h"
#include "engine/journal/reader.h"
#include "tests/journal/journal_fixture.h"

namespace sb::journal {
namespace {

using namespace std::chrono_literals;
using test::TempDir;
using test::Workload;

void run(Workload& w, Journal& j, int batches, std::uint64_t seed = 1) {
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  for (int b = 0; b < batches; ++b) {
    const std::size_t n = 1 + rng() % 24;
    // Now and then a long pause: offers expire, escalation steps and SLA timers fire.
    const Duration gap = rng() % 10 == 0 ? Duration(std::chrono::seconds(35)) : Duration(40ms);
    REQUIRE(w.batch(j, n, gap));
  }
}

// Recovery of `dir` reaches the workload's live state, without a warning.
void replays_to_live(const TempDir& dir, Workload& w) {
  core::Core replayed;
  const RecoveryReport report = test::recover_ok(replayed, dir.path());
  CHECK(report.warnings.empty());
  CHECK(replayed.state_hash() == w.live().state_hash());
}

std::uint64_t file_size(const std::string& path) { return std::filesystem::file_size(path); }

void flip_byte(const std::string& path, std::uint64_t offset) {
  const int fd = ::open(path.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  char c = 0;
  REQUIRE(::pread(fd, &c, 1, static_cast<off_t>(offset)) == 1);
  c = static_cast<char>(c ^ 0x5A);
  REQUIRE(::pwrite(fd, &c, 1, static_cast<off_t>(offset)) == 1);
  ::close(fd);
}

void append_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << bytes;
}

// Offsets of the records of a segment file.
std::vector<std::uint64_t> record_offsets(const std::string& path) {
  MappedFile f;
  REQUIRE(f.open(path).ok());
  std::vector<std::uint64_t> out;
  scan_records(f.bytes(), kSegmentHeaderSize, [&](const RecordView&, std::uint64_t o) {
    out.push_back(o);
    return true;
  });
  return out;
}

TEST_CASE("replay rebuilds exactly the live state, rejections and timers included") {
  TempDir dir;
  Workload w(7);
  {
    auto j = test::open_journal(test::options_for(dir));
    run(w, *j, 120);
  }
  core::Core replayed;
  const RecoveryReport report = test::recover_ok(replayed, dir.path());
  CHECK(report.commands == w.last_sequence());
  CHECK(report.last_sequence == w.last_sequence());
  CHECK(report.rejected > 0);  // rejected live, rejected again
  CHECK(report.warnings.empty());
  REQUIRE(report.policy);
  CHECK(report.policy->first >= 1);
  CHECK(replayed.counts().live_interactions > 0);
  CHECK(replayed.state_hash() == w.live().state_hash());
  CHECK(replayed.check_invariants().empty());
}

TEST_CASE("segments rotate at their size, and replay reads them in order") {
  TempDir dir;
  Workload w(11);
  auto o = test::options_for(dir);
  o.segment_bytes = 4096;
  {
    auto j = test::open_journal(o);
    run(w, *j, 80);
  }
  const auto segments = dir.files(".log");
  CHECK(segments.size() > 5);
  for (const std::string& s : segments) CHECK(file_size(s) < 4096 + 24 * 200);
  core::Core replayed;
  const RecoveryReport report = test::recover_ok(replayed, dir.path());
  CHECK(report.segments == segments.size());
  CHECK(replayed.state_hash() == w.live().state_hash());

  // A restart appends in a new segment that continues the sequence.
  {
    auto j = test::open_journal(o, report.last_sequence + 1);
    run(w, *j, 10, 2);
  }
  core::Core again;
  CHECK(test::recover_ok(again, dir.path()).last_sequence == w.last_sequence());
  CHECK(again.state_hash() == w.live().state_hash());
}

TEST_CASE("a torn tail is cut off with a warning") {
  TempDir dir;
  Workload w(3);
  {
    auto j = test::open_journal(test::options_for(dir));
    run(w, *j, 30);
  }
  const std::string last = dir.files(".log").back();
  const std::uint64_t good = file_size(last);

  SUBCASE("half a record: the crash came in the middle of a write") {
    std::string record;
    append_record(record, w.last_sequence() + 1, w.now(), RecordType::Command, "abcdefghij");
    append_bytes(last, record.substr(0, record.size() / 2));
  }
  SUBCASE("zeros: the file grew but its pages never reached the disk") {
    append_bytes(last, std::string(300, '\0'));
  }
  SUBCASE("a whole record with a bad CRC") {
    std::string record;
    append_record(record, w.last_sequence() + 1, w.now(), RecordType::Command, "abcdefghij");
    record[kRecordHeaderSize + 2] ^= 1;
    append_bytes(last, record);
  }
  core::Core replayed;
  const RecoveryReport report = test::recover_ok(replayed, dir.path());
  REQUIRE(report.warnings.size() == 1);
  CHECK(report.warnings[0].find("torn tail") != std::string::npos);
  CHECK(report.warnings[0].find(last + " at offset " + std::to_string(good)) != std::string::npos);
  CHECK(file_size(last) == good);  // cut on disk
  CHECK(replayed.state_hash() == w.live().state_hash());
  core::Core again;
  CHECK(test::recover_ok(again, dir.path()).warnings.empty());
}

TEST_CASE("the last record torn: only it is lost") {
  TempDir dir;
  Workload w(5);
  {
    auto j = test::open_journal(test::options_for(dir));
    run(w, *j, 20);
  }
  const std::string last = dir.files(".log").back();
  const auto offsets = record_offsets(last);
  REQUIRE(offsets.size() > 2);
  std::filesystem::resize_file(last, file_size(last) - 3);
  core::Core replayed;
  const RecoveryReport report = test::recover_ok(replayed, dir.path());
  CHECK(report.last_sequence == w.last_sequence() - 1);
  CHECK(file_size(last) == offsets.back());
}

TEST_CASE("damage in the middle stops recovery with file and offset, unless told to cut") {
  TempDir dir;
  Workload w(9);
  auto o = test::options_for(dir);
  o.segment_bytes = 4096;
  {
    auto j = test::open_journal(o);
    run(w, *j, 60);
  }
  const auto segments = dir.files(".log");
  REQUIRE(segments.size() > 3);
  std::string damaged;
  std::uint64_t offset = 0;
  SUBCASE("in a sealed segment") {
    damaged = segments[1];
    offset = record_offsets(damaged)[2];
  }
  SUBCASE("in the last segment, with good records after it") {
    damaged = segments.back();
    const auto offsets = record_offsets(damaged);
    REQUIRE(offsets.size() > 2);
    offset = offsets[offsets.size() - 2];
  }
  flip_byte(damaged, offset + kRecordHeaderSize);  // in the payload: a bad CRC

  core::Core refused;
  RecoveryOptions ro;
  ro.dir = dir.path();
  auto r = recover(refused, ro, test::compiler());
  REQUIRE_FALSE(r.ok());
  const std::string& message = r.error().message;
  INFO(message);
  CHECK(message.find(damaged + " at offset " + std::to_string(offset)) != std::string::npos);
  CHECK(message.find("--truncate-corrupt") != std::string::npos);
  const auto sizes_before = file_size(damaged);
  CHECK(file_size(damaged) == sizes_before);  // nothing was changed by the refusal

  core::Core cut;
  const RecoveryReport report = test::recover_ok(cut, dir.path(), true);
  REQUIRE(report.warnings.size() == 1);
  CHECK(report.warnings[0].find("--truncate-corrupt") != std::string::npos);
  CHECK(file_size(damaged) == offset);
  CHECK(report.last_sequence < w.last_sequence());
  CHECK(cut.check_invariants().empty());
  // Later segments are set aside, not deleted; the journal is consistent again.
  CHECK(dir.files(".discarded").size() ==
        segments.size() - 1 -
            static_cast<std::size_t>(std::find(segments.begin(), segments.end(), damaged) -
                                     segments.begin()));
  core::Core again;
  const RecoveryReport clean = test::recover_ok(again, dir.path());
  CHECK(clean.warnings.empty());
  CHECK(again.state_hash() == cut.state_hash());
}

TEST_CASE("fsync policies") {
  TempDir dir;
  Workload w(13);
  SUBCASE("always: one fdatasync per batch, before append returns") {
    auto j = test::open_journal(test::options_for(dir, FsyncPolicy::Always));
    run(w, *j, 10);
    CHECK(j->stats().fsync_count == 10);
    CHECK_FALSE(j->poll_deadline());
  }
  SUBCASE("interval: none at once, one when the interval has passed") {
    auto o = test::options_for(dir, FsyncPolicy::Interval);
    o.fsync_interval = 20ms;
    auto j = test::open_journal(o);
    run(w, *j, 10);
    CHECK(j->stats().fsync_count == 0);
    REQUIRE(j->poll_deadline());
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (j->stats().fsync_count == 0 && std::chrono::steady_clock::now() < deadline) {
      REQUIRE(j->poll().ok());
      std::this_thread::yield();
    }
    CHECK(j->stats().fsync_count == 1);
    CHECK(std::chrono::steady_clock::now() < deadline);
    CHECK_FALSE(j->poll_deadline());  // nothing left to sync
  }
  SUBCASE("none: never") {
    auto j = test::open_journal(test::options_for(dir, FsyncPolicy::None));
    run(w, *j, 10);
    REQUIRE(j->poll().ok());
    CHECK(j->stats().fsync_count == 0);
    CHECK_FALSE(j->poll_deadline());
  }
  core::Core replayed;
  test::recover_ok(replayed, dir.path());
  CHECK(replayed.state_hash() == w.live().state_hash());
}

// Fails writes or syncs on demand, like a full or failing disk.
class FaultyOps : public FileOps {
 public:
  // Atomic: with fsync `always` the journal's sync thread calls fdatasync.
  std::atomic<bool> fail_write{false};
  std::atomic<bool> fail_sync{false};
  ssize_t pwrite(int fd, const void* data, std::size_t size, off_t offset) override {
    if (fail_write) {
      // A full disk: part of the batch lands, then ENOSPC.
      if (size > 8) (void)FileOps::pwrite(fd, data, size / 2, offset);
      errno = ENOSPC;
      return -1;
    }
    return FileOps::pwrite(fd, data, size, offset);
  }
  int fdatasync(int fd) override {
    if (fail_sync) {
      errno = EIO;
      return -1;
    }
    return FileOps::fdatasync(fd);
  }
};

TEST_CASE("a failed write or fsync leaves nothing of its batch, and repair resumes") {
  TempDir dir;
  Workload w(17);
  auto ops = std::make_shared<FaultyOps>();
  auto j = test::open_journal(test::options_for(dir), 1, ops);
  run(w, *j, 10);
  const std::string segment = dir.files(".log").back();
  const std::uint64_t good = file_size(segment);

  SUBCASE("disk full") { ops->fail_write = true; }
  SUBCASE("fsync fails") { ops->fail_sync = true; }
  CHECK_FALSE(w.batch(*j, 5));
  CHECK_FALSE(j->healthy());
  CHECK(j->stats().failures == 1);
  CHECK(file_size(segment) == good);  // the partial batch was cut off
  CHECK_FALSE(w.batch(*j, 5));        // refused while unhealthy
  CHECK_FALSE(j->repair().ok());      // the disk is still failing
  ops->fail_write = false;
  ops->fail_sync = false;
  REQUIRE(j->repair().ok());
  CHECK(j->healthy());
  run(w, *j, 5);
  j.reset();
  CHECK(dir.files(".log").size() == 2);  // repair went on in a fresh segment
  replays_to_live(dir, w);
}

// With `always` the sync runs on the journal's sync thread, so a second batch can be written
// before the first is durable; a failed sync cuts off both.
TEST_CASE("a failed sync cuts off every batch not yet durable, also those written after it") {
  TempDir dir;
  Workload w(29);
  auto ops = std::make_shared<FaultyOps>();
  auto j = test::open_journal(test::options_for(dir), 1, ops);
  run(w, *j, 6);
  const std::string segment = dir.files(".log").back();
  const std::uint64_t good = file_size(segment);
  const std::uint64_t next = w.last_sequence() + 1;

  const JournalStats before = j->stats();
  ops->fail_sync = true;
  const std::vector<Command> commands = {AcceptOffer{999'999}, AcceptOffer{999'998},
                                         AcceptOffer{999'997}};
  const Timestamp at = w.now() + Duration{10};
  const std::vector<Entry> first = {{next, at, &commands[0]}, {next + 1, at, &commands[1]}};
  const std::vector<Entry> second = {{next + 2, at, &commands[2]}};
  REQUIRE(j->write(first).ok());
  REQUIRE(j->write(second).ok());
  CHECK(file_size(segment) > good);
  CHECK_FALSE(j->wait_durable(next + 1, false).ok());  // the sync thread's failure
  CHECK_FALSE(j->healthy());
  CHECK(j->stats().failures == 1);
  CHECK(file_size(segment) == good);            // both batches were cut off
  CHECK(j->stats().records == before.records);  // and count as never appended
  CHECK(j->stats().bytes == before.bytes);
  CHECK_FALSE(j->wait_durable(next + 2, true).ok());  // and the second will not become durable
  CHECK_FALSE(j->write(second).ok());                 // refused while unhealthy

  ops->fail_sync = false;
  REQUIRE(j->repair().ok());
  run(w, *j, 4);  // numbered on from `next`: the cut-off numbers are given again
  j.reset();
  replays_to_live(dir, w);
}

// A rotation (or a snapshot's seal) waits for the syncs under way; when one fails, the batch
// that triggered it is cut off too, and write() says so.
TEST_CASE("a sync that fails while a segment is sealed fails the write that sealed it") {
  TempDir dir;
  Workload w(37);
  auto ops = std::make_shared<FaultyOps>();
  auto o = test::options_for(dir);
  SUBCASE("rotation") { o.segment_bytes = 1; }  // every batch seals its segment
  SUBCASE("snapshot") { o.snapshot_every_commands = 1; }
  auto j = test::open_journal(o, 1, ops);
  run(w, *j, 4);
  j->wait_for_snapshots();  // idle, so that the next batch's snapshot is not postponed
  const std::uint64_t next = w.last_sequence() + 1;
  ops->fail_sync = true;
  const std::vector<Command> commands = {AcceptOffer{999'999}};
  const std::vector<Entry> batch = {{next, w.now() + Duration{10}, &commands[0]}};
  CHECK_FALSE(j->write(batch).ok());
  CHECK_FALSE(j->healthy());
  CHECK_FALSE(j->wait_durable(next, false).ok());
  ops->fail_sync = false;
  REQUIRE(j->repair().ok());
  run(w, *j, 4);  // numbered on from `next`
  j->wait_for_snapshots();
  j.reset();
  replays_to_live(dir, w);
}

TEST_CASE("with fsync always a batch is durable once wait_durable returns") {
  TempDir dir;
  Workload w(31);
  auto j = test::open_journal(test::options_for(dir));
  run(w, *j, 3);
  const std::uint64_t next = w.last_sequence() + 1;
  const std::vector<Command> commands = {AcceptOffer{999'999}, AcceptOffer{999'998}};
  const Timestamp at = w.now() + Duration{10};
  const std::uint64_t syncs = j->stats().fsync_count;
  REQUIRE(j->write(std::vector<Entry>{{next, at, &commands[0]}}).ok());
  REQUIRE(j->write(std::vector<Entry>{{next + 1, at, &commands[1]}}).ok());
  REQUIRE(j->wait_durable(next + 1, false).ok());  // synced by the sync thread
  REQUIRE(j->wait_durable(next, true).ok());       // earlier ones are durable too
  // One or two fdatasyncs: the sync thread may have taken both batches at once.
  CHECK(j->stats().fsync_count - syncs >= 1);
  CHECK(j->stats().fsync_count - syncs <= 2);
}

// A segment that holds no records yet (just opened at a start, a rotation or a snapshot's seal):
// repair must not call the disk good again without trying it.
TEST_CASE("repair of a segment with no records yet still tries the disk") {
  TempDir dir;
  Workload w(23);
  auto ops = std::make_shared<FaultyOps>();
  auto j = test::open_journal(test::options_for(dir), 1, ops);
  SUBCASE("right after the start") {}
  SUBCASE("right after a seal") {
    run(w, *j, 3);
    REQUIRE(j->snapshot_now());
    j->wait_for_snapshots();
  }
  SUBCASE("fsync fails") { ops->fail_sync = true; }
  ops->fail_write = !ops->fail_sync;
  CHECK_FALSE(w.batch(*j, 5));
  CHECK(j->stats().failures == 1);
  CHECK_FALSE(j->repair().ok());  // the disk is still failing
  CHECK_FALSE(j->healthy());
  CHECK_FALSE(j->repair().ok());
  CHECK(j->stats().failures == 1);
  ops->fail_write = false;
  ops->fail_sync = false;
  REQUIRE(j->repair().ok());
  CHECK(j->healthy());
  run(w, *j, 5);
  j.reset();
  replays_to_live(dir, w);
}

TEST_CASE("snapshots save the routing state atomically and replace the segments they cover") {
  TempDir dir;
  Workload w(21);
  auto o = test::options_for(dir);
  o.segment_bytes = 8192;
  SUBCASE("covered segments deleted") {}
  SUBCASE("covered segments kept") { o.keep_history = true; }
  auto j = test::open_journal(o);
  run(w, *j, 40);
  const auto before = dir.files(".log");
  REQUIRE(before.size() > 2);
  REQUIRE(j->snapshot_now());
  j->wait_for_snapshots();
  auto info = j->last_snapshot();
  REQUIRE(info);
  CHECK(info->last_sequence == w.last_sequence());
  CHECK(info->replayed == w.last_sequence());
  CHECK(info->agents == w.live().counts().agents);
  CHECK(info->live_interactions == w.live().counts().live_interactions);
  CHECK(j->stats().snapshots == 1);
  CHECK(j->stats().snapshot_failures == 0);
  CHECK(j->stats().last_snapshot_bytes == info->bytes);
  CHECK(j->stats().last_snapshot_bytes == file_size(dir.files(".snap").front()));
  CHECK(j->stats().last_snapshot_unix_s > 1.7e9);
  CHECK(dir.files(".snap").size() == 1);
  CHECK(dir.files(".tmp").empty());
  // The new, empty segment, and the covered ones if kept.
  CHECK(dir.files(".log").size() == (o.keep_history ? before.size() + 1 : 1));
  CHECK(file_size(dir.files(".log").back()) == kSegmentHeaderSize);
  {
    // The state in the snapshot is the live state at its last sequence.
    core::Core loaded;
    RecoveryOptions ro;
    ro.dir = dir.path();
    ro.read_only = true;
    auto r = recover(loaded, ro, test::compiler());
    REQUIRE(r.ok());
    CHECK(r.value().from_state);
    CHECK(r.value().commands == 0);
    CHECK(loaded.state_hash() == w.live().state_hash());
  }

  run(w, *j, 20, 4);
  REQUIRE(j->snapshot_now());  // the second starts from the first and replays what came after
  j->wait_for_snapshots();
  const std::uint64_t in_snapshot = j->last_snapshot()->last_sequence;
  CHECK(j->last_snapshot()->replayed == in_snapshot - info->last_sequence);
  run(w, *j, 5, 5);
  CHECK(dir.files(".snap").size() == 1);
  j.reset();

  core::Core replayed;
  const RecoveryReport report = test::recover_ok(replayed, dir.path(), false, o.keep_history);
  REQUIRE(report.snapshot);
  CHECK(report.from_state);
  CHECK(report.commands == w.last_sequence() - in_snapshot);
  CHECK(report.last_sequence == w.last_sequence());
  CHECK(replayed.state_hash() == w.live().state_hash());
  CHECK(in_snapshot < w.last_sequence());

  // What-if replay reads every record from the first: only kept history allows it.
  core::Core from_start;
  RecoveryOptions every_record;
  every_record.dir = dir.path();
  every_record.read_only = true;
  std::uint64_t observed = 0;
  every_record.observe = [&](const ReplayStep& step) { observed += step.command ? 1 : 0; };
  auto whole = recover(from_start, every_record, test::compiler());
  if (o.keep_history) {
    REQUIRE_MESSAGE(whole.ok(), (whole.ok() ? std::string() : whole.error().message));
    CHECK(observed == w.last_sequence());
    CHECK(from_start.state_hash() == w.live().state_hash());
  } else {
    REQUIRE_FALSE(whole.ok());
    CHECK(whole.error().message.find("journal.keep_history") != std::string::npos);
  }

  SUBCASE("a damaged snapshot is skipped, and without it the journal has a gap") {
    if (o.keep_history) return;  // with the history kept there is no gap
    flip_byte(*report.snapshot, kStateSnapshotHeaderSize + 40);
    core::Core fresh;
    RecoveryOptions ro;
    ro.dir = dir.path();
    auto r = recover(fresh, ro, test::compiler());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("expected sequence 1") != std::string::npos);
  }
}

// A crash between a snapshot's rename and the deletion of the older one leaves both: the next
// start loads the newest and removes the older.
TEST_CASE("an older snapshot left beside the newest is removed on start") {
  TempDir dir;
  Workload w(41);
  auto o = test::options_for(dir);
  const std::string aside = dir.path() + "/older.copy";
  std::string older;
  {
    auto j = test::open_journal(o);
    run(w, *j, 10);
    REQUIRE(j->snapshot_now());
    j->wait_for_snapshots();
    older = j->last_snapshot()->path;
    std::filesystem::copy_file(older, aside);
    run(w, *j, 10, 2);
    REQUIRE(j->snapshot_now());
    j->wait_for_snapshots();
  }
  std::filesystem::rename(aside, older);  // as if the crash came before its deletion
  REQUIRE(dir.files(".snap").size() == 2);
  core::Core replayed;
  const RecoveryReport report = test::recover_ok(replayed, dir.path());
  CHECK(*report.snapshot != older);
  CHECK(dir.files(".snap").size() == 1);
  CHECK(replayed.state_hash() == w.live().state_hash());
}

// The snapshot writer recovers up to its last sequence only: the segment the core thread is
// writing, past it, is never opened (it may be half written, or cut back under a mapping).
TEST_CASE("recovery with stop_after does not open the segments after it") {
  TempDir dir;
  Workload w(43);
  {
    auto j = test::open_journal(test::options_for(dir));
    run(w, *j, 10);
  }
  const std::uint64_t last = w.last_sequence();
  {
    std::ofstream junk(dir.path() + "/" + segment_name(last + 1), std::ios::binary);
    junk << std::string(64, 'x');  // longer than a header: an invalid one, not a torn one
  }
  core::Core core;
  RecoveryOptions ro;
  ro.dir = dir.path();
  ro.read_only = true;
  SUBCASE("stopping at the last sequence") {
    ro.stop_after = last;
    auto r = recover(core, ro, test::compiler());
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
    CHECK(r.value().last_sequence == last);
    CHECK(core.state_hash() == w.live().state_hash());
  }
  SUBCASE("without it the junk is read (and refused)") {
    auto r = recover(core, ro, test::compiler());
    CHECK_FALSE(r.ok());
  }
}

// A snapshot that cannot be made (here: the journal's policy no longer compiles) is counted,
// keeps the segments, and the next one tries again.
TEST_CASE("a failed snapshot is counted, keeps its segments and is retried") {
  TempDir dir;
  Workload w(47);
  auto o = test::options_for(dir);
  bool refuse = true;
  const PolicyCompiler compile = test::compiler();
  o.compile = [&refuse, compile](const std::string& source,
                                 std::uint64_t version) -> Result<std::shared_ptr<const Policy>> {
    if (refuse) return make_error(ErrorCode::InvalidField, "policy", "refused for the test");
    return compile(source, version);
  };
  auto j = test::open_journal(o);
  run(w, *j, 10);
  REQUIRE(j->snapshot_now());
  j->wait_for_snapshots();
  CHECK(j->stats().snapshot_failures == 1);
  CHECK(j->stats().snapshots == 0);
  CHECK(j->stats().last_snapshot_unix_s == 0);
  CHECK(dir.files(".snap").empty());
  CHECK(dir.files(".tmp").empty());
  refuse = false;
  run(w, *j, 5, 2);
  REQUIRE(j->snapshot_now());
  j->wait_for_snapshots();
  CHECK(j->stats().snapshots == 1);
  CHECK(j->stats().snapshot_failures == 1);
  j.reset();
  core::Core replayed;
  const RecoveryReport report = test::recover_ok(replayed, dir.path());
  CHECK(report.from_state);
  CHECK(replayed.state_hash() == w.live().state_hash());
}

// Data directories written before state snapshots hold a compacted journal as their snapshot
// (format 1): it still recovers, and the next snapshot replaces it with a state.
TEST_CASE("a format-1 snapshot (a compacted journal) still recovers and is replaced") {
  TempDir dir;
  Workload w(31);
  auto o = test::options_for(dir);
  o.segment_bytes = 8192;
  {
    auto j = test::open_journal(o);
    run(w, *j, 30);
  }
  // Compact the segments into a format-1 snapshot by hand, as the old writer did.
  std::string records;
  std::uint64_t count = 0;
  for (const std::string& seg : dir.files(".log")) {
    MappedFile file;
    REQUIRE(file.open(seg).ok());
    REQUIRE_FALSE(
        scan_records(file.bytes(), kSegmentHeaderSize, [&](const RecordView& r, std::uint64_t) {
          append_record(records, r.sequence, r.at, r.type, r.payload);
          ++count;
          return true;
        }));
    std::filesystem::remove(seg);
  }
  SnapshotHeader header;
  header.last_sequence = w.last_sequence();
  header.records = count;
  header.body_bytes = records.size();
  {
    std::ofstream out(dir.path() + "/" + snapshot_name(w.last_sequence()), std::ios::binary);
    out << snapshot_header(header) << records;
  }
  core::Core first;
  RecoveryReport report = test::recover_ok(first, dir.path());
  CHECK_FALSE(report.from_state);
  CHECK(report.commands == w.last_sequence());
  CHECK(first.state_hash() == w.live().state_hash());

  auto j = test::open_journal(o, w.last_sequence() + 1);
  run(w, *j, 10, 3);
  REQUIRE(j->snapshot_now());
  j->wait_for_snapshots();
  REQUIRE(j->last_snapshot());
  j.reset();
  core::Core second;
  report = test::recover_ok(second, dir.path());
  CHECK(report.from_state);
  CHECK(report.commands == 0);
  CHECK(second.state_hash() == w.live().state_hash());
  CHECK(dir.files(".snap").size() == 1);
}

// A snapshot whose bytes are sound but cannot be loaded (a policy that no longer compiles, a
// state this version does not read) stops the start: an older snapshot or the journal would
// hide the problem, and the records it covers are gone.
TEST_CASE("a sound snapshot that cannot be loaded stops recovery, naming the file") {
  TempDir dir;
  Workload w(37);
  {
    auto j = test::open_journal(test::options_for(dir));
    run(w, *j, 10);
    REQUIRE(j->snapshot_now());
    j->wait_for_snapshots();
  }
  core::Core fresh;
  RecoveryOptions ro;
  ro.dir = dir.path();
  PolicyCompiler refuse = [](const std::string&,
                             std::uint64_t) -> Result<std::shared_ptr<const Policy>> {
    return make_error(ErrorCode::InvalidField, "policy", "no longer valid");
  };
  auto r = recover(fresh, ro, refuse);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find(dir.files(".snap").front()) != std::string::npos);
  CHECK(r.error().message.find("does not compile") != std::string::npos);
}

TEST_CASE("snapshots are taken by command count") {
  TempDir dir;
  Workload w(23);
  auto o = test::options_for(dir);
  o.snapshot_every_commands = 50;
  auto j = test::open_journal(o);
  run(w, *j, 30);
  j->wait_for_snapshots();
  CHECK(j->stats().snapshots >= 1);
  j.reset();
  core::Core replayed;
  test::recover_ok(replayed, dir.path());
  CHECK(replayed.state_hash() == w.live().state_hash());
}

TEST_CASE("a mark records the live hash at a graceful stop, and replay checks it") {
  TempDir dir;
  Workload w(29);
  std::uint64_t expected_mismatches = 0;
  {
    auto j = test::open_journal(test::options_for(dir));
    run(w, *j, 15);
    // The live loop went on ticking after the last command: timers fired.
    std::vector<Event> events;
    const Timestamp stop = w.now() + Duration(std::chrono::seconds(90));
    w.live().advance(stop, events);
    SUBCASE("the right hash") {
      REQUIRE(j->mark(w.last_sequence(), stop, w.live().state_hash()).ok());
    }
    SUBCASE("a wrong hash is reported") {
      REQUIRE(j->mark(w.last_sequence(), stop, 12345).ok());
      expected_mismatches = 1;
    }
  }
  core::Core replayed;
  const RecoveryReport report = test::recover_ok(replayed, dir.path());
  CHECK(report.marks == 1);
  CHECK(replayed.state_hash() == w.live().state_hash());
  CHECK(report.marks_mismatched == expected_mismatches);
}

TEST_CASE("an empty or missing data directory is a fresh start") {
  TempDir dir;
  core::Core c1;
  CHECK(test::recover_ok(c1, dir.path() + "/missing").commands == 0);
  core::Core c2;
  CHECK(test::recover_ok(c2, dir.path()).last_sequence == 0);
}

}  // namespace
}  // namespace sb::journal
