#include "engine/api/stream_hub.h"

#include <algorithm>

#include "engine/api/json_encode.h"

namespace sb::api {
namespace {

constexpr std::string_view kSource = "switchboard";

bool listed(bool all, const std::unordered_set<std::string>& names, std::string_view name) {
  if (name.empty()) return false;
  return all || names.contains(std::string(name));
}

}  // namespace

Subscription::Subscription(const Subscribe& request) {
  for (const std::string& a : request.agents) {
    if (a == "*") {
      all_agents_ = true;
    } else {
      agents_.insert(a);
    }
  }
  for (const std::string& q : request.queues) {
    if (q == "*") {
      all_queues_ = true;
    } else {
      queues_.insert(q);
    }
  }
}

bool Subscription::matches(const EventScope& scope) const {
  if (scope.broadcast) return all_agents_ || all_queues_ || !agents_.empty() || !queues_.empty();
  return listed(all_agents_, agents_, scope.agent) || listed(all_queues_, queues_, scope.queue) ||
         listed(all_queues_, queues_, scope.other_queue);
}

void StreamHub::add(StreamSubscriber* subscriber) {
  if (std::find(subscribers_.begin(), subscribers_.end(), subscriber) == subscribers_.end()) {
    subscribers_.push_back(subscriber);
  }
}

void StreamHub::remove(StreamSubscriber* subscriber) { std::erase(subscribers_, subscriber); }

void StreamHub::publish(const runtime::EventBatch& batch) {
  if (subscribers_.empty()) return;
  // A session may close (and remove itself) while we deliver: iterate over a copy. A session
  // that closed meanwhile is still alive (its pending operations own it) and ignores deliveries.
  const std::vector<StreamSubscriber*> targets = subscribers_;
  for (std::size_t k = 0; k < batch.events.size(); ++k) {
    const Event& event = batch.events[k];
    const EventScope scope = event_scope(event);
    std::shared_ptr<const std::string> encoded;
    for (StreamSubscriber* s : targets) {
      if (!s->subscription().matches(scope)) continue;
      if (!encoded) {
        encoded = std::make_shared<const std::string>(
            encode_cloud_event(event, batch.first_id + k, kSource));
      }
      s->deliver(encoded);
    }
  }
}

}  // namespace sb::api
