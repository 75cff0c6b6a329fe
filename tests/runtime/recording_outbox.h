// A runtime Outbox for tests: keeps completions and event batches in the order the core thread
// pushed them, runs the completions on notify(), and lets the test thread wait for a condition.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/runtime/request.h"

namespace sb::runtime {

// Collects what the core thread pushes; the test thread waits on it.
class RecordingOutbox : public Outbox {
 public:
  void push(Completion&& c) override {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(c));
  }
  void push(std::shared_ptr<const EventBatch> batch) override {
    std::lock_guard lock(mutex_);
    batches_.push_back(std::move(batch));
  }
  void notify() override {
    std::vector<Completion> ready;
    {
      std::lock_guard lock(mutex_);
      ready.swap(pending_);
      ++notifies_;
    }
    for (Completion& c : ready) c.done(std::move(c.outcome));
    changed_.notify_all();
  }

  template <typename Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return pred(); });
  }
  std::vector<std::shared_ptr<const EventBatch>> batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  std::size_t notifies() {
    std::lock_guard lock(mutex_);
    return notifies_;
  }
  std::size_t events() {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& batch : batches_) n += batch->events.size();
    return n;
  }

  std::mutex mutex_;

 private:
  std::condition_variable changed_;
  std::vector<Completion> pending_;
  std::vector<std::shared_ptr<const EventBatch>> batches_;
  std::size_t notifies_ = 0;
};

}  // namespace sb::runtime
