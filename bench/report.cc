#include "bench/report.h"

namespace sb::bench {
namespace {

// The goals of the issue, stated for 10,000 agents.
constexpr double kDecisionP50NsMax = 1'000;
constexpr double kDecisionP99NsMax = 5'000;
constexpr double kCommandsPerSMin = 1'000'000;
constexpr double kBytesPerAgentMax = 1'024;
constexpr double kBytesPerWaitingMax = 512;
constexpr double kSpeedupMin = 20;

const char* verdict(bool ok) { return ok ? "ok" : "MISSED"; }

}  // namespace

void print_table(const Report& r, std::FILE* out) {
  std::fprintf(out, "\nSwitchboard core benchmark  (seed %llu, policy from %s, %.1f s)\n\n",
               static_cast<unsigned long long>(r.seed), r.policy_source, r.total_s);
  std::fprintf(out, "steady state (built by %zu commands in %.1f s)\n", r.build_commands,
               r.build_s);
  std::fprintf(out, "  agents %zu: busy %zu, with a free slot %zu, away %zu\n", r.agents,
               r.agents_busy, r.agents_free_slot, r.agents_away);
  std::fprintf(
      out, "  interactions: waiting %zu (oldest %.0f s), offered %zu, assigned %zu, wrap-up %zu\n",
      r.waiting, r.oldest_wait_s, r.offered, r.assigned, r.wrap_up);
  std::fprintf(out, "  customers with a journey %zu\n\n", r.customers);

  std::fprintf(out,
               "decision = Core::preview of a new interaction (clock read ~%lld ns included)\n",
               static_cast<long long>(r.clock_ns));
  std::fprintf(out, "  indexed  %zu samples: p50 %lld ns, p90 %lld ns, p99 %lld ns, max %lld ns\n",
               r.samples, static_cast<long long>(r.decision_ns_p50),
               static_cast<long long>(r.decision_ns_p90), static_cast<long long>(r.decision_ns_p99),
               static_cast<long long>(r.decision_ns_max));
  std::fprintf(out, "           found an agent %.1f%%, mean eligible candidates %.1f\n",
               100 * r.decision_found_share, r.decision_candidates);
  std::fprintf(out,
               "  naive    %zu samples: p50 %lld ns, p99 %lld ns; same agent as indexed: %s\n\n",
               r.naive_samples, static_cast<long long>(r.naive_ns_p50),
               static_cast<long long>(r.naive_ns_p99),
               r.mismatches == 0 ? "all" : "NO, see the mismatches above");

  std::fprintf(out, "commands = replay of a recorded log on a fresh identical core, one thread\n");
  std::fprintf(out,
               "  %zu commands: %.0f commands/s; sampled apply p50 %lld ns, p99 %lld ns; create "
               "p50 %lld ns, p99 %lld ns\n",
               r.commands, r.commands_per_s, static_cast<long long>(r.apply_ns_p50),
               static_cast<long long>(r.apply_ns_p99), static_cast<long long>(r.create_ns_p50),
               static_cast<long long>(r.create_ns_p99));
  std::fprintf(out, "  mix:");
  for (const auto& [name, count] : r.mix) {
    std::fprintf(out, " %.*s %.1f%%", static_cast<int>(name.size()), name.data(),
                 100.0 * static_cast<double>(count) / static_cast<double>(r.commands));
  }
  std::fprintf(out, "\n  refused by the core %llu; replay reproduced the recorded state: %s\n\n",
               static_cast<unsigned long long>(r.rejected), r.deterministic ? "yes" : "NO");

  std::fprintf(out, "memory = live heap delta\n");
  std::fprintf(out,
               "  per agent %.0f B (all %zu registered, spare capacity of containers included)\n",
               r.bytes_per_agent, r.agents);
  std::fprintf(
      out, "  per waiting interaction %.0f B, %.0f B with a new customer (amortized over %zu)\n\n",
      r.bytes_per_waiting, r.bytes_per_waiting_new_customer, r.memory_waiting);

  std::fprintf(out, "goals (stated for 10,000 agents; this run has %zu)\n", r.agents);
  std::fprintf(out, "  decision p50 <= 1 us          %8lld ns   %s\n",
               static_cast<long long>(r.decision_ns_p50),
               verdict(r.decision_ns_p50 <= kDecisionP50NsMax));
  std::fprintf(out, "  decision p99 <= 5 us          %8lld ns   %s\n",
               static_cast<long long>(r.decision_ns_p99),
               verdict(r.decision_ns_p99 <= kDecisionP99NsMax));
  std::fprintf(out, "  commands >= 1,000,000/s       %8.0f /s   %s\n", r.commands_per_s,
               verdict(r.commands_per_s >= kCommandsPerSMin));
  std::fprintf(out, "  per agent <= 1 KiB            %8.0f B    %s\n", r.bytes_per_agent,
               verdict(r.bytes_per_agent <= kBytesPerAgentMax));
  std::fprintf(out, "  per waiting <= 512 B          %8.0f B    %s\n", r.bytes_per_waiting,
               verdict(r.bytes_per_waiting <= kBytesPerWaitingMax));
  std::fprintf(out, "  >= 20x faster than naive      %8.1f x    %s\n\n", r.speedup(),
               verdict(r.speedup() >= kSpeedupMin));
}

void print_json(const Report& r, std::FILE* out) {
  std::fprintf(
      out,
      "{\"agents\":%zu,\"decision_ns_p50\":%lld,\"decision_ns_p99\":%lld,"
      "\"commands_per_s\":%.0f,\"naive_decision_ns_p50\":%lld,\"bytes_per_agent\":%.1f,"
      "\"bytes_per_waiting\":%.1f,\"speedup_vs_naive\":%.1f,\"decision_ns_p90\":%lld,"
      "\"naive_decision_ns_p99\":%lld,\"create_ns_p50\":%lld,\"create_ns_p99\":%lld,"
      "\"apply_ns_p50\":%lld,\"apply_ns_p99\":%lld,\"bytes_per_waiting_new_customer\":%.1f,"
      "\"waiting\":%zu,\"assigned\":%zu,\"agents_free_slot\":%zu,\"commands\":%zu,"
      "\"samples\":%zu,\"naive_samples\":%zu,\"mismatches\":%zu,\"rejected\":%llu,"
      "\"deterministic\":%s,\"seed\":%llu,\"policy\":\"%s\"}\n",
      r.agents, static_cast<long long>(r.decision_ns_p50),
      static_cast<long long>(r.decision_ns_p99), r.commands_per_s,
      static_cast<long long>(r.naive_ns_p50), r.bytes_per_agent, r.bytes_per_waiting, r.speedup(),
      static_cast<long long>(r.decision_ns_p90), static_cast<long long>(r.naive_ns_p99),
      static_cast<long long>(r.create_ns_p50), static_cast<long long>(r.create_ns_p99),
      static_cast<long long>(r.apply_ns_p50), static_cast<long long>(r.apply_ns_p99),
      r.bytes_per_waiting_new_customer, r.waiting, r.assigned, r.agents_free_slot, r.commands,
      r.samples, r.naive_samples, r.mismatches, static_cast<unsigned long long>(r.rejected),
      r.deterministic ? "true" : "false", static_cast<unsigned long long>(r.seed), r.policy_source);
}

}  // namespace sb::bench
