#include "engine/runtime/runtime.h"

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <algorithm>
#include <array>
#include <future>
#include <type_traits>
#include <utility>

#include "engine/common/assert.h"

namespace sb::runtime {

struct Runtime::Inbound {
  moodycamel::BlockingConcurrentQueue<Request> queue;
};

namespace {
std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}
}  // namespace

Timestamp system_now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp{std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count()};
}

Runtime::Runtime(core::Core& core, RuntimeOptions options, std::vector<Outbox*> event_sinks,
                 Clock clock)
    : core_(core),
      options_(options),
      event_sinks_(std::move(event_sinks)),
      clock_(clock ? std::move(clock) : Clock(system_now)),
      inbound_(std::make_unique<Inbound>()),
      last_now_(core.now()),
      next_sequence_(options_.first_sequence) {
  has_policy_.store(core_.policy() != nullptr, std::memory_order_release);
  if (options_.time_decisions) core_.set_stopwatch(&steady_ns);
}

Runtime::~Runtime() { stop(); }

void Runtime::attach_journal(journal::Journal* journal, std::uint64_t first_sequence) {
  SB_CHECK(!thread_.joinable());
  options_.journal = journal;
  options_.first_sequence = first_sequence;
  next_sequence_ = first_sequence;
}

std::optional<std::uint64_t> Runtime::final_state_hash() const {
  if (!has_final_hash_.load(std::memory_order_acquire)) return std::nullopt;
  return final_hash_.load(std::memory_order_relaxed);
}

void Runtime::start() {
  SB_CHECK(!thread_.joinable());
  // The core may have been rebuilt (recovery) since construction.
  last_now_ = std::max(last_now_, core_.now());
  has_policy_.store(core_.policy() != nullptr, std::memory_order_release);
  last_tick_us_.store(system_now().us, std::memory_order_relaxed);  // alive from now on
  stopping_.store(false, std::memory_order_release);
  running_.store(true, std::memory_order_release);
  thread_ = std::thread([this] { loop(); });
}

void Runtime::stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
  running_.store(false, std::memory_order_release);
}

SubmitStatus Runtime::submit(Request request) {
  // Reserve a place first, so the bound holds however many threads submit at once, and so that
  // the core thread, which stops only once it sees no reservation, never strands a request.
  if (inbound_size_.fetch_add(1) >= options_.inbound_max) {
    inbound_size_.fetch_sub(1);
    refused_.fetch_add(1, std::memory_order_relaxed);
    return SubmitStatus::Overloaded;
  }
  if (stopping_.load()) {
    inbound_size_.fetch_sub(1);
    return SubmitStatus::Stopped;
  }
  inbound_->queue.enqueue(std::move(request));
  return SubmitStatus::Accepted;
}

Result<Reply> Runtime::call(Command command) {
  auto promise = std::make_shared<std::promise<Result<Reply>>>();
  auto future = promise->get_future();
  Request request;
  request.what = std::move(command);
  request.done = [promise](Outcome&& outcome) {
    promise->set_value(std::move(std::get<CommandOutcome>(outcome).result));
  };
  switch (submit(std::move(request))) {
    case SubmitStatus::Accepted:
      return future.get();
    case SubmitStatus::Overloaded:
      return make_error(ErrorCode::Overloaded, "", "the routing core's inbound queue is full");
    case SubmitStatus::Stopped:
      break;
  }
  return make_error(ErrorCode::ShuttingDown, "", "the routing core is stopped");
}

RuntimeStats Runtime::stats() const {
  RuntimeStats s;
  s.commands_applied = applied_.load(std::memory_order_relaxed);
  s.commands_rejected = rejected_.load(std::memory_order_relaxed);
  s.queries = queries_.load(std::memory_order_relaxed);
  s.batches = batches_.load(std::memory_order_relaxed);
  s.events = events_.load(std::memory_order_relaxed);
  s.refused_overloaded = refused_.load(std::memory_order_relaxed);
  s.refused_journal = refused_journal_.load(std::memory_order_relaxed);
  s.inbound = inbound_size_.load(std::memory_order_relaxed);
  if (options_.journal != nullptr) {
    s.journal_enabled = true;
    s.journal = options_.journal->stats();
  }
  return s;
}

Timestamp Runtime::now() {
  // The core's time never goes back, even when the system clock does.
  last_now_ = std::max(last_now_, clock_());
  return last_now_;
}

