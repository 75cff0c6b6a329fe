// The Prometheus view of the engine, rendered on each scrape of /metrics (prometheus-cpp's
// registry and text serializer; served by our own Beast server, one port). The numbers come from
// snapshots: the core's report (published by the core thread every report interval, never
// asked of it), the runtime's counters, the server's connection and stream figures, and the
// HTTP request counters the I/O threads keep. Thread contract: render() and http() may be used
// from any thread; scrapes are serialized by an internal mutex (they are rare).
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
#include <string_view>
#include <vector>

#include "engine/core/core.h"
#include "engine/metrics/http_metrics.h"
#include "engine/runtime/runtime.h"

namespace sb::metrics {

class Metrics {
 public:
  // `routes`: the HTTP route labels (the last for requests that match none).
  explicit Metrics(std::vector<std::string_view> routes = {"unmatched"});
  // Policy reload attempts since start-up, by result.
  struct Reloads {
    std::uint64_t accepted = 0;
    std::uint64_t refused = 0;
  };
  // What the engine around the core reports at the time of a scrape.
  struct EngineFigures {
    runtime::RuntimeStats runtime;
    std::shared_ptr<const runtime::CoreReport> core;  // null before the first report
    std::size_t connections = 0;
    std::size_t stream_sessions = 0;
    std::uint64_t slow_consumers = 0;
    Reloads reloads;
    std::uint64_t policy_version = 0;  // 0: none installed
    std::string policy_sha256;
  };
  std::string render(const EngineFigures& figures);
  HttpMetrics& http() { return http_; }

 private:
  // Counters are fed totals: each scrape adds what grew since the last one.
  struct Total {
    prometheus::Counter* counter = nullptr;
    std::uint64_t seen = 0;
    void update(std::uint64_t now);
  };

  std::mutex mutex_;
  std::shared_ptr<prometheus::Registry> registry_;
  Total queries_, batches_, events_, refused_;
  Total reloads_accepted_, reloads_refused_;
  Total refused_journal_, journal_failures_, snapshots_, snapshot_failures_;
  prometheus::Histogram* fsync_ = nullptr;
  std::array<std::uint64_t, journal::kFsyncBuckets.size() + 1> fsync_seen_{};
  double fsync_sum_seen_ = 0;
  prometheus::Gauge* journal_healthy_ = nullptr;
  prometheus::Gauge* last_snapshot_bytes_ = nullptr;
  prometheus::Gauge* last_snapshot_seconds_ = nullptr;
  prometheus::Gauge* last_snapshot_time_ = nullptr;
  prometheus::Gauge* inbound_ = nullptr;
  prometheus::Gauge* connections_ = nullptr;
  prometheus::Gauge* stream_sessions_ = nullptr;
  Total slow_consumers_;
  HttpMetrics http_;
};

}  // namespace sb::metrics
