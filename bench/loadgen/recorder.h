// Recorder: what a loadgen run measures. Creates are numbered as they are sent; an offer or an
// answer refers back to that number. Only what happens inside the measurement window counts:
// answers received in it (throughput) and offers of interactions sent in it (latency). Every
// member is thread-safe (one mutex; uncontended with the default single I/O thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sb::loadgen {

using Clock = std::chrono::steady_clock;

struct Results {
  double window_s = 0;
  std::uint64_t answered_ok = 0;     // 2xx answers received in the window
  std::vector<double> latency_ms;    // sorted: submit-to-offer, or request latency (livez)
  std::uint64_t sent_in_window = 0;  // creates sent in the window
  std::uint64_t offers_missing = 0;  // of those acknowledged, never offered by the end
  std::map<std::string, std::uint64_t> errors;  // by kind: "create 503", "accept 409", …

  double per_s() const { return window_s > 0 ? answered_ok / window_s : 0; }
  double percentile_ms(double p) const;  // 0 without samples
};

class Recorder {
 public:
  void set_window(Clock::time_point start, Clock::time_point end);

  // A create is being sent now by driver `owner` (-1: none to tell): its number (ids and
  // request ids carry it).
  std::uint64_t create_sent(Clock::time_point now, int owner = -1);
  // The answer to create `n` (HTTP status or the stream's status).
  void create_answered(std::uint64_t n, unsigned status, Clock::time_point now);
  // Mode ingest: create `n` was answered now; its submit-to-answer time is the latency sample.
  void create_latency(std::uint64_t n, Clock::time_point now);
  // The first offer of interaction `n` (later offers of it, after a reject, do not count).
  void offered(std::uint64_t n, Clock::time_point now);
  // Interaction `n` completed (or failed): no longer outstanding. Returns its owner the first
  // time, nullopt after or when it has none.
  std::optional<int> completed(std::uint64_t n);
  // A plain request (livez) sent at `sent` was answered now.
  void request_done(Clock::time_point sent, unsigned status, Clock::time_point now);
  void error(const std::string& kind);

  // Creates acknowledged but not yet completed (or refused).
  std::uint64_t outstanding() const;
  Results results() const;

 private:
  struct Create {
    Clock::time_point sent;
    int owner = -1;
    bool acknowledged = false;
    bool offered = false;
    bool done = false;
  };
  bool in_window(Clock::time_point t) const { return t >= start_ && t < end_; }
  void count_status(const char* what, unsigned status);

  mutable std::mutex mutex_;
  Clock::time_point start_ = Clock::time_point::max();
  Clock::time_point end_ = Clock::time_point::max();
  std::vector<Create> creates_;
  std::uint64_t outstanding_ = 0;
  std::uint64_t answered_ok_ = 0;
  std::vector<double> latency_ms_;
  std::map<std::string, std::uint64_t> errors_;
};

}  // namespace sb::loadgen
