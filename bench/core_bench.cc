// core_bench: micro-benchmark of the routing core at a contact centre's steady state (by default
// 10,000 agents, 50 skills, 100 queues, 1,000 interactions waiting). It measures
//   - decision latency: Core::preview of a new interaction, indexed, against the naive scan of
//     every agent (which must choose the same agent: a correctness cross-check);
//   - command throughput: a recorded log of a realistic command mix, replayed on one thread on a
//     fresh core that first replays (untimed) the recorded build of the steady state; the core
//     is deterministic, so both replays must end in the recorded states;
//   - memory: the live heap held per agent and per waiting interaction.
// See bench/driver.h for how the steady state is built. Single-threaded.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/driver.h"
#include "bench/heap_counter.h"
#include "bench/report.h"
#include "bench/scenario.h"
#include "engine/core/core.h"
#include "engine/policy/policy_loader.h"

namespace sb::bench {
namespace {

using Clock = std::chrono::steady_clock;
using sb::core::Core;
using sb::core::MatchStrategy;
using PolicyPtr = std::shared_ptr<const Policy>;

struct Options {
  std::size_t agents = 10'000;
  std::uint64_t seed = 1;
  std::size_t commands = 500'000;
  std::size_t samples = 100'000;
  std::size_t naive_samples = 0;  // 0: about 2,000 at 10,000 agents, fewer for larger centres
  std::size_t waiting = 0;        // 0: one per ten agents
  bool json = false;
  bool yaml_policy = false;  // the policy compiled from policy_yaml() instead of make_policy()
};

constexpr Timestamp kMemoryStart{1'700'000'000'000'000};
constexpr std::size_t kSampleEvery = 8;  // commands timed one by one during the replay

std::int64_t ns_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count();
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The q-quantile of `v` (reordered).
std::int64_t quantile(std::vector<std::int64_t>& v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

void progress(const char* what, double s) {
  std::fprintf(stderr, "[core_bench] %-34s %6.1f s\n", what, s);
}

// Live heap delta of registering every agent once the policy is installed, divided by the agents.
// Contiguous containers (the agent records, the pool nodes) grow by doubling, so this includes
// their spare capacity at this size, as a real process would hold it.
void measure_agent_memory(const Options& o, const PolicyPtr& policy, Report& r) {
  Core core;
  Scenario scenario(o.agents, o.seed, "mem-");
  std::vector<Event> events;
  events.reserve(4096);
  Timestamp now = kMemoryStart;
  auto apply = [&](const Command& c) {
    if (!core.apply(c, now, events).ok()) ++r.rejected;
    events.clear();
    now = now + Duration{1};  // no timer comes due and changes memory behind the measurement
  };
  apply(SetPolicy{policy});
  const std::int64_t before = live_heap_bytes();
  for (std::size_t a = 0; a < o.agents; ++a) {
    apply(scenario.agent(a));
    apply(SetAgentState{agent_id(a), Presence::Available, ""});
  }
  r.bytes_per_agent =
      static_cast<double>(live_heap_bytes() - before) / static_cast<double>(o.agents);
}

// Live heap delta per waiting interaction (nobody can take them: there are no agents). The
// count is a power of two W and the window is [W, 2W] interactions, so every container that
// grows by doubling grows exactly once, by what W more need: the amortized cost, free of the
// luck of where a doubling falls. The customers already have a journey from an earlier, ended
// contact, as most callers do (the customer record belongs to the journey, not to the
// interaction); `bytes_per_waiting_new_customer` is for first-time callers, over [0, W].
void measure_waiting_memory(const Options& o, const PolicyPtr& policy, std::size_t waiting,
                            Report& r) {
  const std::size_t w = std::bit_ceil(waiting);
  r.memory_waiting = w;
  auto per_waiting = [&](bool known_customers) {
    Core core;
    Scenario scenario(o.agents, o.seed, "mem-");
    Rng rng(o.seed ^ 0x3C6EF372FE94F82Bull);
    std::vector<Event> events;
    events.reserve(64);
    Timestamp now = kMemoryStart;
    auto apply = [&](const Command& c) {
      if (!core.apply(c, now, events).ok()) ++r.rejected;
      events.clear();
      now = now + Duration{1};
    };
    apply(SetPolicy{policy});
    for (std::size_t k = 0; known_customers && k < w; ++k) {
      CreateInteraction c = scenario.interaction_of(rng, false, k);
      const std::string id = c.interaction_id;
      apply(std::move(c));
      apply(CancelInteraction{id, "abandoned"});
    }
    const std::int64_t before = live_heap_bytes();
    for (std::size_t k = 0; k < w; ++k) apply(scenario.interaction_of(rng, false, k));
    const std::int64_t bytes = live_heap_bytes() - before;
    if (core.counts().waiting != w) {
      std::fprintf(stderr, "core_bench: memory phase expected %zu waiting, the core has %zu\n", w,
                   core.counts().waiting);
    }
    return static_cast<double>(bytes) / static_cast<double>(w);
  };
  r.bytes_per_waiting = per_waiting(true);
  r.bytes_per_waiting_new_customer = per_waiting(false);
}

void describe(const Core& core, Report& r) {
  const sb::core::CoreCounts c = core.counts();
  r.waiting = c.waiting;
  r.offered = c.offered;
  r.assigned = c.assigned;
  r.wrap_up = c.wrap_up;
  r.customers = c.customers;
  for (const QueueView& q : core.queues()) {
    r.oldest_wait_s = std::max(r.oldest_wait_s, to_seconds(q.oldest_wait));
  }
  for (const AgentView& a : core.agents()) {
    bool busy = false, free = false;
    for (const ChannelLoad& ch : a.channels) {
      busy = busy || ch.load > 0;
      free = free || ch.free > 0;
    }
    r.agents_busy += busy;
    r.agents_free_slot += free;
    r.agents_away += a.presence == Presence::Away || a.presence == Presence::Offline;
  }
}

std::int64_t clock_read_ns() {
  std::vector<std::int64_t> v;
  for (int k = 0; k < 10'000; ++k) {
    const auto a = Clock::now();
    const auto b = Clock::now();
    v.push_back(ns_between(a, b));
  }
  return quantile(v, 0.5);
}

// One timed decision. Never inlined, like measure_throughput, so that
// scripts/bench_instructions.sh can count the instructions of exactly these under callgrind.
[[gnu::noinline]] Result<Explanation> indexed_decision(Core& core, const CreateInteraction& c) {
  return core.preview(c, MatchStrategy::Indexed);
}

// Routing decisions for new interactions of the everyday mix, on the steady state (which preview
// leaves untouched). The naive scan runs on the same state and must pick the same agent.
void measure_decisions(Core& core, const Options& o, Report& r) {
  Scenario probe(o.agents, o.seed, "pv-");
  Rng rng(o.seed ^ 0xA54FF53A5F1D36F1ull);
  r.clock_ns = clock_read_ns();
  std::vector<std::int64_t> ns;
  ns.reserve(o.samples);
  std::size_t found = 0;
  double candidates = 0;
  for (std::size_t s = 0; s < o.samples; ++s) {
    const CreateInteraction c = probe.interaction(rng, false);
    const auto t0 = Clock::now();
    const Result<Explanation> why = indexed_decision(core, c);
    const auto t1 = Clock::now();
    ns.push_back(ns_between(t0, t1));
    if (why.ok() && !why->chosen.agent_id.empty()) ++found;
    if (why.ok()) candidates += why->candidates;
  }
  r.samples = o.samples;
  r.decision_ns_p50 = quantile(ns, 0.5);
  r.decision_ns_p90 = quantile(ns, 0.9);
  r.decision_ns_p99 = quantile(ns, 0.99);
  r.decision_ns_max = quantile(ns, 1.0);
  r.decision_found_share =
      o.samples ? static_cast<double>(found) / static_cast<double>(o.samples) : 0;
  r.decision_candidates = o.samples ? candidates / static_cast<double>(o.samples) : 0;

  std::vector<std::int64_t> naive_ns;
  for (std::size_t s = 0; s < o.naive_samples; ++s) {
    const CreateInteraction c = probe.interaction(rng, false);
    const Result<Explanation> indexed = core.preview(c, MatchStrategy::Indexed);
    const auto t0 = Clock::now();
    const Result<Explanation> naive = core.preview(c, MatchStrategy::Naive);
    const auto t1 = Clock::now();
    naive_ns.push_back(ns_between(t0, t1));
    const bool same = indexed.ok() == naive.ok() &&
                      (!indexed.ok() || (indexed->chosen.agent_id == naive->chosen.agent_id &&
                                         indexed->chosen.total == naive->chosen.total));
    if (same) continue;
    if (++r.mismatches <= 10) {
      std::fprintf(stderr,
                   "core_bench: MISMATCH for %s (channel %s, customer %s): indexed %s (%.17g), "
                   "naive %s (%.17g)\n",
                   c.interaction_id.c_str(), c.channel.c_str(), c.customer_id.c_str(),
                   indexed.ok() ? indexed->chosen.agent_id.c_str() : "error",
                   indexed.ok() ? indexed->chosen.total : 0.0,
                   naive.ok() ? naive->chosen.agent_id.c_str() : "error",
                   naive.ok() ? naive->chosen.total : 0.0);
    }
  }
  r.naive_samples = o.naive_samples;
  r.naive_ns_p50 = quantile(naive_ns, 0.5);
  r.naive_ns_p99 = quantile(naive_ns, 0.99);
}

// Applies the log on one thread as the runtime would, clearing the events after each command
// (the runtime would hand them on). Every kSampleEvery-th command is timed on its own too; the
// two extra clock reads that costs are inside the throughput figure (under 1%).
[[gnu::noinline]] void measure_throughput(Core& core, const CommandLog& log, Report& r) {
  std::vector<Event> events;
  events.reserve(256);
  std::vector<std::int64_t> apply_ns, create_ns;
  apply_ns.reserve(log.size() / kSampleEvery + 1);
  const std::uint64_t rejected_before = core.counts().commands_rejected;
  const auto start = Clock::now();
  for (std::size_t k = 0; k < log.size(); ++k) {
    const LoggedCommand& c = log[k];
    if (k % kSampleEvery != 0) {
      (void)core.apply(c.command, c.at, events);
      events.clear();
      continue;
    }
    const auto t0 = Clock::now();
    (void)core.apply(c.command, c.at, events);
    events.clear();
    const auto t1 = Clock::now();
    apply_ns.push_back(ns_between(t0, t1));
    if (std::holds_alternative<CreateInteraction>(c.command)) create_ns.push_back(apply_ns.back());
  }
  const double elapsed_s = seconds_since(start);
  r.commands = log.size();
  r.commands_per_s = elapsed_s > 0 ? static_cast<double>(log.size()) / elapsed_s : 0;
  r.apply_ns_p50 = quantile(apply_ns, 0.5);
  r.apply_ns_p99 = quantile(apply_ns, 0.99);
  r.create_ns_p50 = quantile(create_ns, 0.5);
  r.create_ns_p99 = quantile(create_ns, 0.99);
  r.rejected += core.counts().commands_rejected - rejected_before;
  std::vector<std::size_t> counts(std::variant_size_v<Command>, 0);
  for (const LoggedCommand& c : log) ++counts[c.command.index()];
  for (const LoggedCommand& c : log) {
    std::size_t& n = counts[c.command.index()];
    if (n == 0) continue;
    r.mix.emplace_back(command_name(c.command), n);
    n = 0;
  }
}

PolicyPtr yaml_policy() {
  policy::LoadResult loaded = policy::load_policy(policy_yaml(), "core_bench_policy.yaml");
  for (const policy::Diagnostic& d : loaded.diagnostics) {
    std::fprintf(stderr, "%s\n", d.to_string().c_str());
  }
  return loaded.loaded ? loaded.loaded->policy : nullptr;
}

// The state hash after applying `log` with its SetPolicy commands replaced by `policy`.
std::uint64_t replay_with(const CommandLog& log, const PolicyPtr& policy) {
  Core core;
  std::vector<Event> events;
  for (const LoggedCommand& c : log) {
    if (std::holds_alternative<SetPolicy>(c.command)) {
      (void)core.apply(SetPolicy{policy}, c.at, events);
    } else {
      (void)core.apply(c.command, c.at, events);
    }
    events.clear();
  }
  return core.state_hash();
}

int run(const Options& o) {
  const auto start = Clock::now();
  const std::size_t waiting = o.waiting != 0 ? o.waiting : std::max<std::size_t>(1, o.agents / 10);
  Report r;
  r.agents = o.agents;
  r.seed = o.seed;

  auto t = Clock::now();
  const PolicyPtr policy = o.yaml_policy ? yaml_policy() : make_policy();
  if (!policy) return 2;
  r.policy_source = o.yaml_policy ? "yaml" : "code";
  measure_agent_memory(o, policy, r);
  measure_waiting_memory(o, policy, waiting, r);
  progress("memory", seconds_since(t));

  // Core A: build the steady state, measure decisions on it, then go on with the command mix.
  // Everything applied to it is recorded: `setup` up to the steady state, `log` after it.
  std::uint64_t steady_hash = 0, recorded_hash = 0;
  CommandLog setup, log;
  {
    Core core;
    Driver driver(o.agents, o.seed, waiting);
    t = Clock::now();
    driver.register_agents(core, policy, &setup);
    progress("agents registered", seconds_since(t));
    driver.warm_up(core, &setup);
    r.build_s = seconds_since(t);
    r.build_commands = setup.size();
    progress("steady state", r.build_s);
    describe(core, r);
    steady_hash = core.state_hash();
    t = Clock::now();
    measure_decisions(core, o, r);
    progress("decisions", seconds_since(t));
    t = Clock::now();
    driver.run(core, o.commands, &log);
    recorded_hash = core.state_hash();
    r.rejected += driver.rejected();
    progress("recording", seconds_since(t));
  }
  // With the YAML policy, the policy built in C++ must reach the very same steady state: the
  // compiler of the policy language emits what the core was designed and measured with.
  if (o.yaml_policy) {
    r.deterministic = replay_with(setup, make_policy()) == steady_hash;
    if (!r.deterministic) std::fprintf(stderr, "core_bench: the YAML policy routes differently\n");
  }
  // Core B: the same steady state by replaying `setup`, then the timed replay of `log`.
  {
    Core core;
    t = Clock::now();
    std::vector<Event> events;
    for (const LoggedCommand& c : setup) {
      (void)core.apply(c.command, c.at, events);
      events.clear();
    }
    progress("steady state replayed", seconds_since(t));
    setup = CommandLog{};
    r.deterministic = r.deterministic && core.state_hash() == steady_hash;
    t = Clock::now();
    measure_throughput(core, log, r);
    progress("replay", seconds_since(t));
    r.deterministic = r.deterministic && core.state_hash() == recorded_hash;
  }
  r.total_s = seconds_since(start);

  if (!o.json) print_table(r, stdout);
  if (r.mismatches > 0) {
    std::fprintf(
        stderr,
        "core_bench: FAILED: indexed and naive chose different agents in %zu of %zu samples\n",
        r.mismatches, r.naive_samples);
  }
  if (!r.deterministic) {
    std::fprintf(stderr, "core_bench: FAILED: the replay did not reproduce the recorded state\n");
  }
  if (r.rejected > 0) {
    std::fprintf(stderr, "core_bench: warning: the core refused %llu commands of the driver\n",
                 static_cast<unsigned long long>(r.rejected));
  }
  if (o.json) print_json(r, stdout);
  return r.mismatches == 0 && r.deterministic ? 0 : 2;
}

}  // namespace
}  // namespace sb::bench

int main(int argc, char** argv) {
  sb::bench::Options o;
  CLI::App app{"core_bench: micro-benchmark of the Switchboard routing core"};
  app.add_option("--agents", o.agents, "agents in the scenario")->check(CLI::Range(1, 200'000));
  app.add_option("--seed", o.seed, "seed of every random choice; a seed reproduces a run");
  app.add_option("--commands", o.commands, "commands in the throughput phase");
  app.add_option("--samples", o.samples, "indexed decisions timed");
  app.add_option("--naive-samples", o.naive_samples,
                 "naive decisions timed and cross-checked (0: auto)");
  app.add_option("--waiting", o.waiting,
                 "interactions waiting at the steady state (0: agents / 10)");
  app.add_flag("--json", o.json, "print one JSON object on the last line instead of the table");
  app.add_flag("--yaml-policy", o.yaml_policy,
               "route with the scenario's policy compiled from YAML (checked against the C++ one)");
  CLI11_PARSE(app, argc, argv);
  if (o.naive_samples == 0) {
    o.naive_samples = std::clamp<std::size_t>(20'000'000 / o.agents, 200, 2'000);
  }
  return sb::bench::run(o);
}
