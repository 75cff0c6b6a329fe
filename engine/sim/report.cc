#include "engine/sim/report.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

namespace sb::sim {

namespace json = boost::json;

namespace {

json::value opt(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

std::string percent(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", *v * 100);
  return buf;
}

std::string secs(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, *v < 100 ? "%.1fs" : "%.0fs", *v);
  return buf;
}

// 20s, 5m, 4h: how thresholds are written in policies.
std::string duration_text(double s) {
  char buf[32];
  if (s >= 3600 && std::fmod(s, 3600) == 0) {
    std::snprintf(buf, sizeof buf, "%.0fh", s / 3600);
  } else if (s >= 60 && std::fmod(s, 60) == 0) {
    std::snprintf(buf, sizeof buf, "%.0fm", s / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%gs", s);
  }
  return buf;
}

}  // namespace

std::string table_line(const std::array<std::string, kTableColumns>& c) {
  char line[512];
  std::snprintf(line, sizeof line, "%-14s %9s %9s %15s %13s %7s %7s %7s %7s %7s %8s %7s %9s\n",
                c[0].c_str(), c[1].c_str(), c[2].c_str(), c[3].c_str(), c[4].c_str(), c[5].c_str(),
                c[6].c_str(), c[7].c_str(), c[8].c_str(), c[9].c_str(), c[10].c_str(),
                c[11].c_str(), c[12].c_str());
  return line;
}

std::string table_header(std::string_view first) {
  return table_line({std::string(first), "offered", "answered", "abandoned", "SL / within", "ASA",
                     "p50", "p90", "p99", "occup.", "affinity", "repeat", "transfers"});
}

std::string table_row(std::string_view label, const QueueFigures& q) {
  char abandoned[48];
  std::snprintf(abandoned, sizeof abandoned, "%llu (%.1f%%)",
                static_cast<unsigned long long>(q.abandoned), q.abandoned_share * 100);
  char sl[48];
  std::snprintf(sl, sizeof sl, "%s / %s", percent(q.service_level).c_str(),
                duration_text(q.threshold_s).c_str());
  char occupancy[16];
  std::snprintf(occupancy, sizeof occupancy, "%.1f%%", q.occupancy * 100);
  return table_line({std::string(label), std::to_string(q.offered), std::to_string(q.answered),
                     abandoned, q.threshold_s > 0 ? sl : percent(q.service_level), secs(q.asa_s),
                     secs(q.wait_p50_s), secs(q.wait_p90_s), secs(q.wait_p99_s), occupancy,
                     percent(q.affinity_hit_rate), percent(q.repeat_contact_rate),
                     std::to_string(q.transfers)});
}

json::object queue_json(const QueueFigures& q) {
  json::object o;
  o["name"] = q.name;
  o["offered"] = q.offered;
  o["answered"] = q.answered;
  o["abandoned"] = q.abandoned;
  o["abandon_rate"] = q.abandoned_share;
  o["waiting_at_end"] = q.waiting_at_end;
  o["sla_threshold_s"] = q.threshold_s;
  o["sla_target"] = q.target;
  o["service_level"] = opt(q.service_level);
  o["asa_s"] = opt(q.asa_s);
  o["wait_s"] = json::object{{"p50", opt(q.wait_p50_s)},
                             {"p80", opt(q.wait_p80_s)},
                             {"p90", opt(q.wait_p90_s)},
                             {"p95", opt(q.wait_p95_s)},
                             {"p99", opt(q.wait_p99_s)}};
  o["occupancy"] = q.occupancy;
  o["affinity_hit_rate"] = opt(q.affinity_hit_rate);
  o["repeat_contact_rate"] = q.repeat_contact_rate;
  o["transfers"] = q.transfers;
  return o;
}

std::string report_table(const RunInfo& info, const Figures& f) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%s: %.1f h simulated, seed %llu, policy %s\n",
                info.scenario_file.c_str(), f.duration_s / 3600,
                static_cast<unsigned long long>(info.seed), info.policy.c_str());
  out += line;
  std::snprintf(
      line, sizeof line, "%llu interactions, %llu agents (%.1f agent-hours staffed), %llu commands",
      static_cast<unsigned long long>(f.created), static_cast<unsigned long long>(info.agents),
      f.staffed_agent_h, static_cast<unsigned long long>(f.commands));
  out += line;
  if (f.unrouted > 0) out += ", " + std::to_string(f.unrouted) + " matched no queue";
  if (f.refused > 0) out += ", " + std::to_string(f.refused) + " commands refused";
  out += "\n\n";
  out += table_header();
  for (const QueueFigures& q : f.queues) out += table_row(q.name, q);
  out += table_row(f.total.name, f.total);
  if (f.total.waiting_at_end > 0) {
    out += std::to_string(f.total.waiting_at_end) + " still waiting at the end (not counted)\n";
  }
  if (info.model) {
    const QueueModel& m = *info.model;
    const bool a = m.mean_patience_s > 0;
    const QueueForecast t = erlang_a(m);
    if (!t.stable) {
      std::snprintf(line, sizeof line,
                    "\nErlang C (M/M/%u): unstable, the offered load %.1f Erlangs needs more "
                    "agents\n",
                    m.agents, m.arrivals_per_s * m.mean_handle_s);
    } else {
      std::snprintf(line, sizeof line,
                    "\nErlang %s (M/M/%u%s): SL %.1f%%, ASA %.1fs, abandoned %.1f%%, occupancy "
                    "%.1f%%\n",
                    a ? "A" : "C", m.agents, a ? "+M" : "", t.service_level * 100, t.asa_s,
                    t.abandoned * 100, t.occupancy * 100);
    }
    out += line;
  }
  return out;
}

std::string report_json(const RunInfo& info, const Figures& f) {
  json::object o;
  o["scenario"] = info.scenario_file;
  o["policy"] = info.policy;
  o["seed"] = info.seed;
  o["duration_s"] = f.duration_s;
  o["agents"] = info.agents;
  o["staffed_agent_hours"] = f.staffed_agent_h;
  o["interactions"] = f.created;
  o["unrouted"] = f.unrouted;
  o["refused_commands"] = f.refused;
  o["commands"] = f.commands;
  o["total"] = queue_json(f.total);
  json::array queues;
  for (const QueueFigures& q : f.queues) queues.push_back(queue_json(q));
  o["queues"] = std::move(queues);
  if (info.model) {
    const QueueModel& m = *info.model;
    const QueueForecast t = erlang_a(m);
    o["theory"] = json::object{{"model", m.mean_patience_s > 0 ? "erlang_a" : "erlang_c"},
                               {"stable", t.stable},
                               {"p_wait", t.p_wait},
                               {"service_level", t.service_level},
                               {"asa_s", t.asa_s},
                               {"abandon_rate", t.abandoned},
                               {"occupancy", t.occupancy}};
  }
  return json::serialize(o);
}

}  // namespace sb::sim