void Runtime::loop() {
  // Two stages: while one waits for the disk, the other is dequeued and written.
  std::array<Stage, 2> stages;
  for (Stage& stage : stages) {
    stage.requests.resize(options_.batch_max);
    stage.stamps.resize(options_.batch_max);
  }
  entries_.reserve(options_.batch_max);
  std::vector<Event> events;
  std::vector<Outbox*> touched;
  journal::Journal* const journal = options_.journal;
  Stage* waiting = nullptr;  // written to the journal, not yet known durable, not applied
  for (;;) {
    Stage& stage = waiting == &stages[0] ? stages[1] : stages[0];
    std::size_t n = 0;
    if (waiting != nullptr) {
      // A batch waits for the disk: take what has come meanwhile, but do not sleep.
      n = inbound_->queue.try_dequeue_bulk(stage.requests.begin(), stage.requests.size());
    } else {
      // Sleep until a request arrives or the next timer (or interval fsync) is due, but never
      // past one tick.
      auto timeout = std::chrono::duration_cast<std::chrono::microseconds>(options_.tick);
      if (auto deadline = core_.next_deadline()) {
        const Duration until = *deadline - now();
        timeout = std::clamp(until, Duration{0}, timeout);
      }
      if (journal != nullptr) {
        if (auto due = journal->poll_deadline()) {
          const auto until = std::chrono::duration_cast<std::chrono::microseconds>(
              *due - std::chrono::steady_clock::now());
          timeout = std::clamp(until, Duration{0}, timeout);
        }
      }
      n = inbound_->queue.wait_dequeue_bulk_timed(stage.requests.begin(), stage.requests.size(),
                                                  timeout);
    }
    inbound_size_.fetch_sub(n);
    stage.size = n;
    stage.at = now();
    stamp(stage, waiting == nullptr);  // written before the waiting batch is applied: overlap
    if (waiting != nullptr) {
      // With nothing new written, the core thread has nothing to overlap: it may run the sync
      // itself rather than wait for the journal's sync thread to wake (low-load latency).
      const bool idle = stage.last_journaled == 0;
      if (!finish(*waiting, events, touched, idle)) {
        // The journal cut this stage off together with the one before it.
        refuse_unjournaled(stage);
      }
      waiting = nullptr;
    }
    if (stage.last_journaled != 0 && !journal->durable_when_written()) {
      waiting = &stage;
    } else {
      finish(stage, events, touched, true);
    }
    if (journal != nullptr && journal->healthy()) {
      if (journal::Status s = journal->poll(); !s.ok()) {
        journal_ok_.store(false, std::memory_order_release);
        if (options_.log) options_.log("journal: " + s.message() + "; commands are refused");
      }
    }
    last_tick_us_.store(system_now().us, std::memory_order_relaxed);
    if (options_.report_interval.count() > 0) {
      const auto t = std::chrono::steady_clock::now();
      if (t >= next_report_) {
        next_report_ = t + options_.report_interval;
        const bool recount = t >= next_eligible_recount_;
        if (recount) next_eligible_recount_ = t + options_.eligible_recount_interval;
        report_.store(
            std::make_shared<const CoreReport>(CoreReport{core_.counts(), core_.stats(recount)}));
      }
    }

    // Stop once asked and nothing is left: what was accepted before stop() is still answered.
    if (n == 0 && waiting == nullptr && stopping_.load() && inbound_size_.load() == 0) break;
  }
  // A graceful stop: record the state hash, so that replay can check it gets the same state.
  const std::uint64_t hash = core_.state_hash();
  final_hash_.store(hash, std::memory_order_relaxed);
  has_final_hash_.store(true, std::memory_order_release);
  if (journal != nullptr && journal->healthy()) {
    if (journal::Status s = journal->mark(next_sequence_ - 1, core_.now(), hash);
        !s.ok() && options_.log) {
      options_.log("journal: cannot record the final mark: " + s.message());
    }
  }
}

bool Runtime::finish(Stage& stage, std::vector<Event>& events, std::vector<Outbox*>& touched,
                     bool may_sync_here) {
  bool durable = true;
  if (stage.last_journaled != 0) {
    if (journal::Status s = options_.journal->wait_durable(stage.last_journaled, may_sync_here);
        !s.ok()) {
      durable = false;
      journal_ok_.store(false, std::memory_order_release);
      if (options_.log) options_.log("journal: " + s.message() + "; commands are refused");
      next_repair_ = std::chrono::steady_clock::now() + options_.journal_retry;
      refuse_unjournaled(stage);
    }
  }
  core_.advance(stage.at, events);
  process(stage, events, touched);
  for (std::size_t k = 0; k < stage.size; ++k) stage.requests[k] = Request{};
  publish(events, touched);
  return durable;
}

void Runtime::refuse_unjournaled(Stage& stage) {
  if (stage.last_journaled == 0) return;
  // Nothing of it is in the journal: none of it may change the state, and its sequence numbers
  // go to the next commands (the earliest refused stage's, if the one before it was refused too).
  next_sequence_ = std::min(next_sequence_, stage.first_journaled);
  stage.first_journaled = stage.last_journaled = 0;
  for (std::size_t k = 0; k < stage.size; ++k) {
    Stamp& s = stage.stamps[k];
    if (!std::holds_alternative<Command>(stage.requests[k].what) || s.refused) continue;
    s = Stamp{};
    s.refused = make_error(ErrorCode::JournalUnavailable, "",
                           "the command could not be made durable; nothing changed, retry later");
    refused_journal_.fetch_add(1, std::memory_order_relaxed);
  }
}

