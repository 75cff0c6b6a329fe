// The stream sessions of one I/O thread, and the fan-out of the core's event batches to them:
// each event is encoded once per thread (only if some session wants it) and the same bytes are
// queued on every session whose subscription covers it. Touched only by its I/O thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/api/json_decode.h"
#include "engine/runtime/request.h"

namespace sb::api {

struct EventScope;

// What a session asked to receive; "*" in a list means every agent or every queue.
class Subscription {
 public:
  Subscription() = default;
  explicit Subscription(const Subscribe& request);
  bool matches(const EventScope& scope) const;

 private:
  bool all_agents_ = false;
  bool all_queues_ = false;
  std::unordered_set<std::string> agents_;
  std::unordered_set<std::string> queues_;
};

class StreamSubscriber {
 public:
  virtual ~StreamSubscriber() = default;
  virtual const Subscription& subscription() const = 0;
  // Queues one encoded event for sending; the session applies its slow-consumer policy.
  virtual void deliver(const std::shared_ptr<const std::string>& event) = 0;
};

class StreamHub {
 public:
  void add(StreamSubscriber* subscriber);
  void remove(StreamSubscriber* subscriber);
  std::size_t size() const { return subscribers_.size(); }
  void publish(const runtime::EventBatch& batch);

 private:
  std::vector<StreamSubscriber*> subscribers_;
};

}  // namespace sb::api
