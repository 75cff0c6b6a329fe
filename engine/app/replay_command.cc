#include "engine/app/replay_command.h"

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

#include "engine/app/journal_setup.h"
#include "engine/app/whatif_command.h"
#include "engine/core/core.h"
#include "engine/journal/recovery.h"
#include "engine/policy/reloader.h"

namespace sb::app {
namespace {

std::string hex(std::uint64_t v) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
  return text;
}

}  // namespace

int run_replay(const ReplayOptions& options, std::FILE* out, std::FILE* err) {
  if (!options.policy_file.empty()) return run_whatif(options, out, err);
  if (auto problem = existing_data_dir_problem(options.data_dir)) {
    std::fprintf(err, "%s: %s\n", options.data_dir.c_str(), problem->c_str());
    return 1;
  }
  core::Core core;
  journal::RecoveryOptions recovery;
  recovery.dir = options.data_dir;
  recovery.read_only = true;
  recovery.truncate_corrupt = options.truncate_corrupt;
  auto recovered = journal::recover(core, recovery, journal_policy_compiler());
  if (!recovered.ok()) {
    std::fprintf(err, "%s: %s\n", options.data_dir.c_str(), recovered.error().message.c_str());
    return 1;
  }
  journal::RecoveryReport report = std::move(recovered.value());
  const std::uint64_t journal_hash = core.state_hash();

  std::string policy_outcome;
  const std::string& install = options.install_policy_file;
  if (!install.empty()) {
    std::ifstream in(install, std::ios::binary);
    if (!in) {
      std::fprintf(err, "%s:1:1: cannot read the routing policy\n", install.c_str());
      return 1;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const std::uint64_t version = report.policy ? report.policy->first + 1 : 1;
    policy::CheckedPolicy checked = policy::check_policy(text.str(), install, version);
    for (const std::string& e : checked.errors) std::fprintf(err, "%s\n", e.c_str());
    if (!checked.policy) return 1;
    std::vector<Event> events;
    auto installed = core.apply(SetPolicy{checked.policy, text.str()}, core.now(), events);
    policy_outcome = installed.ok() ? "installed" : "refused: " + installed.error().message;
  }

  const core::CoreCounts c = core.counts();
  const std::uint64_t hash = core.state_hash();
  if (options.json) {
    boost::json::object o;
    o["data_dir"] = options.data_dir;
    o["snapshot"] = report.snapshot ? boost::json::value(*report.snapshot) : nullptr;
    // "state": a saved core state, loaded; "journal": a compacted journal (format 1), replayed.
    o["snapshot_kind"] =
        report.snapshot ? boost::json::value(report.from_state ? "state" : "journal") : nullptr;
    o["segments"] = report.segments;
    o["commands"] = report.commands;
    o["rejected"] = report.rejected;
    o["last_sequence"] = report.last_sequence;
    o["last_time_us"] = report.last_at.us;
    o["policy_version"] = report.policy ? boost::json::value(report.policy->first) : nullptr;
    o["marks_checked"] = report.marks;
    o["marks_mismatched"] = report.marks_mismatched;
    o["agents"] = c.agents;
    o["live_interactions"] = c.live_interactions;
    o["retained_interactions"] = c.retained_interactions;
    o["waiting"] = c.waiting;
    o["offered"] = c.offered;
    o["assigned"] = c.assigned;
    o["wrap_up"] = c.wrap_up;
    o["customers"] = c.customers;
    o["timers"] = c.timers;
    o["journal_state_hash"] = hex(journal_hash);
    o["state_hash"] = hex(hash);
    if (!install.empty()) o["policy_file"] = policy_outcome;
    boost::json::array warnings;
    for (const std::string& w : report.warnings) warnings.emplace_back(w);
    o["warnings"] = std::move(warnings);
    o["seconds"] = report.seconds;
    std::fprintf(out, "%s\n", boost::json::serialize(o).c_str());
  } else {
    for (const std::string& w : report.warnings) std::fprintf(err, "warning: %s\n", w.c_str());
    if (report.from_state) std::fprintf(out, "loaded the state in %s\n", report.snapshot->c_str());
    std::fprintf(
        out, "replayed %llu commands (%llu rejected, as live) from %s%zu segment(s) in %.3f s\n",
        static_cast<unsigned long long>(report.commands),
        static_cast<unsigned long long>(report.rejected),
        report.snapshot && !report.from_state ? (*report.snapshot + " and ").c_str() : "",
        report.segments, report.seconds);
    std::fprintf(out, "last sequence %llu, policy v%llu\n",
                 static_cast<unsigned long long>(report.last_sequence),
                 static_cast<unsigned long long>(report.policy ? report.policy->first : 0));
    std::fprintf(out,
                 "agents %zu, live interactions %zu (waiting %zu, offered %zu, assigned %zu, "
                 "wrap-up %zu), retained %zu, customers %zu, timers %zu\n",
                 c.agents, c.live_interactions, c.waiting, c.offered, c.assigned, c.wrap_up,
                 c.retained_interactions, c.customers, c.timers);
    std::fprintf(out, "graceful stops checked: %llu, mismatched: %llu\n",
                 static_cast<unsigned long long>(report.marks),
                 static_cast<unsigned long long>(report.marks_mismatched));
    if (!install.empty()) {
      std::fprintf(out, "policy %s: %s (state hash from the journal alone %s)\n", install.c_str(),
                   policy_outcome.c_str(), hex(journal_hash).c_str());
    }
    std::fprintf(out, "state hash %s\n", hex(hash).c_str());
  }
  return report.marks_mismatched == 0 ? 0 : 1;
}

}  // namespace sb::app
