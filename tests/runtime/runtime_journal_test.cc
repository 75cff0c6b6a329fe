// The runtime with a journal: a batch is journaled before it is applied, and nothing of it (no
// reply, no event) leaves before the journal says it is durable; a failing journal refuses
// commands with journal_unavailable while queries are answered, and intake resumes once the
// disk recovers; what the journal holds replays to the live state.
#include <doctest/doctest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "engine/runtime/runtime.h"
#include "tests/journal/journal_fixture.h"
#include "tests/runtime/recording_outbox.h"

namespace sb::runtime {
namespace {

using namespace std::chrono_literals;

// A journal that holds each append until the test releases it, and records what it got. Used
// only to watch the runtime's ordering; the file journal is tested on real files elsewhere.
class GateJournal : public journal::Journal {
 public:
  journal::Status append(std::span<const journal::Entry> batch) override {
    std::unique_lock lock(mutex_);
    for (const journal::Entry& e : batch) {
      sequences_.push_back(e.sequence);
      names_.emplace_back(command_name(*e.command));
    }
    ++appends_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    return {};
  }
  journal::Status mark(std::uint64_t, Timestamp, std::uint64_t) override { return {}; }
  journal::Status poll() override { return {}; }
  std::optional<std::chrono::steady_clock::time_point> poll_deadline() const override {
    return std::nullopt;
  }
  bool healthy() const override { return true; }
  journal::Status repair() override { return {}; }
  journal::JournalStats stats() const override { return {}; }

  bool wait_appends(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return appends_ >= n; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  std::vector<std::uint64_t> sequences() {
    std::lock_guard lock(mutex_);
    return sequences_;
  }
  std::vector<std::string> names() {
    std::lock_guard lock(mutex_);
    return names_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  std::size_t appends_ = 0;
  std::vector<std::uint64_t> sequences_;
  std::vector<std::string> names_;
};

Request request(std::variant<Command, Query> what, Outbox* outbox,
                std::shared_ptr<std::promise<Outcome>> done) {
  Request r;
  r.what = std::move(what);
  r.outbox = outbox;
  r.done = [done](Outcome&& o) { done->set_value(std::move(o)); };
  return r;
}

TEST_CASE("no reply and no event leaves before the batch is in the journal") {
  core::Core core;
  RecordingOutbox outbox;
  GateJournal journal;
  Runtime runtime(core, {}, {&outbox});
  runtime.attach_journal(&journal, 41);
  runtime.start();

  auto done = std::make_shared<std::promise<Outcome>>();
  auto result = done->get_future();
  REQUIRE(runtime.submit(request(Command{journal::test::set_policy()}, &outbox, done)) ==
          SubmitStatus::Accepted);
  REQUIRE(journal.wait_appends(1));
  // The core thread is inside append: the command is stamped but neither applied nor answered.
  CHECK(result.wait_for(50ms) == std::future_status::timeout);
  CHECK(outbox.notifies() == 0);
  CHECK(outbox.events() == 0);
  CHECK_FALSE(runtime.has_policy());
  journal.open();
  REQUIRE(result.wait_for(10s) == std::future_status::ready);
  const auto outcome = std::get<CommandOutcome>(result.get());
  CHECK(outcome.result.ok());
  CHECK(outcome.sequence == 41);  // numbered on from the journal's last sequence
  CHECK(journal.sequences() == std::vector<std::uint64_t>{41});
  CHECK(journal.names() == std::vector<std::string>{"policy.set"});
  CHECK(outbox.events() > 0);  // policy.reloaded, released after the append
  runtime.stop();
}

TEST_CASE("a policy without its source is refused, not journaled") {
  core::Core core;
  RecordingOutbox outbox;
  GateJournal journal;
  journal.open();
  Runtime runtime(core, {}, {&outbox});
  runtime.attach_journal(&journal, 1);
  runtime.start();
  auto r = runtime.call(SetPolicy{journal::test::set_policy().policy});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().field == "policy");
  CHECK(journal.sequences().empty());
  runtime.stop();
}

class FaultyDisk : public journal::FileOps {
 public:
  std::atomic<bool> full{false};
  ssize_t pwrite(int fd, const void* data, std::size_t size, off_t offset) override {
    if (full.load()) {
      errno = ENOSPC;
      return -1;
    }
    return FileOps::pwrite(fd, data, size, offset);
  }
};

TEST_CASE("a full disk stops the intake with journal_unavailable; reads go on; it resumes") {
  journal::test::TempDir dir;
  auto disk = std::make_shared<FaultyDisk>();
  auto file = journal::test::open_journal(journal::test::options_for(dir), 1, disk);
  core::Core core;
  RecordingOutbox outbox;
  RuntimeOptions options;
  options.journal_retry = 5ms;
  Runtime runtime(core, options, {&outbox});
  runtime.attach_journal(file.get(), 1);
  runtime.start();
  REQUIRE(runtime.call(journal::test::set_policy()).ok());
  UpsertAgent ana;
  ana.agent_id = "ana";
  ana.skills = {{"billing", 9}};
  REQUIRE(runtime.call(ana).ok());

  disk->full = true;
  UpsertAgent ben = ana;
  ben.agent_id = "ben";
  auto refused = runtime.call(ben);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::JournalUnavailable);
  CHECK_FALSE(runtime.journal_writable());
  // Reads are answered, and show that nothing changed.
  auto done = std::make_shared<std::promise<Outcome>>();
  auto counts = done->get_future();
  REQUIRE(runtime.submit(request(Query{GetCounts{}}, &outbox, done)) == SubmitStatus::Accepted);
  REQUIRE(counts.wait_for(10s) == std::future_status::ready);
  CHECK(std::get<core::CoreCounts>(std::get<QueryResult>(counts.get())).agents == 1);
  CHECK(runtime.stats().refused_journal >= 1);

  disk->full = false;
  // Intake resumes once a repair works (retried while commands come).
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  bool accepted = false;
  while (!accepted && std::chrono::steady_clock::now() < deadline) {
    auto r = runtime.call(ben);
    accepted = r.ok();
    if (!accepted) REQUIRE(r.error().code == ErrorCode::JournalUnavailable);
  }
  CHECK(accepted);
  CHECK(runtime.journal_writable());
  runtime.stop();
  const auto live_hash = runtime.final_state_hash();
  REQUIRE(live_hash);
  file.reset();

  core::Core replayed;
  const auto report = journal::test::recover_ok(replayed, dir.path());
  CHECK(report.commands == 3);  // policy, ana, ben: nothing refused is in the journal
  CHECK(report.marks == 1);
  CHECK(report.marks_mismatched == 0);
  CHECK(replayed.state_hash() == *live_hash);
}

}  // namespace
}  // namespace sb::runtime
