#include "engine/app/whatif_command.h"

#include <chrono>

#include "engine/app/journal_setup.h"
#include "engine/app/read_file.h"
#include "engine/core/core.h"
#include "engine/journal/recovery.h"
#include "engine/policy/reloader.h"
#include "engine/sim/kpis.h"
#include "engine/sim/whatif_model.h"
#include "engine/sim/whatif_report.h"
#include "engine/sim/whatif_run.h"

namespace sb::app {

Result<sim::Recording> read_recording(const std::string& data_dir, bool truncate_corrupt,
                                      std::vector<std::string>& warnings) {
  if (auto problem = existing_data_dir_problem(data_dir)) {
    return make_error(ErrorCode::InvalidField, "data_dir", *problem);
  }
  sim::RecordingBuilder builder;
  core::Core core;
  journal::RecoveryOptions recovery;
  recovery.dir = data_dir;
  recovery.read_only = true;
  recovery.truncate_corrupt = truncate_corrupt;
  recovery.observe = [&builder](const journal::ReplayStep& step) {
    if (step.command == nullptr) {
      builder.timers(step.events);
    } else {
      builder.command(step.sequence, step.at, *step.command, *step.result, step.events);
    }
  };
  auto recovered = journal::recover(core, recovery, journal_policy_compiler());
  if (!recovered.ok()) return recovered.error();
  const journal::RecoveryReport& report = recovered.value();
  warnings = report.warnings;
  if (builder.empty()) {
    return make_error(ErrorCode::InvalidState, "data_dir",
                      "the journal holds no commands: nothing to replay");
  }
  return builder.finish(report.last_at);
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int run_whatif(const ReplayOptions& o, std::FILE* out, std::FILE* err) {
  // The candidate first: a typo in it should not wait for a long journal.
  const auto text = read_file(o.policy_file);
  if (!text) {
    std::fprintf(err, "%s:1:1: cannot read the file\n", o.policy_file.c_str());
    return 1;
  }
  const policy::CheckedPolicy checked = policy::check_policy(*text, o.policy_file);
  for (const std::string& e : checked.errors) std::fprintf(err, "%s\n", e.c_str());
  if (!checked.policy) return 1;

  std::vector<std::string> warnings;
  const auto read_start = std::chrono::steady_clock::now();
  auto read = read_recording(o.data_dir, o.truncate_corrupt, warnings);
  const double read_s = seconds_since(read_start);
  if (!read.ok()) {
    std::fprintf(err, "%s: %s\n", o.data_dir.c_str(), read.error().message.c_str());
    return 1;
  }
  for (const std::string& w : warnings) std::fprintf(err, "warning: %s\n", w.c_str());
  const sim::Recording& recording = read.value();
  const auto candidate_start = std::chrono::steady_clock::now();
  const sim::BehaviourModel model(recording);
  sim::WhatIfOptions options;
  options.seed = o.seed;
  sim::WhatIfResult run = sim::run_candidate(recording, model, checked.policy, options);
  const double candidate_s = seconds_since(candidate_start);
  if (!run.install_error.empty()) {
    std::fprintf(err, "%s: the routing core refuses this policy: %s\n", o.policy_file.c_str(),
                 run.install_error.c_str());
    return 1;
  }
  if (run.refusal_count > 0) {
    std::fprintf(err,
                 "%s: the candidate refuses %llu recorded command(s) that the live engine "
                 "accepted, so the runs cannot be compared; declare what they name:\n",
                 o.policy_file.c_str(), static_cast<unsigned long long>(run.refusal_count));
    for (const std::string& r : run.refusals) std::fprintf(err, "  %s\n", r.c_str());
    return 1;
  }

  sim::WhatIfReport report;
  report.info.data_dir = o.data_dir;
  report.info.candidate_file = o.policy_file;
  report.info.seed = o.seed;
  report.info.commands = recording.commands;
  report.info.start = recording.start;
  report.info.end = recording.end;
  report.info.recorded_policies = recording.policy_versions;
  report.info.warnings = std::move(warnings);
  report.info.read_s = read_s;
  report.info.candidate_s = candidate_s;
  report.recorded = sim::figures(recording.measured);
  report.candidate = sim::figures(std::move(run.measured));
  report.counts = run.counts;
  report.model = model.summary();
  if (o.json) {
    std::fprintf(out, "%s\n", sim::whatif_json(report).c_str());
  } else {
    std::fputs(sim::whatif_table(report).c_str(), out);
  }
  return 0;
}

}  // namespace sb::app
