#include "engine/metrics/http_metrics.h"

#include <algorithm>
#include <limits>
#include <string>

namespace sb::metrics {

HttpMetrics::HttpMetrics(std::vector<std::string_view> routes)
    : names_(std::move(routes)), routes_(names_.size()) {}

void HttpMetrics::observe(std::size_t route, int status, double seconds) {
  Route& r = routes_[std::min(route, routes_.size() - 1)];
  const auto code = std::find(kCodes.begin(), kCodes.end() - 1, status);
  r.codes[static_cast<std::size_t>(code - kCodes.begin())].fetch_add(1, std::memory_order_relaxed);
  const auto bucket = std::lower_bound(kBounds.begin(), kBounds.end(), seconds);
  r.buckets[static_cast<std::size_t>(bucket - kBounds.begin())].fetch_add(
      1, std::memory_order_relaxed);
  r.sum_ns.fetch_add(static_cast<std::uint64_t>(std::max(0.0, seconds) * 1e9),
                     std::memory_order_relaxed);
}

void HttpMetrics::append_families(std::vector<prometheus::MetricFamily>& out) const {
  using prometheus::ClientMetric;
  prometheus::MetricFamily requests{"switchboard_http_requests_total",
                                    "HTTP requests answered, by route and status code",
                                    prometheus::MetricType::Counter,
                                    {}};
  prometheus::MetricFamily duration{"switchboard_http_request_duration_seconds",
                                    "Time from a request read to its response handed to the "
                                    "socket, by route",
                                    prometheus::MetricType::Histogram,
                                    {}};
  for (std::size_t k = 0; k < routes_.size(); ++k) {
    const Route& r = routes_[k];
    const std::string route(names_[k]);
    for (std::size_t c = 0; c < kCodes.size(); ++c) {
      const std::uint64_t n = r.codes[c].load(std::memory_order_relaxed);
      if (n == 0) continue;  // series appear with their first request
      ClientMetric m;
      m.label = {{"code", kCodes[c] == 0 ? "other" : std::to_string(kCodes[c])}, {"route", route}};
      m.counter.value = static_cast<double>(n);
      requests.metric.push_back(std::move(m));
    }
    ClientMetric h;
    h.label = {{"route", route}};
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < r.buckets.size(); ++b) {
      cumulative += r.buckets[b].load(std::memory_order_relaxed);
      const double bound =
          b < kBounds.size() ? kBounds[b] : std::numeric_limits<double>::infinity();
      h.histogram.bucket.push_back(ClientMetric::Bucket{cumulative, bound});
    }
    if (cumulative == 0) continue;
    h.histogram.sample_count = cumulative;
    h.histogram.sample_sum = static_cast<double>(r.sum_ns.load(std::memory_order_relaxed)) * 1e-9;
    duration.metric.push_back(std::move(h));
  }
  out.push_back(std::move(requests));
  out.push_back(std::move(duration));
}

}  // namespace sb::metrics
