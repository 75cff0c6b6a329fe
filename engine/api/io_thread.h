// One I/O thread: its own io_context (sessions accepted onto it live on it, so they need no
// strand), and the outbox through which the core thread hands it completions and event batches.
// The core thread calls push() and notify() (lock-free: a moodycamel queue and one atomic flag;
// at most one post() per batch); everything else runs on the I/O thread itself.
#pragma once

#include <concurrentqueue/concurrentqueue.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <unordered_set>

#include "engine/runtime/request.h"

namespace sb::api {

class StreamHub;

// A session that can be asked to wind down (on shutdown): finish what it is doing, then close.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void close_gracefully() = 0;
};

class IoThread final : public runtime::Outbox {
 public:
  explicit IoThread(std::size_t index);
  ~IoThread() override;
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  boost::asio::io_context& context() { return context_; }
  std::size_t index() const { return index_; }
  StreamHub& hub() { return *hub_; }

  // Sessions living on this thread; called on this thread only.
  void track(Closable* session) { sessions_.insert(session); }
  void untrack(Closable* session) { sessions_.erase(session); }
  std::size_t sessions() const { return sessions_.size(); }
  // Asks every session of this thread to close (posted to the thread).
  void close_sessions();

  void start();
  // Lets the loop end once its work is done (call after closing the sessions), then joins.
  void finish();
  // Stops the loop now, abandoning pending handlers, then joins.
  void stop();

  // Core thread side.
  void push(runtime::Completion&& completion) override;
  void push(std::shared_ptr<const runtime::EventBatch> batch) override;
  void notify() override;

 private:
  void drain();

  std::size_t index_;
  // Declared before the context and the queues, so destroyed after them: the handlers and
  // completions they still hold own sessions, whose destructors leave the hub and the set.
  std::unique_ptr<StreamHub> hub_;
  std::unordered_set<Closable*> sessions_;
  boost::asio::io_context context_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  moodycamel::ConcurrentQueue<runtime::Completion> completions_;
  moodycamel::ConcurrentQueue<std::shared_ptr<const runtime::EventBatch>> batches_;
  std::atomic<bool> scheduled_{false};
  std::thread thread_;
};

}  // namespace sb::api
