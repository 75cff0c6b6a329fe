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

// A journal that holds each write and each wait for durability until the test opens that gate,
// can fail the wait like a failed fsync, and records what it got. Used only to watch the
// runtime's ordering; the file journal is tested on real files elsewhere.
class GateJournal : public journal::Journal {
 public:
  journal::Status write(std::span<const journal::Entry> batch) override {
    std::unique_lock lock(mutex_);
    if (!healthy_) return journal::Status::error("not writable");
    for (const journal::Entry& e : batch) {
      sequences_.push_back(e.sequence);
      names_.emplace_back(command_name(*e.command));
    }
    ++writes_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return write_open_; });
    return {};
  }
  journal::Status wait_durable(std::uint64_t, bool) override {
    std::unique_lock lock(mutex_);
    ++durable_waits_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return durable_open_ || fail_sync_; });
    if (!fail_sync_) return {};
    fail_sync_ = false;
    healthy_ = false;
    return journal::Status::error("fdatasync failed: Input/output error");
  }
  bool durable_when_written() const override { return false; }
  journal::Status mark(std::uint64_t, Timestamp, std::uint64_t) override { return {}; }
  journal::Status poll() override { return {}; }
  std::optional<std::chrono::steady_clock::time_point> poll_deadline() const override {
    return std::nullopt;
  }
  bool healthy() const override {
    std::lock_guard lock(mutex_);
    return healthy_;
  }
  journal::Status repair() override {
    std::lock_guard lock(mutex_);
    healthy_ = true;
    return {};
  }
  journal::JournalStats stats() const override { return {}; }

  bool wait_writes(std::size_t n) {
    return wait([&] { return writes_ >= n; });
  }
  bool wait_durable_waits(std::size_t n) {
    return wait([&] { return durable_waits_ >= n; });
  }
  void open_writes() {
    set([&] { write_open_ = true; });
  }
  void open_durable() {
    set([&] { durable_open_ = true; });
  }
  void open() {
    set([&] {
      write_open_ = true;
      durable_open_ = true;
    });
  }
  void fail_sync() {
    set([&] { fail_sync_ = true; });
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
  template <typename Pred>
  bool wait(Pred pred) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, pred);
  }
  template <typename Change>
  void set(Change change) {
    std::lock_guard lock(mutex_);
    change();
    changed_.notify_all();
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool write_open_ = false;
  bool durable_open_ = false;
  bool fail_sync_ = false;
  bool healthy_ = true;
  std::size_t writes_ = 0;
  std::size_t durable_waits_ = 0;
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

TEST_CASE("no reply and no event leaves before the batch is durable") {
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
  REQUIRE(journal.wait_writes(1));
  // The core thread is inside write: the command is stamped but neither applied nor answered.
  CHECK(result.wait_for(50ms) == std::future_status::timeout);
  journal.open_writes();
  REQUIRE(journal.wait_durable_waits(1));
  // Written, not yet durable: still neither applied nor answered.
  CHECK(result.wait_for(50ms) == std::future_status::timeout);
  CHECK(outbox.notifies() == 0);
  CHECK(outbox.events() == 0);
  CHECK_FALSE(runtime.has_policy());
  journal.open_durable();
  REQUIRE(result.wait_for(10s) == std::future_status::ready);
  const auto outcome = std::get<CommandOutcome>(result.get());
  CHECK(outcome.result.ok());
  CHECK(outcome.sequence == 41);  // numbered on from the journal's last sequence
  CHECK(journal.sequences() == std::vector<std::uint64_t>{41});
  CHECK(journal.names() == std::vector<std::string>{"policy.set"});
  CHECK(outbox.events() > 0);  // policy.reloaded, released once durable
  runtime.stop();
}

UpsertAgent agent_named(const std::string& id) {
  UpsertAgent a;
  a.agent_id = id;
  a.skills = {{"billing", 9}};
  return a;
}

// A runtime over a gated journal. submit() holds the first batch (a policy) in write() while a
// second (an agent and a query) is submitted, so that the second is written while the first
// waits to be durable.
struct TwoBatches {
  core::Core core;
  RecordingOutbox outbox;
  GateJournal journal;
  Runtime runtime;
  std::future<Outcome> policy, agent, counts;

  explicit TwoBatches(RuntimeOptions options = {}) : runtime(core, options, {&outbox}) {
    runtime.attach_journal(&journal, 1);
    runtime.start();
  }
  ~TwoBatches() {
    journal.open();  // lets the core thread finish what it holds
    runtime.stop();
  }
  void submit() {
    auto p = std::make_shared<std::promise<Outcome>>();
    auto a = std::make_shared<std::promise<Outcome>>();
    auto c = std::make_shared<std::promise<Outcome>>();
    policy = p->get_future();
    agent = a->get_future();
    counts = c->get_future();
    REQUIRE(runtime.submit(request(Command{journal::test::set_policy()}, &outbox, p)) ==
            SubmitStatus::Accepted);
    REQUIRE(journal.wait_writes(1));
    REQUIRE(runtime.submit(request(Command{agent_named("ana")}, &outbox, a)) ==
            SubmitStatus::Accepted);
    REQUIRE(runtime.submit(request(Query{GetCounts{}}, &outbox, c)) == SubmitStatus::Accepted);
    journal.open_writes();
    // The second batch is written before the core waits for the first to be durable.
    REQUIRE(journal.wait_writes(2));
    REQUIRE(journal.wait_durable_waits(1));
    CHECK(journal.sequences() == std::vector<std::uint64_t>{1, 2});
    CHECK(policy.wait_for(50ms) == std::future_status::timeout);
    CHECK(agent.wait_for(0ms) == std::future_status::timeout);
    CHECK(counts.wait_for(0ms) == std::future_status::timeout);
    CHECK_FALSE(runtime.has_policy());
  }
  // Once the query of the second batch is answered, both commands' outcomes.
  std::pair<CommandOutcome, CommandOutcome> outcomes() {
    REQUIRE(counts.wait_for(10s) == std::future_status::ready);
    return {std::get<CommandOutcome>(policy.get()), std::get<CommandOutcome>(agent.get())};
  }
};

std::size_t agents_counted(std::future<Outcome>& counts) {
  return std::get<core::CoreCounts>(std::get<QueryResult>(counts.get())).agents;
}

TEST_CASE("the disk syncs one batch while the core applies the one before, in order") {
  TwoBatches two;
  two.submit();
  two.journal.open_durable();
  const auto [policy, agent] = two.outcomes();
  CHECK(policy.result.ok());
  CHECK(policy.sequence == 1);
  CHECK(agent.result.ok());
  CHECK(agent.sequence == 2);
  CHECK(agents_counted(two.counts) == 1);  // the query saw the command before it
}

TEST_CASE("a failed sync refuses its batch and the batch written after it; nothing changes") {
  RuntimeOptions options;
  options.journal_retry = 1ms;
  TwoBatches two(options);
  Runtime& runtime = two.runtime;
  RecordingOutbox& outbox = two.outbox;
  two.submit();
  two.journal.fail_sync();
  const auto [policy, agent] = two.outcomes();
  REQUIRE_FALSE(policy.result.ok());
  CHECK(policy.result.error().code == ErrorCode::JournalUnavailable);
  REQUIRE_FALSE(agent.result.ok());
  CHECK(agent.result.error().code == ErrorCode::JournalUnavailable);
  CHECK(agents_counted(two.counts) == 0);  // the query is answered; nothing was applied
  CHECK_FALSE(runtime.has_policy());
  CHECK(outbox.events() == 0);
  CHECK(runtime.stats().refused_journal == 2);

  // Once the journal is repaired the numbers the journal cut off are given again.
  two.journal.open_durable();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::optional<CommandOutcome> accepted;
  while (!accepted && std::chrono::steady_clock::now() < deadline) {
    auto done = std::make_shared<std::promise<Outcome>>();
    auto result = done->get_future();
    REQUIRE(runtime.submit(request(Command{journal::test::set_policy()}, &outbox, done)) ==
            SubmitStatus::Accepted);
    REQUIRE(result.wait_for(10s) == std::future_status::ready);
    auto outcome = std::get<CommandOutcome>(result.get());
    if (outcome.result.ok()) accepted = std::move(outcome);
  }
  REQUIRE(accepted);
  CHECK(accepted->sequence == 1);
  CHECK(runtime.has_policy());
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
