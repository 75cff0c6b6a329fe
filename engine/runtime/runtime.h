// The core thread: the only thread that touches routing state. I/O threads submit Requests to a
// bounded lock-free inbound queue (moodycamel); the core thread drains it in batches, stamps each
// command with a sequence number and a time, applies the batch, fires the timers that fell due,
// then publishes the outcomes and the batch's events to the I/O threads' outboxes — one wake-up
// per outbox per batch.
//
// With a journal, a batch goes: stamp each command (sequence, time), write the stamped commands
// to the journal (one write per batch), wait until they are durable (group commit: one fsync
// per batch at most), THEN apply them, then publish. The wait overlaps with work: the loop
// writes batch N+1 before it waits for batch N and applies it, so the disk syncs N+1 while the
// core applies N (a two-stage pipeline; with fsync `always` the journal syncs on a thread of its
// own; with `interval` and `none` a written batch is applied at once). Journaling the input before
// applying it (LMAX's input stage) means a failed write or sync changes nothing: the batch's
// commands — and those of the batch written after it, which the journal cut off with it — are
// answered JournalUnavailable, the state still equals the journal, and intake resumes once
// journal->repair() succeeds (tried every `journal_retry` while commands come). Queries are
// answered all along, in order with the commands. Commands the core then rejects are in the journal
// too and are rejected again on replay: the core is deterministic.
//
// Thread contract: submit(), call(), stats and health may be called from any thread; start() and
// stop() from the owning thread. The Core is touched only by the core thread once started.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/core/core.h"
#include "engine/journal/journal.h"
#include "engine/runtime/request.h"

namespace sb::runtime {

struct RuntimeOptions {
  std::size_t inbound_max = 65'536;  // requests waiting for the core; more is "overloaded"
  std::size_t batch_max = 512;       // requests applied between two publications
  // The loop wakes at least this often to fire timers and show it is alive.
  std::chrono::milliseconds tick{100};
  // The write-ahead journal (not owned; outlives the runtime); null: no durability.
  journal::Journal* journal = nullptr;
  std::uint64_t first_sequence = 1;  // after recovery: the last journaled sequence + 1
  std::chrono::milliseconds journal_retry{250};
  // Where the core thread reports journal failures and recoveries; may be empty.
  std::function<void(const std::string&)> log;
  // How often the core thread publishes its measurements for /metrics (0: never). Scrapes
  // read the last publication and never wait for the core.
  std::chrono::milliseconds report_interval{1000};
  // How often a report recounts the agents eligible per queue (O(queues x agents)).
  std::chrono::milliseconds eligible_recount_interval{10'000};
  // Time routing decisions with the steady clock (the decision-latency histogram).
  bool time_decisions = true;
};

// What the core thread publishes for /metrics: its counts and measurements at one instant.
struct CoreReport {
  core::CoreCounts counts;
  StatsSnapshot stats;
};

// What the runtime's counters say; read with relaxed atomics, so approximate.
struct RuntimeStats {
  std::uint64_t commands_applied = 0;
  std::uint64_t commands_rejected = 0;
  std::uint64_t queries = 0;
  std::uint64_t batches = 0;
  std::uint64_t events = 0;
  std::uint64_t refused_overloaded = 0;
  std::uint64_t refused_journal = 0;  // commands answered journal_unavailable
  std::size_t inbound = 0;
  bool journal_enabled = false;
  journal::JournalStats journal;
};

enum class SubmitStatus { Accepted, Overloaded, Stopped };

class Runtime {
 public:
  using Clock = std::function<Timestamp()>;

