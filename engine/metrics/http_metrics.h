// HTTP requests by route and status code, and their duration, counted by the I/O threads with
// relaxed atomics (no lock, no allocation per request) and read on each scrape. Routes are the
// API's endpoints (a bounded set); codes outside the table count as "other".
#pragma once

#include <prometheus/metric_family.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sb::metrics {

class HttpMetrics {
 public:
  // `routes`: the label of each route index; the last is used for requests matching none.
  explicit HttpMetrics(std::vector<std::string_view> routes);
  void observe(std::size_t route, int status, double seconds);
  void append_families(std::vector<prometheus::MetricFamily>& out) const;

 private:
  static constexpr std::array<int, 18> kCodes{200, 202, 204, 400, 401, 403, 404, 405, 408,
                                              409, 413, 415, 422, 429, 431, 500, 503, 0};
  static constexpr std::array<double, 11> kBounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                  0.01,   0.025,   0.05,   0.1,   1};
  struct Route {
    std::array<std::atomic<std::uint64_t>, kCodes.size()> codes{};
    std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets{};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  std::vector<std::string_view> names_;
  std::vector<Route> routes_;
};

}  // namespace sb::metrics
