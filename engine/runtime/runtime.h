// The core thread: the only thread that touches routing state. I/O threads submit Requests to a
// bounded lock-free inbound queue (moodycamel); the core thread drains it in batches, stamps each
// command with a sequence number and a time, applies the batch, fires the timers that fell due,
// then publishes the outcomes and the batch's events to the I/O threads' outboxes — one wake-up
// per outbox per batch. (The durable journal, when there is one, is flushed between applying a
// batch and publishing it: no acknowledgement leaves before its record.)
//
// Thread contract: submit(), call(), stats and health may be called from any thread; start() and
// stop() from the owning thread. The Core is touched only by the core thread once started.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "engine/core/core.h"
#include "engine/runtime/request.h"

namespace sb::runtime {

struct RuntimeOptions {
  std::size_t inbound_max = 65'536;  // requests waiting for the core; more is "overloaded"
  std::size_t batch_max = 512;       // requests applied between two publications
  // The loop wakes at least this often to fire timers and show it is alive.
  std::chrono::milliseconds tick{100};
};

// What the runtime's counters say; read with relaxed atomics, so approximate.
struct RuntimeStats {
  std::uint64_t commands_applied = 0;
  std::uint64_t commands_rejected = 0;
  std::uint64_t queries = 0;
  std::uint64_t batches = 0;
  std::uint64_t events = 0;
  std::uint64_t refused_overloaded = 0;
  std::size_t inbound = 0;
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
  RuntimeStats stats() const;

 private:
  struct Inbound;
  void loop();
  void process(std::span<Request> requests, std::vector<Event>& events,
               std::vector<Outbox*>& touched);
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
  std::atomic<std::int64_t> last_tick_us_{0};
  std::thread thread_;

  // Owned by the core thread.
  Timestamp last_now_;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t next_event_id_ = 1;

  std::atomic<std::uint64_t> applied_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> queries_{0};
  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> events_{0};
  std::atomic<std::uint64_t> refused_{0};
};

// Microseconds since the Unix epoch on the system clock.
Timestamp system_now();

}  // namespace sb::runtime
