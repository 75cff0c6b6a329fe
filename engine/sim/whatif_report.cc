#include "engine/sim/whatif_report.h"

#include <boost/json.hpp>
#include <cstdio>
#include <ctime>
#include <optional>

#include "engine/sim/report.h"

namespace sb::sim {
namespace {

namespace json = boost::json;

std::string utc(Timestamp t) {
  const std::time_t s = static_cast<std::time_t>(t.us / 1'000'000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string count_change(std::uint64_t from, std::uint64_t to) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+lld",
                static_cast<long long>(to) - static_cast<long long>(from));
  return buf;
}

// In percentage points, of two shares (0-1).
std::string points(std::optional<double> from, std::optional<double> to) {
  if (!from || !to) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1fpt", (*to - *from) * 100);
  return buf;
}

std::string seconds_change(std::optional<double> from, std::optional<double> to) {
  if (!from || !to) return "-";
  char buf[32];
  const double d = *to - *from;
  std::snprintf(buf, sizeof buf, d > -100 && d < 100 ? "%+.1fs" : "%+.0fs", d);
  return buf;
}

std::string change_row(const QueueFigures& a, const QueueFigures& b) {
  const std::string abandoned = count_change(a.abandoned, b.abandoned) + " (" +
                                points(a.abandoned_share, b.abandoned_share) + ")";
  return table_line(
      {"  change", count_change(a.offered, b.offered), count_change(a.answered, b.answered),
       abandoned, points(a.service_level, b.service_level), seconds_change(a.asa_s, b.asa_s),
       seconds_change(a.wait_p50_s, b.wait_p50_s), seconds_change(a.wait_p90_s, b.wait_p90_s),
       seconds_change(a.wait_p99_s, b.wait_p99_s), points(a.occupancy, b.occupancy),
       points(a.affinity_hit_rate, b.affinity_hit_rate),
       points(a.repeat_contact_rate, b.repeat_contact_rate),
       count_change(a.transfers, b.transfers)});
}

const QueueFigures* find(const std::vector<QueueFigures>& queues, const std::string& name) {
  for (const QueueFigures& q : queues) {
    if (q.name == name) return &q;
  }
  return nullptr;
}

// A queue's three rows (or one, when only one run has it).
std::string block(const std::string& name, const QueueFigures* a, const QueueFigures* b) {
  std::string out = name;
  if (a == nullptr) out += " (only in the candidate)";
  if (b == nullptr) out += " (not in the candidate)";
  out += "\n";
  if (a != nullptr) out += table_row("  recorded", *a);
  if (b != nullptr) out += table_row("  candidate", *b);
  if (a != nullptr && b != nullptr) out += change_row(*a, *b);
  return out;
}

std::string versions(const std::vector<std::uint64_t>& v) {
  if (v.empty()) return "none";
  // Appended piece by piece: GCC 12 at -O3 flags `"literal" + std::string&&` with a false
  // -Wrestrict.
  std::string out = "v";
  out += std::to_string(v.front());
  if (v.size() > 1) {
    out += " to v";
    out += std::to_string(v.back());
    out += " (";
    out += std::to_string(v.size());
    out += ")";
  }
  return out;
}

json::value diff(std::optional<double> from, std::optional<double> to) {
  return from && to ? json::value(*to - *from) : json::value(nullptr);
}

json::object change_json(const QueueFigures& a, const QueueFigures& b) {
  auto signed_diff = [](std::uint64_t from, std::uint64_t to) {
    return static_cast<std::int64_t>(to) - static_cast<std::int64_t>(from);
  };
  json::object o;
  o["name"] = b.name;
  o["offered"] = signed_diff(a.offered, b.offered);
  o["answered"] = signed_diff(a.answered, b.answered);
  o["abandoned"] = signed_diff(a.abandoned, b.abandoned);
  o["abandon_rate"] = b.abandoned_share - a.abandoned_share;
  o["service_level"] = diff(a.service_level, b.service_level);
  o["asa_s"] = diff(a.asa_s, b.asa_s);
  o["wait_s"] = json::object{{"p50", diff(a.wait_p50_s, b.wait_p50_s)},
                             {"p80", diff(a.wait_p80_s, b.wait_p80_s)},
                             {"p90", diff(a.wait_p90_s, b.wait_p90_s)},
                             {"p95", diff(a.wait_p95_s, b.wait_p95_s)},
                             {"p99", diff(a.wait_p99_s, b.wait_p99_s)}};
  o["occupancy"] = b.occupancy - a.occupancy;
  o["affinity_hit_rate"] = diff(a.affinity_hit_rate, b.affinity_hit_rate);
  o["repeat_contact_rate"] = b.repeat_contact_rate - a.repeat_contact_rate;
  o["transfers"] = signed_diff(a.transfers, b.transfers);
  return o;
}

json::object run_json(const Figures& f) {
  json::object o;
  o["interactions"] = f.created;
  o["unrouted"] = f.unrouted;
  o["refused_commands"] = f.refused;
  o["commands"] = f.commands;
  o["staffed_agent_hours"] = f.staffed_agent_h;
  o["total"] = queue_json(f.total);
  json::array queues;
  for (const QueueFigures& q : f.queues) queues.push_back(queue_json(q));
  o["queues"] = std::move(queues);
  return o;
}

}  // namespace

std::string whatif_table(const WhatIfReport& r) {
  const WhatIfInfo& i = r.info;
  const WhatIfCounts& c = r.counts;
  const ModelSummary& m = r.model;
  std::string out;
  char line[1024];
  std::snprintf(line, sizeof line,
                "%s: %llu commands from %s to %s UTC (%.1f h), %llu interactions\n",
                i.data_dir.c_str(), static_cast<unsigned long long>(i.commands),
                utc(i.start).c_str(), utc(i.end).c_str(), r.recorded.duration_s / 3600,
                static_cast<unsigned long long>(r.recorded.created));
  out += line;
  std::snprintf(line, sizeof line, "recorded: policy %s; candidate: %s, seed %llu\n",
                versions(i.recorded_policies).c_str(), i.candidate_file.c_str(),
                static_cast<unsigned long long>(i.seed));
  out += line;
  std::snprintf(line, sizeof line,
                "agents: answers %llu as recorded, %llu modelled; handle times %llu as recorded, "
                "%llu modelled\n",
                static_cast<unsigned long long>(c.answers_recorded),
                static_cast<unsigned long long>(c.answers_modelled + c.answers_default),
                static_cast<unsigned long long>(c.handles_recorded),
                static_cast<unsigned long long>(c.handles_modelled + c.handles_unknown));
  out += line;
  std::snprintf(line, sizeof line,
                "  modelled from %zu recorded answers (%.1f%% accepted) of %zu agents, %zu with "
                "%zu or more of their own, and %zu handle times\n",
                m.answers,
                m.answers > 0 ? 100.0 * static_cast<double>(m.accepted) / m.answers : 0.0, m.agents,
                m.agents_own_answers, kMinOwnSamples, m.handles);
  out += line;
  std::snprintf(line, sizeof line,
                "customers: %llu left at their recorded moment; %llu with a drawn patience, %llu "
                "of whom left\n  drawn from %zu recorded waits, %zu of them abandoned\n",
                static_cast<unsigned long long>(c.abandons_recorded),
                static_cast<unsigned long long>(c.patience_drawn),
                static_cast<unsigned long long>(c.abandons_drawn), m.patience_waits,
                m.abandonments);
  out += line;
  if (c.answers_default > 0 || c.handles_unknown > 0 || c.transfers_refused > 0) {
    std::snprintf(line, sizeof line,
                  "note: %llu offers accepted at once and %llu interactions held to the end "
                  "(nothing recorded to model them from); %llu transfers to a target the "
                  "candidate lacks completed instead\n",
                  static_cast<unsigned long long>(c.answers_default),
                  static_cast<unsigned long long>(c.handles_unknown),
                  static_cast<unsigned long long>(c.transfers_refused));
    out += line;
  }
  out += "\n";
  out += table_header("queue / run");
  std::vector<std::string> names;
  for (const QueueFigures& q : r.recorded.queues) names.push_back(q.name);
  for (const QueueFigures& q : r.candidate.queues) {
    if (find(r.recorded.queues, q.name) == nullptr) names.push_back(q.name);
  }
  for (const std::string& name : names) {
    out += block(name, find(r.recorded.queues, name), find(r.candidate.queues, name));
  }
  out += block("total", &r.recorded.total, &r.candidate.total);
  const std::uint64_t waiting_a = r.recorded.total.waiting_at_end;
  const std::uint64_t waiting_b = r.candidate.total.waiting_at_end;
  if (waiting_a > 0 || waiting_b > 0) {
    out += "still waiting at the end (not counted): " + std::to_string(waiting_a) + " recorded, " +
           std::to_string(waiting_b) + " candidate\n";
  }
  if (r.candidate.unrouted > 0) {
    out += std::to_string(r.candidate.unrouted) +
           " creates matched no queue of the candidate (recorded: " +
           std::to_string(r.recorded.unrouted) + ")\n";
  }
  return out;
}

std::string whatif_json(const WhatIfReport& r) {
  const WhatIfInfo& i = r.info;
  const WhatIfCounts& c = r.counts;
  const ModelSummary& m = r.model;
  json::object o;
  o["data_dir"] = i.data_dir;
  o["candidate_policy"] = i.candidate_file;
  o["seed"] = i.seed;
  o["commands"] = i.commands;
  o["start_us"] = i.start.us;
  o["end_us"] = i.end.us;
  o["duration_s"] = r.recorded.duration_s;
  json::object recorded = run_json(r.recorded);
  json::array policies;
  for (std::uint64_t v : i.recorded_policies) policies.push_back(v);
  recorded["policy_versions"] = std::move(policies);
  o["recorded"] = std::move(recorded);
  o["candidate"] = run_json(r.candidate);
  json::object change;
  change["total"] = change_json(r.recorded.total, r.candidate.total);
  json::array queues;
  for (const QueueFigures& q : r.candidate.queues) {
    if (const QueueFigures* a = find(r.recorded.queues, q.name)) {
      queues.push_back(change_json(*a, q));
    }
  }
  change["queues"] = std::move(queues);
  o["change"] = std::move(change);
  o["behaviour"] = json::object{{"answers_as_recorded", c.answers_recorded},
                                {"answers_modelled", c.answers_modelled},
                                {"answers_accepted_at_once", c.answers_default},
                                {"handles_as_recorded", c.handles_recorded},
                                {"handles_modelled", c.handles_modelled},
                                {"handles_held_to_end", c.handles_unknown},
                                {"abandons_as_recorded", c.abandons_recorded},
                                {"patience_drawn", c.patience_drawn},
                                {"abandons_drawn", c.abandons_drawn},
                                {"transfers_refused", c.transfers_refused},
                                {"back_from_away", c.back_from_away},
                                {"recorded_answers", m.answers},
                                {"recorded_accepted", m.accepted},
                                {"agents", m.agents},
                                {"agents_with_own_answers", m.agents_own_answers},
                                {"recorded_handle_times", m.handles},
                                {"recorded_waits", m.patience_waits},
                                {"recorded_abandonments", m.abandonments},
                                {"back_after_missed_s", to_seconds(m.back_after_missed)}};
  json::array warnings;
  for (const std::string& w : i.warnings) warnings.emplace_back(w);
  o["warnings"] = std::move(warnings);
  o["seconds"] = json::object{{"recorded", i.read_s}, {"candidate", i.candidate_s}};
  return json::serialize(o);
}

}  // namespace sb::sim