bool Runtime::journal_ready() {
  journal::Journal* const journal = options_.journal;
  if (journal->healthy()) return true;
  const auto t = std::chrono::steady_clock::now();
  if (t < next_repair_) return false;
  next_repair_ = t + options_.journal_retry;
  if (journal::Status s = journal->repair(); !s.ok()) return false;
  journal_ok_.store(true, std::memory_order_release);
  if (options_.log) options_.log("journal: writable again; commands are accepted");
  return true;
}

void Runtime::stamp(Stage& stage, bool may_repair) {
  journal::Journal* const journal = options_.journal;
  stage.first_journaled = stage.last_journaled = 0;
  entries_.clear();
  for (std::size_t k = 0; k < stage.size; ++k) {
    Stamp& s = stage.stamps[k];
    s = Stamp{};
    const auto* command = std::get_if<Command>(&stage.requests[k].what);
    if (command == nullptr) continue;
    if (journal != nullptr) {
      const auto* set = std::get_if<SetPolicy>(command);
      if (set != nullptr && (set->source.empty() || !set->policy)) {
        s.refused = make_error(ErrorCode::InvalidField, "policy",
                               "a policy without its source text cannot be journaled");
        continue;
      }
    }
    s.sequence = next_sequence_++;
    s.at = now();
    if (journal != nullptr) entries_.push_back(journal::Entry{s.sequence, s.at, command});
  }
  if (journal == nullptr || entries_.empty()) return;
  stage.first_journaled = entries_.front().sequence;
  stage.last_journaled = entries_.back().sequence;

  journal::Status written;
  if (!(may_repair ? journal_ready() : journal->healthy())) {
    written = journal::Status::error("the journal is not writable");
  } else {
    written = journal->write(entries_);
    if (!written.ok()) {
      journal_ok_.store(false, std::memory_order_release);
      if (options_.log) options_.log("journal: " + written.message() + "; commands are refused");
      next_repair_ = std::chrono::steady_clock::now() + options_.journal_retry;
    }
  }
  if (!written.ok()) refuse_unjournaled(stage);
}

void Runtime::process(Stage& stage, std::vector<Event>& events, std::vector<Outbox*>& touched) {
  for (std::size_t k = 0; k < stage.size; ++k) {
    Request& request = stage.requests[k];
    const Stamp& stamp = stage.stamps[k];
    Outcome outcome = std::visit(
        [&](const auto& what) -> Outcome {
          using T = std::decay_t<decltype(what)>;
          if constexpr (std::is_same_v<T, Command>) {
            if (stamp.refused) return CommandOutcome{0, stamp.at, *stamp.refused};
            CommandOutcome done{stamp.sequence, stamp.at, core_.apply(what, stamp.at, events)};
            (done.result.ok() ? applied_ : rejected_).fetch_add(1, std::memory_order_relaxed);
            if (done.result.ok() && std::holds_alternative<SetPolicy>(what)) {
              has_policy_.store(true, std::memory_order_release);
            }
            return done;
          } else {
            queries_.fetch_add(1, std::memory_order_relaxed);
            return answer(what);
          }
        },
        request.what);
    if (request.outbox == nullptr) {
      if (request.done) request.done(std::move(outcome));
      continue;
    }
    request.outbox->push(Completion{std::move(request.done), std::move(outcome)});
    if (std::find(touched.begin(), touched.end(), request.outbox) == touched.end()) {
      touched.push_back(request.outbox);
    }
  }
}

void Runtime::publish(std::vector<Event>& events, std::vector<Outbox*>& touched) {
  // The batch is durable by now (finish() waited for it before applying it): release it.
  if (!events.empty()) {
    auto batch = std::make_shared<EventBatch>();
    batch->first_id = next_event_id_;
    next_event_id_ += events.size();
    events_.fetch_add(events.size(), std::memory_order_relaxed);
    batch->events = std::move(events);
    events.clear();
    std::shared_ptr<const EventBatch> shared = std::move(batch);
    for (Outbox* sink : event_sinks_) {
      sink->push(shared);
      if (std::find(touched.begin(), touched.end(), sink) == touched.end()) touched.push_back(sink);
    }
  }
  if (!touched.empty()) batches_.fetch_add(1, std::memory_order_relaxed);
  for (Outbox* outbox : touched) outbox->notify();
  touched.clear();
}

QueryResult Runtime::answer(const Query& query) const {
  struct Answer {
    const core::Core& core;
    QueryResult operator()(const GetAgent& q) const {
      if (auto view = core.agent(q.id)) return std::move(*view);
      return std::monostate{};
    }
    QueryResult operator()(const ListAgents&) const { return core.agents(); }
    QueryResult operator()(const GetInteraction& q) const {
      if (auto view = core.interaction(q.id)) return std::move(*view);
      return std::monostate{};
    }
    QueryResult operator()(const ListQueues&) const { return core.queues(); }
    QueryResult operator()(const GetQueue& q) const {
      if (auto view = core.queue(q.name)) return std::move(*view);
      return std::monostate{};
    }
    QueryResult operator()(const GetJourney& q) const { return core.journey(q.customer_id); }
    QueryResult operator()(const GetCounts&) const { return core.counts(); }
  };
  return std::visit(Answer{core_}, query);
}

}  // namespace sb::runtime