  // `event_sinks` receive every event batch (the I/O threads' outboxes); they must outlive the
  // runtime. `clock` defaults to the system clock; the core sees it clamped to never go back.
  Runtime(core::Core& core, RuntimeOptions options, std::vector<Outbox*> event_sinks,
          Clock clock = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Before start(): journal every command from now on, numbering from `first_sequence` (the
  // journal's last sequence + 1 after recovery). The journal must outlive the runtime.
  void attach_journal(journal::Journal* journal, std::uint64_t first_sequence);
  void start();
  // Applies what was already submitted, then stops the core thread. Idempotent.
  void stop();

  // Hands a request to the core thread. Never blocks; Overloaded when the inbound queue is full.
  SubmitStatus submit(Request request);

  // Submits and waits for the outcome: for threads that may block (start-up, the policy admin
  // thread), never for I/O threads. Overloaded and Stopped come back as errors.
  Result<Reply> call(Command command);

  // The last time the core loop went round (system clock, µs); 0 before it started.
  Timestamp last_tick() const { return Timestamp{last_tick_us_.load(std::memory_order_relaxed)}; }
  bool running() const { return running_.load(std::memory_order_acquire); }
  // Whether the core has a policy installed (so it can route).
  bool has_policy() const { return has_policy_.load(std::memory_order_acquire); }
  // Whether commands can be journaled now (true without a journal).
  bool journal_writable() const { return journal_ok_.load(std::memory_order_acquire); }
  RuntimeStats stats() const;
  // The core's last published report (see RuntimeOptions::report_interval); null before the
  // first. Lock-free for readers; never touches the core.
  std::shared_ptr<const CoreReport> report() const { return report_.load(); }
  // After stop(): the core's state hash when the loop ended (what the journal's mark records).
  std::optional<std::uint64_t> final_state_hash() const;

 private:
  struct Inbound;
  void loop();
  // How each command of the batch was stamped, or why it is refused.
  struct Stamp {
    std::uint64_t sequence = 0;
    Timestamp at;
    std::optional<Error> refused;
  };
  // One batch on its way through the loop: dequeued, stamped, written, applied, published.
  struct Stage {
    std::vector<Request> requests;  // batch_max places; the first `size` are this batch
    std::vector<Stamp> stamps;
    std::size_t size = 0;
    Timestamp at;                       // when it was dequeued: the core advances to it first
    std::uint64_t first_journaled = 0;  // its commands' sequences in the journal; 0: none
    std::uint64_t last_journaled = 0;
  };
  // Stamps the stage's commands and writes them to the journal. `may_repair`: whether an
  // unhealthy journal may be repaired now (not while an earlier batch waits to be durable).
  void stamp(Stage& stage, bool may_repair);
  // Waits until the stage is durable, then applies and publishes it. False when its sync failed:
  // then its commands were refused, and so must be those of any stage written after it.
  // `may_sync_here`: see Journal::wait_durable.
  bool finish(Stage& stage, std::vector<Event>& events, std::vector<Outbox*>& touched,
              bool may_sync_here);
  void refuse_unjournaled(Stage& stage);
  bool journal_ready();
  void process(Stage& stage, std::vector<Event>& events, std::vector<Outbox*>& touched);
  void publish(std::vector<Event>& events, std::vector<Outbox*>& touched);
  Timestamp now();
  QueryResult answer(const Query& query) const;

  core::Core& core_;
  RuntimeOptions options_;
  std::vector<Outbox*> event_sinks_;
  Clock clock_;
  std::unique_ptr<Inbound> inbound_;
  std::atomic<std::size_t> inbound_size_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
  std::atomic<bool> has_policy_{false};
  std::atomic<bool> journal_ok_{true};
  std::atomic<std::int64_t> last_tick_us_{0};
  std::thread thread_;

  // Owned by the core thread.
  Timestamp last_now_;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t next_event_id_ = 1;
  std::vector<journal::Entry> entries_;
  std::chrono::steady_clock::time_point next_repair_{};

  std::atomic<std::uint64_t> applied_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> queries_{0};
  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> events_{0};
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<std::uint64_t> refused_journal_{0};
  std::atomic<bool> has_final_hash_{false};
  std::atomic<std::shared_ptr<const CoreReport>> report_;
  std::chrono::steady_clock::time_point next_report_{};
  std::chrono::steady_clock::time_point next_eligible_recount_{};
  std::atomic<std::uint64_t> final_hash_{0};
};

// Microseconds since the Unix epoch on the system clock.
Timestamp system_now();

}  // namespace sb::runtime
