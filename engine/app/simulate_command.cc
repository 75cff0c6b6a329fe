#include "engine/app/simulate_command.h"

#include <unistd.h>

#include <fstream>

#include "engine/app/read_file.h"
#include "engine/app/sim_recorder.h"
#include "engine/policy/policy_loader.h"
#include "engine/sim/report.h"
#include "engine/sim/scenario_policy.h"
#include "engine/sim/simulator.h"
#include "engine/sim/svg_plot.h"
#include "engine/sim/theory.h"

namespace sb::app {
namespace {

int report(const std::vector<policy::Diagnostic>& diagnostics, std::FILE* err) {
  for (const policy::Diagnostic& d : diagnostics) std::fprintf(err, "%s\n", d.to_string().c_str());
  return diagnostics.empty() ? 0 : 1;
}

// The policy to run: the file's (all its errors reported; its text in `source`), or the
// generated one.
std::shared_ptr<const Policy> load_run_policy(const SimulateOptions& o, const sim::Scenario& s,
                                              std::string& source, std::FILE* err) {
  if (o.policy_file.empty()) return sim::generated_policy(s);
  const auto text = read_file(o.policy_file);
  if (!text) {
    std::fprintf(err, "%s:1:1: cannot read the file\n", o.policy_file.c_str());
    return nullptr;
  }
  source = *text;
  policy::LoadResult loaded = policy::load_policy(*text, o.policy_file);
  if (report(loaded.diagnostics, err) != 0) return nullptr;
  return sim::with_scenario_wrap_up(loaded.loaded->policy, s);
}

// A bar on `err`, redrawn in place, only when it is a terminal.
std::function<void(double)> progress_bar(std::FILE* err) {
  if (isatty(fileno(err)) == 0) return {};
  return [err, shown = -1](double done) mutable {
    const int percent = static_cast<int>(done * 100);
    if (percent == shown) return;
    shown = percent;
    const int filled = percent * 40 / 100;
    std::fprintf(err, "\r[%s%s] %3d%%", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(40 - filled), ' ').c_str(), percent);
    if (percent >= 100) std::fprintf(err, "\r%60s\r", "");
    std::fflush(err);
  };
}

}  // namespace

int run_simulate(const SimulateOptions& o, std::FILE* out, std::FILE* err) {
  const auto text = read_file(o.scenario_file);
  if (!text) {
    std::fprintf(err, "%s:1:1: cannot read the file\n", o.scenario_file.c_str());
    return 1;
  }
  const sim::ScenarioLoad load = sim::load_scenario(*text, o.scenario_file);
  if (report(load.diagnostics, err) != 0) return 1;
  const sim::Scenario& scenario = *load.scenario;
  std::string source;
  const std::shared_ptr<const Policy> policy = load_run_policy(o, scenario, source, err);
  if (!policy) return 1;
  if (report(sim::check_against_policy(scenario, *policy), err) != 0) return 1;

  sim::SimulationOptions options;
  options.seed = o.seed;
  options.progress = progress_bar(err);
  std::unique_ptr<SimulationRecorder> recorder;
  if (!o.record_dir.empty()) {
    if (o.policy_file.empty() || scenario.wrap_up) {
      std::fprintf(err,
                   "--record needs --policy and a scenario without wrap_up: the journal "
                   "records the policy's YAML, which must be the policy that runs\n");
      return 1;
    }
    if (auto e = SimulationRecorder::open(o.record_dir, source, recorder)) {
      std::fprintf(err, "%s\n", e->c_str());
      return 1;
    }
    options.on_command = [&recorder](const Command& c, Timestamp at) { recorder->record(c, at); };
  }
  const sim::Measurements measured = sim::simulate(scenario, policy, options);
  if (recorder) {
    if (auto e = recorder->finish()) {
      std::fprintf(err, "%s: %s\n", o.record_dir.c_str(), e->c_str());
      return 1;
    }
  }

  sim::RunInfo info;
  info.scenario_file = o.scenario_file;
  info.policy = o.policy_file.empty() ? "generated" : o.policy_file;
  info.seed = o.seed.value_or(scenario.seed);
  for (const sim::AgentGroup& g : scenario.agents) info.agents += g.count;
  info.model = sim::textbook_model(scenario, o.policy_file.empty());
  if (!o.plot_file.empty()) {
    const double target = policy->queues.size() == 1 ? policy->queues[0].sla.target : 0;
    std::ofstream svg(o.plot_file, std::ios::binary);
    svg << sim::timeline_svg(measured.timeline, measured.duration_s, target,
                             "switchboard simulate " + o.scenario_file);
    if (!svg.flush()) {
      std::fprintf(err, "%s: cannot write the plot\n", o.plot_file.c_str());
      return 1;
    }
  }
  const sim::Figures figures = sim::figures(measured);
  if (o.json) {
    std::fprintf(out, "%s\n", sim::report_json(info, figures).c_str());
  } else {
    std::fputs(sim::report_table(info, figures).c_str(), out);
  }
  return 0;
}

}  // namespace sb::app
