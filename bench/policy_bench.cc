// policy_bench: how long compiling a large routing policy takes (YAML text -> validated,
// compiled Policy, tests excluded), and installing it into a core that already routes for many
// agents (the reload's pause of the core thread). Prints a table, or one JSON line with --json.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "engine/core/core.h"
#include "engine/policy/policy_loader.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string large_policy(std::size_t queues, std::size_t skills) {
  std::string y =
      "version: 1\nchannels:\n  voice: {capacity: 1, blocks: [chat]}\n  chat: {capacity: 3}\n"
      "  email: {capacity: 5, offer_timeout: 2m}\nskills: [";
  for (std::size_t s = 0; s < skills; ++s) y += (s ? ", s" : "s") + std::to_string(s);
  y += ", deescalation]\nscoring: {deescalation_skill: deescalation}\nqueues:\n";
  for (std::size_t q = 0; q < queues; ++q) {
    const std::string skill = "s" + std::to_string(q % skills);
    y += "  - name: q" + std::to_string(q) + "\n";
    y += "    match: \"interaction.attributes.intent == 'i" + std::to_string(q) +
         "' and interaction.channel in ['voice', 'chat', 'email']\"\n";
    y += "    priority: " + std::to_string(q % 5) + "\n    skills: [" + skill + "]\n";
    y += "    sla: {answer_within: 30s, target: 80%}\n";
    y += "    sentiment: {threshold: -0.5, priority_bump: 2}\n";
    if (q + 1 < queues) y += "    overflow: {to: q" + std::to_string(q + 1) + ", after: 10m}\n";
    y += "    steps:\n";
    y += "      - after: 0s\n        agents: \"skills." + skill +
         " >= 7 and languages has interaction.attributes.language\"\n";
    y += "      - after: 30s\n        agents: \"skills." + skill +
         " >= 4 and attributes.tier in [1, 2]\"\n";
    y += "      - after: 90s\n        agents: \"skills." + skill +
         " >= 1 or kind == 'bot'\"\n        priority_bump: 1\n";
  }
  y += "  - name: general\n";
  return y;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t queues = 500, agents = 10'000, runs = 7;
  bool json = false;
  CLI::App app{"policy_bench: compile and install time of a large routing policy"};
  app.add_option("--queues", queues, "queues in the policy");
  app.add_option("--agents", agents, "agents registered in the core before the install");
  app.add_option("--runs", runs, "repetitions (the median is reported)");
  app.add_flag("--json", json, "one JSON object on the last line");
  CLI11_PARSE(app, argc, argv);

  const std::string yaml = large_policy(queues, 50);
  std::vector<double> compile_ms, install_ms;
  for (std::size_t r = 0; r < runs; ++r) {
    const auto t0 = Clock::now();
    sb::policy::LoadResult loaded = sb::policy::load_policy(yaml, "large.yaml");
    const auto t1 = Clock::now();
    if (!loaded.loaded) {
      for (const auto& d : loaded.diagnostics) std::fprintf(stderr, "%s\n", d.to_string().c_str());
      return 1;
    }
    compile_ms.push_back(ms(t1 - t0));

    // A core routing for `agents` agents under the small first policy, then the large one.
    sb::core::Core core;
    std::vector<sb::Event> events;
    sb::Timestamp now{1'700'000'000'000'000};
    auto first = sb::policy::load_policy(large_policy(2, 50), "small.yaml");
    if (!core.apply(sb::SetPolicy{first.loaded->policy}, now, events).ok()) return 1;
    for (std::size_t a = 0; a < agents; ++a) {
      sb::UpsertAgent u;
      u.agent_id = "agent" + std::to_string(a);
      for (std::size_t k = 0; k < 5; ++k)
        u.skills.emplace_back("s" + std::to_string((a * 7 + k * 11) % 50), int(1 + (a + k) % 10));
      u.languages = {a % 2 ? "en" : "es"};
      u.attributes = {{"tier", double(1 + a % 3)}};
      if (!core.apply(u, now, events).ok()) return 1;
      (void)core.apply(sb::SetAgentState{u.agent_id, sb::Presence::Available, ""}, now, events);
    }
    events.clear();
    const auto t2 = Clock::now();
    auto installed = core.apply(sb::SetPolicy{loaded.loaded->policy}, now, events);
    const auto t3 = Clock::now();
    if (!installed.ok()) return 1;
    install_ms.push_back(ms(t3 - t2));
  }
  const double compile = median(compile_ms), install = median(install_ms);
  if (json) {
    std::printf(
        "{\"queues\":%zu,\"yaml_bytes\":%zu,\"compile_ms_p50\":%.2f,\"install_ms_p50\":%.2f,"
        "\"agents\":%zu,\"runs\":%zu}\n",
        queues, yaml.size(), compile, install, agents, runs);
  } else {
    std::printf("policy of %zu queues (%zu bytes of YAML), median of %zu runs\n", queues,
                yaml.size(), runs);
    std::printf("  compile (parse, validate, type-check, build):  %8.2f ms   goal < 200 ms: %s\n",
                compile, compile < 200 ? "ok" : "MISSED");
    std::printf("  install into a core routing %zu agents:     %8.2f ms\n", agents, install);
  }
  return 0;
}
