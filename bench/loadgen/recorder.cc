#include "bench/loadgen/recorder.h"

#include <algorithm>
#include <cmath>

#include "bench/loadgen/text.h"

namespace sb::loadgen {

double Results::percentile_ms(double p) const {
  if (latency_ms.empty()) return 0;
  const double rank = std::ceil(p / 100.0 * static_cast<double>(latency_ms.size()));
  const auto index = static_cast<std::size_t>(std::max(rank, 1.0)) - 1;
  return latency_ms[std::min(index, latency_ms.size() - 1)];
}

void Recorder::set_window(Clock::time_point start, Clock::time_point end) {
  std::lock_guard lock(mutex_);
  start_ = start;
  end_ = end;
}

std::uint64_t Recorder::create_sent(Clock::time_point now, int owner) {
  std::lock_guard lock(mutex_);
  creates_.push_back(Create{now, owner});
  return creates_.size() - 1;
}

void Recorder::count_status(const char* what, unsigned status) {
  if (status >= 200 && status < 300) return;
  errors_[cat({what, " ", std::to_string(status)})]++;
}

void Recorder::create_answered(std::uint64_t n, unsigned status, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (n >= creates_.size()) return;
  count_status("create", status);
  if (status < 200 || status >= 300) return;
  if (in_window(now)) ++answered_ok_;
  Create& c = creates_[n];
  if (c.acknowledged) return;
  c.acknowledged = true;
  if (!c.done) ++outstanding_;
}

void Recorder::create_latency(std::uint64_t n, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (n >= creates_.size()) return;
  const Create& c = creates_[n];
  if (in_window(c.sent))
    latency_ms_.push_back(std::chrono::duration<double, std::milli>(now - c.sent).count());
}

void Recorder::offered(std::uint64_t n, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (n >= creates_.size() || creates_[n].offered) return;
  Create& c = creates_[n];
  c.offered = true;
  if (in_window(c.sent))
    latency_ms_.push_back(std::chrono::duration<double, std::milli>(now - c.sent).count());
}

std::optional<int> Recorder::completed(std::uint64_t n) {
  std::lock_guard lock(mutex_);
  if (n >= creates_.size() || creates_[n].done) return std::nullopt;
  Create& c = creates_[n];
  c.done = true;
  if (c.acknowledged) --outstanding_;
  if (c.owner < 0) return std::nullopt;
  return c.owner;
}

void Recorder::request_done(Clock::time_point sent, unsigned status, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  count_status("request", status);
  if (status < 200 || status >= 300 || !in_window(now)) return;
  ++answered_ok_;
  if (in_window(sent))
    latency_ms_.push_back(std::chrono::duration<double, std::milli>(now - sent).count());
}

void Recorder::error(const std::string& kind) {
  std::lock_guard lock(mutex_);
  errors_[kind]++;
}

std::uint64_t Recorder::outstanding() const {
  std::lock_guard lock(mutex_);
  return outstanding_;
}

Results Recorder::results() const {
  std::lock_guard lock(mutex_);
  Results r;
  r.window_s = std::chrono::duration<double>(end_ - start_).count();
  r.answered_ok = answered_ok_;
  r.latency_ms = latency_ms_;
  std::sort(r.latency_ms.begin(), r.latency_ms.end());
  for (const Create& c : creates_) {
    if (!in_window(c.sent)) continue;
    ++r.sent_in_window;
    if (c.acknowledged && !c.offered) ++r.offers_missing;
  }
  r.errors = errors_;
  return r;
}

}  // namespace sb::loadgen
