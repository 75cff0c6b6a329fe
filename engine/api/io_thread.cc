#include "engine/api/io_thread.h"

#include <boost/asio/post.hpp>

#include <vector>

#include "engine/api/stream_hub.h"

namespace sb::api {

IoThread::IoThread(std::size_t index)
    : index_(index),
      hub_(std::make_unique<StreamHub>()),
      work_(boost::asio::make_work_guard(context_)) {}

IoThread::~IoThread() { stop(); }

void IoThread::start() {
  thread_ = std::thread([this] { context_.run(); });
}

void IoThread::finish() {
  work_.reset();
  if (thread_.joinable()) thread_.join();
}

void IoThread::stop() {
  context_.stop();
  if (thread_.joinable()) thread_.join();
}

void IoThread::close_sessions() {
  boost::asio::post(context_, [this] {
    // Closing may untrack: iterate over a copy.
    const std::vector<Closable*> sessions(sessions_.begin(), sessions_.end());
    for (Closable* s : sessions) {
      if (sessions_.contains(s)) s->close_gracefully();
    }
  });
}

void IoThread::push(runtime::Completion&& completion) {
  completions_.enqueue(std::move(completion));
}

void IoThread::push(std::shared_ptr<const runtime::EventBatch> batch) {
  batches_.enqueue(std::move(batch));
}

void IoThread::notify() {
  if (!scheduled_.exchange(true, std::memory_order_acq_rel)) {
    boost::asio::post(context_, [this] { drain(); });
  }
}

void IoThread::drain() {
  // Clear the flag before draining: a push that lands after this posts another drain.
  scheduled_.store(false, std::memory_order_release);
  runtime::Completion items[64];
  while (std::size_t n = completions_.try_dequeue_bulk(items, std::size(items))) {
    for (std::size_t k = 0; k < n; ++k) {
      items[k].done(std::move(items[k].outcome));
      items[k] = runtime::Completion{};
    }
  }
  std::shared_ptr<const runtime::EventBatch> batch;
  while (batches_.try_dequeue(batch)) hub_->publish(*batch);
}

}  // namespace sb::api
