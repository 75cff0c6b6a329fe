// What the I/O threads hand the core thread, and what comes back: a command to apply or a query
// to answer, and the callback that receives the outcome. Plain data plus a callback; the runtime
// moves it between threads, it never shares it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/core/core.h"
#include "switchboard/command.h"
#include "switchboard/event.h"
#include "switchboard/result.h"
#include "switchboard/views.h"

namespace sb::runtime {

// Read-only questions the core answers from its state.
struct GetAgent {
  std::string id;
};
struct ListAgents {};
struct GetInteraction {
  std::string id;
};
struct ListQueues {};
struct GetQueue {
  std::string name;
};
struct GetJourney {
  std::string customer_id;
};
// The core's counts, for /metrics.
struct GetCounts {};
using Query =
    std::variant<GetAgent, ListAgents, GetInteraction, ListQueues, GetQueue, GetJourney, GetCounts>;

// std::monostate: no such agent, interaction or queue.
using QueryResult =
    std::variant<std::monostate, AgentView, std::vector<AgentView>, InteractionView, QueueView,
                 std::vector<QueueView>, std::vector<JourneyContact>, core::CoreCounts>;

struct CommandOutcome {
  std::uint64_t sequence = 0;  // the order the core applied it in (stamped at dequeue)
  Timestamp applied_at;
  Result<Reply> result = Reply{};
};

using Outcome = std::variant<CommandOutcome, QueryResult>;
using OnDone = std::function<void(Outcome&&)>;

class Outbox;

struct Request {
  std::variant<Command, Query> what;
  // Called with the outcome on the thread that drains `outbox`; with no outbox, on the core
  // thread itself (only for trivial callbacks such as fulfilling a promise).
  OnDone done;
  Outbox* outbox = nullptr;
};

// The events of one core batch, numbered: events[k] has id first_id + k. Shared, immutable.
struct EventBatch {
  std::uint64_t first_id = 0;
  std::vector<Event> events;
};

struct Completion {
  OnDone done;
  Outcome outcome;
};

// Where the core thread sends completions and events for one I/O thread. The core thread calls
// push() for each item of a batch and notify() once per batch; the implementation wakes its I/O
// thread, which drains and runs the callbacks. push() and notify() must not block.
class Outbox {
 public:
  virtual ~Outbox() = default;
  virtual void push(Completion&& completion) = 0;
  virtual void push(std::shared_ptr<const EventBatch> batch) = 0;
  virtual void notify() = 0;
};

}  // namespace sb::runtime
