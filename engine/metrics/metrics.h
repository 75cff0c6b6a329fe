// The Prometheus view of the engine, rendered on each scrape of /metrics (prometheus-cpp's
// registry and text serializer; served by our own Beast server, one port). The numbers come from
// snapshots: the core's counts (asked of the core thread as a query), the runtime's counters and
// the server's connection count. Thread contract: render() may be called from any thread;
// scrapes are serialized by an internal mutex (they are rare).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "engine/core/core.h"
#include "engine/runtime/runtime.h"

namespace sb::metrics {

class Metrics {
 public:
  Metrics();
  // Policy reload attempts since start-up, by result.
  struct Reloads {
    std::uint64_t accepted = 0;
    std::uint64_t refused = 0;
  };
  std::string render(const core::CoreCounts& core, const runtime::RuntimeStats& runtime,
                     std::size_t connections, Reloads reloads);

 private:
  // Counters are fed totals: each scrape adds what grew since the last one.
  struct Total {
    prometheus::Counter* counter = nullptr;
    std::uint64_t seen = 0;
    void update(std::uint64_t now);
  };

  std::mutex mutex_;
  std::shared_ptr<prometheus::Registry> registry_;
  Total applied_, rejected_, queries_, batches_, events_, refused_;
  Total reloads_accepted_, reloads_refused_;
  Total refused_journal_, journal_failures_, snapshots_;
  prometheus::Histogram* fsync_ = nullptr;
  std::array<std::uint64_t, journal::kFsyncBuckets.size() + 1> fsync_seen_{};
  double fsync_sum_seen_ = 0;
  prometheus::Gauge* journal_healthy_ = nullptr;
  prometheus::Gauge* inbound_ = nullptr;
  prometheus::Gauge* connections_ = nullptr;
  prometheus::Gauge* agents_ = nullptr;
  prometheus::Gauge* customers_ = nullptr;
  prometheus::Gauge* timers_ = nullptr;
  prometheus::Gauge* retained_ = nullptr;
  prometheus::Gauge* waiting_ = nullptr;
  prometheus::Gauge* offered_ = nullptr;
  prometheus::Gauge* assigned_ = nullptr;
  prometheus::Gauge* wrap_up_ = nullptr;
};

}  // namespace sb::metrics
