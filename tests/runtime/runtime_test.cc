// The core thread: requests from many threads are applied once each, in one order, answered
// through their outboxes; events are numbered without gaps; the inbound bound holds; timers fire
// without any request; stop() answers what was accepted before it.
#include "engine/runtime/runtime.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "tests/runtime/recording_outbox.h"
#include "tests/support/core_harness.h"

namespace sb::runtime {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const Policy> test_policy() {
  return std::make_shared<const Policy>(test::basic_policy());
}

Request command(Command c, Outbox* outbox, OnDone done) {
  Request r;
  r.what = std::move(c);
  r.outbox = outbox;
  r.done = std::move(done);
  return r;
}

TEST_CASE("requests from many threads are applied once each, in one sequence") {
  core::Core core;
  RecordingOutbox outbox;
  Runtime runtime(core, {}, {&outbox});
  runtime.start();
  REQUIRE(runtime.call(SetPolicy{test_policy()}).ok());
  CHECK(runtime.has_policy());

  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::atomic<int> answered{0};
  std::set<std::uint64_t> sequences;  // guarded by outbox.mutex_ (callbacks run under notify)
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kPerThread; ++k) {
        CreateInteraction c;
        c.interaction_id = "i-" + std::to_string(t) + "-" + std::to_string(k);
        c.channel = "chat";
        c.customer_id = "c" + std::to_string(k);
        auto done = [&](Outcome&& o) {
          auto& outcome = std::get<CommandOutcome>(o);
          CHECK(outcome.result.ok());
          {
            std::lock_guard lock(outbox.mutex_);
            sequences.insert(outcome.sequence);
          }
          answered.fetch_add(1);
        };
        while (runtime.submit(command(c, &outbox, done)) != SubmitStatus::Accepted) {
          std::this_thread::yield();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  REQUIRE(outbox.wait_for([&] { return answered.load() == kThreads * kPerThread; }));
  {
    std::lock_guard lock(outbox.mutex_);
    CHECK(sequences.size() == kThreads * kPerThread);  // every sequence number distinct
  }
  CHECK(runtime.stats().commands_applied == kThreads * kPerThread + 1);

  // Events come in batches whose ids follow each other without a gap.
  std::uint64_t next = 1;
  for (const auto& batch : outbox.batches()) {
    CHECK(batch->first_id == next);
    next += batch->events.size();
  }
  CHECK(next > kThreads * kPerThread);  // at least one "queued" event per create
  // At most one wake-up per batch (the test below shows batches hold many requests).
  CHECK(outbox.notifies() <= runtime.stats().batches);
  runtime.stop();
  CHECK(core.counts().live_interactions == kThreads * kPerThread);
}

TEST_CASE("requests waiting together are applied in batches, one wake-up per batch") {
  core::Core core;
  RecordingOutbox outbox;
  RuntimeOptions options;
  options.batch_max = 512;
  Runtime runtime(core, options, {&outbox});
  // Queued before the core thread starts, so that they wait together.
  constexpr int kCreates = 1200;
  std::atomic<int> answered{0};
  auto count = [&](Outcome&& o) {
    if (std::get<CommandOutcome>(o).result.ok()) answered.fetch_add(1);
  };
  REQUIRE(runtime.submit(command(SetPolicy{test_policy()}, &outbox, count)) ==
          SubmitStatus::Accepted);
  for (int k = 0; k < kCreates; ++k) {
    CreateInteraction c;
    c.interaction_id = "b-" + std::to_string(k);
    c.channel = "chat";
    c.customer_id = "c" + std::to_string(k);
    REQUIRE(runtime.submit(command(std::move(c), &outbox, count)) == SubmitStatus::Accepted);
  }
  runtime.start();
  REQUIRE(outbox.wait_for([&] { return answered.load() == kCreates + 1; }));
  // 1,201 requests in batches of at most 512: three batches, three wake-ups.
  CHECK(outbox.notifies() == 3);
  CHECK(runtime.stats().batches == 3);
  runtime.stop();
}

TEST_CASE("queries are answered from the core's state") {
  core::Core core;
  RecordingOutbox outbox;
  Runtime runtime(core, {}, {&outbox});
  runtime.start();
  REQUIRE(runtime.call(SetPolicy{test_policy()}).ok());
  UpsertAgent agent;
  agent.agent_id = "a1";
  agent.skills = {{"billing", 8}};
  REQUIRE(runtime.call(agent).ok());

  std::atomic<int> answered{0};
  std::optional<AgentView> seen;
  bool missing_is_monostate = false;
  Request get;
  get.what = Query{GetAgent{"a1"}};
  get.outbox = &outbox;
  get.done = [&](Outcome&& o) {
    seen = std::get<AgentView>(std::get<QueryResult>(o));
    answered.fetch_add(1);
  };
  Request missing;
  missing.what = Query{GetAgent{"nobody"}};
  missing.outbox = &outbox;
  missing.done = [&](Outcome&& o) {
    missing_is_monostate = std::holds_alternative<std::monostate>(std::get<QueryResult>(o));
    answered.fetch_add(1);
  };
  REQUIRE(runtime.submit(std::move(get)) == SubmitStatus::Accepted);
  REQUIRE(runtime.submit(std::move(missing)) == SubmitStatus::Accepted);
  REQUIRE(outbox.wait_for([&] { return answered.load() == 2; }));
  REQUIRE(seen);
  CHECK(seen->id == "a1");
  CHECK(missing_is_monostate);
  CHECK(runtime.stats().queries == 2);
}

TEST_CASE("a full inbound queue refuses, and stop() still answers what it accepted") {
  core::Core core;
  RecordingOutbox outbox;
  RuntimeOptions options;
  options.inbound_max = 3;
  Runtime runtime(core, options, {&outbox});
  std::atomic<int> answered{0};
  auto done = [&](Outcome&&) { answered.fetch_add(1); };
  // Not started yet: nothing drains, so the fourth request finds the queue full.
  for (int k = 0; k < 3; ++k) {
    CHECK(runtime.submit(command(SetPolicy{test_policy()}, &outbox, done)) ==
          SubmitStatus::Accepted);
  }
  CHECK(runtime.submit(command(SetPolicy{test_policy()}, &outbox, done)) ==
        SubmitStatus::Overloaded);
  CHECK(runtime.stats().refused_overloaded == 1);
  runtime.start();
  runtime.stop();
  CHECK(answered.load() == 3);
  CHECK(runtime.submit(command(SetPolicy{test_policy()}, &outbox, done)) == SubmitStatus::Stopped);
  CHECK_FALSE(runtime.call(SetPolicy{test_policy()}).ok());
}

TEST_CASE("timers fire on the clock alone, and the loop shows it is alive") {
  core::Core core;
  RecordingOutbox outbox;
  std::atomic<std::int64_t> clock_us{test::kEpoch.us};
  RuntimeOptions options;
  options.tick = 5ms;
  Runtime runtime(core, options, {&outbox}, [&] { return Timestamp{clock_us.load()}; });
  runtime.start();
  REQUIRE(runtime.call(SetPolicy{test_policy()}).ok());
  UpsertAgent agent;
  agent.agent_id = "a1";
  REQUIRE(runtime.call(agent).ok());
  REQUIRE(runtime.call(SetAgentState{"a1", Presence::Available, ""}).ok());
  CreateInteraction chat;
  chat.interaction_id = "chat-1";
  chat.channel = "chat";
  chat.customer_id = "c1";
  auto created = runtime.call(chat);
  REQUIRE(created.ok());
  CHECK(created->state == InteractionState::Offered);

  // Nobody answers: once the clock passes the offer timeout, the core expires the offer by itself.
  clock_us += std::chrono::duration_cast<std::chrono::microseconds>(10min).count();
  auto expired = [&] {
    for (const auto& batch : outbox.batches()) {
      for (const Event& e : batch->events) {
        if (event_type(e) == "switchboard.offer.expired") return true;
      }
    }
    return false;
  };
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!expired() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  CHECK(expired());
  CHECK(runtime.last_tick().us > 0);
}

TEST_CASE("the core thread publishes its report for /metrics, which readers take without it") {
  core::Core core;
  RecordingOutbox outbox;
  RuntimeOptions options;
  options.report_interval = 10ms;
  Runtime runtime(core, options, {&outbox});
  runtime.start();
  REQUIRE(runtime.call(SetPolicy{test_policy()}).ok());
  for (int k = 0; k < 3; ++k) {
    CreateInteraction c;
    c.interaction_id = "r" + std::to_string(k);
    c.channel = "chat";
    REQUIRE(runtime.call(c).ok());
  }
  std::shared_ptr<const CoreReport> report;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    report = runtime.report();
    if (report && report->counts.waiting == 3) break;
    std::this_thread::sleep_for(1ms);
  }
  REQUIRE(report != nullptr);
  CHECK(report->counts.waiting == 3);
  CHECK(report->stats.commands_applied[2] == 3);  // interaction.create
  bool found = false;
  for (const QueueChannelStats& c : report->stats.queue_channels) {
    if (c.queue == "general" && c.channel == "chat") {
      found = true;
      CHECK(c.waiting == 3);
      CHECK(c.entered == 3);
    }
  }
  CHECK(found);
  runtime.stop();
}

}  // namespace
}  // namespace sb::runtime
