// What core_bench measured, and the two ways it prints it: a readable table with the goals of
// the issue, or one JSON object on one line (the last line of output) for scripts. Plain data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::bench {

struct Report {
  std::size_t agents = 0;
  std::uint64_t seed = 0;
  double total_s = 0;

  // The steady state the decisions and commands ran against.
  std::size_t waiting = 0;
  std::size_t offered = 0;
  std::size_t assigned = 0;
  std::size_t wrap_up = 0;
  std::size_t agents_busy = 0;       // holding at least one interaction
  std::size_t agents_free_slot = 0;  // available with a free slot on some channel
  std::size_t agents_away = 0;
  std::size_t customers = 0;
  double oldest_wait_s = 0;
  double build_s = 0;
  std::size_t build_commands = 0;

  // Decisions: Core::preview of a new interaction, indexed and naive.
  std::size_t samples = 0;
  std::int64_t decision_ns_p50 = 0, decision_ns_p90 = 0, decision_ns_p99 = 0, decision_ns_max = 0;
  double decision_found_share = 0;  // previews that found a free agent
  double decision_candidates = 0;   // mean eligible agents considered
  std::int64_t clock_ns = 0;        // cost of one steady_clock read, included in each sample
  std::size_t naive_samples = 0;
  std::int64_t naive_ns_p50 = 0, naive_ns_p99 = 0;
  std::size_t mismatches = 0;

  // Throughput: the replayed command log.
  std::size_t commands = 0;
  double commands_per_s = 0;
  std::int64_t apply_ns_p50 = 0, apply_ns_p99 = 0, create_ns_p50 = 0, create_ns_p99 = 0;
  std::vector<std::pair<std::string_view, std::size_t>> mix;  // command name -> count
  std::uint64_t rejected = 0;          // commands the core refused (the driver should cause none)
  bool deterministic = true;           // replay on a fresh core gave the recorded state
  const char* policy_source = "code";  // "yaml": compiled by the policy loader

  // Memory: live heap deltas.
  double bytes_per_agent = 0;
  double bytes_per_waiting = 0;
  double bytes_per_waiting_new_customer = 0;
  std::size_t memory_waiting = 0;  // interactions the waiting figures were measured over

  double speedup() const {
    return decision_ns_p50 > 0
               ? static_cast<double>(naive_ns_p50) / static_cast<double>(decision_ns_p50)
               : 0;
  }
};

void print_table(const Report& r, std::FILE* out);
void print_json(const Report& r, std::FILE* out);

}  // namespace sb::bench
