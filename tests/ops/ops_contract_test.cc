// The operational files against the metric contract (docs/metrics.txt): the Grafana dashboard
// (docs/grafana/switchboard.json) parses, has its datasource and queue variables, reads only
// metrics and labels of the contract, and every PromQL expression in it passes promtool; the
// alerting rules (config/prometheus/alerts.yml) read only contract metrics too.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/ops/promql_names.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using sb::ops_test::contract_violation;
using sb::ops_test::metric_refs;
using sb::ops_test::MetricContract;
using sb::ops_test::MetricRef;

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

MetricContract contract() {
  std::vector<std::string> errors;
  MetricContract c =
      sb::ops_test::parse_contract(slurp(fs::path(SB_SOURCE_DIR) / "docs/metrics.txt"), errors);
  for (const std::string& e : errors) FAIL_CHECK("docs/metrics.txt: " << e);
  return c;
}

json::value dashboard() {
  const std::string text = slurp(fs::path(SB_SOURCE_DIR) / "docs/grafana/switchboard.json");
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  REQUIRE_MESSAGE(!ec, "docs/grafana/switchboard.json is not JSON: " << ec.message());
  REQUIRE(v.is_object());
  return v;
}

struct Query {
  std::string where;  // panel title or variable name
  std::string expr;
};

// Every PromQL expression of the dashboard: panel targets (rows may nest panels) and the
// selectors inside the variables' label_values(...).
std::vector<Query> dashboard_queries(const json::object& d) {
  std::vector<Query> out;
  std::vector<const json::value*> stack;
  for (const json::value& p : d.at("panels").as_array()) stack.push_back(&p);
  while (!stack.empty()) {
    const json::object& p = stack.back()->as_object();
    stack.pop_back();
    if (const json::value* nested = p.if_contains("panels")) {
      for (const json::value& n : nested->as_array()) stack.push_back(&n);
    }
    const json::value* targets = p.if_contains("targets");
    if (targets == nullptr) continue;
    for (const json::value& t : targets->as_array()) {
      out.push_back({std::string(p.at("title").as_string()),
                     std::string(t.as_object().at("expr").as_string())});
    }
  }
  for (const json::value& v : d.at("templating").at("list").as_array()) {
    const json::object& var = v.as_object();
    if (var.at("type").as_string() != "query") continue;
    std::string definition(var.at("definition").as_string());
    const std::string prefix = "label_values(";
    if (definition.starts_with(prefix) && definition.ends_with(")")) {
      definition = definition.substr(prefix.size(), definition.rfind(',') - prefix.size());
    }
    out.push_back({"variable " + std::string(var.at("name").as_string()), definition});
  }
  return out;
}

// Grafana's variables replaced by values PromQL accepts, for promtool.
std::string substitute_variables(std::string expr) {
  const std::pair<std::string, std::string> vars[] = {
      {"$__rate_interval", "5m"}, {"$__interval", "1m"}, {"$__range", "1h"},
      {"$queue", ".*"},           {"$channel", ".*"},    {"$job", ".*"}};
  for (const auto& [name, value] : vars) {
    for (std::size_t at = expr.find(name); at != std::string::npos; at = expr.find(name, at)) {
      expr.replace(at, name.size(), value);
      at += value.size();
    }
  }
  return expr;
}

int run(const std::string& command) {
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

}  // namespace

TEST_CASE("metric_refs finds selectors and their labels, not functions, keywords or labels") {
  using V = std::vector<MetricRef>;
  CHECK(metric_refs("up") == V{{"up", {}}});
  CHECK(
      metric_refs(
          R"(sum by (queue) (rate(a_total{queue=~"$queue", channel!="x"}[5m])) / on (queue) group_left b)") ==
      V{{"a_total", {"queue", "channel"}}, {"b", {}}});
  CHECK(
      metric_refs(
          R"(histogram_quantile(0.99, sum without (x) (rate(h_bucket{le!="+Inf"}[$__rate_interval]))))") ==
      V{{"h_bucket", {"le"}}});
  CHECK(metric_refs(
            R"(a > 300 and ignoring (channel) b offset 5m unless count(c{x="a}b"}) > bool 1e3)") ==
        V{{"a", {}}, {"b", {}}, {"c", {"x"}}});
  CHECK(metric_refs(R"({__name__="x"} or max_over_time(y[1h:5m]))") == V{{"y", {}}});
}

TEST_CASE("contract_violation: unknown names, bare histograms and foreign labels are refused") {
  std::vector<std::string> errors;
  const MetricContract c = sb::ops_test::parse_contract(
      "# comment\n\nq_total counter queue,channel\nwait_seconds histogram queue\nup gauge\n",
      errors);
  CHECK(errors.empty());
  CHECK(contract_violation(c, {"q_total", {"queue", "channel", "job", "instance"}}) == "");
  CHECK(contract_violation(c, {"wait_seconds_bucket", {"queue", "le"}}) == "");
  CHECK(contract_violation(c, {"wait_seconds_sum", {}}) == "");
  CHECK(contract_violation(c, {"q_total", {"state"}}) == "q_total has no label 'state'");
  CHECK(contract_violation(c, {"q_total_bucket", {}}) ==
        "q_total_bucket is not in docs/metrics.txt");
  CHECK(contract_violation(c, {"wait_seconds_sum", {"le"}}) ==
        "wait_seconds_sum has no label 'le'");
  CHECK(contract_violation(c, {"wait_seconds", {}}) ==
        "wait_seconds is a histogram: read its _bucket, _sum or _count");
  CHECK(contract_violation(c, {"qtotal", {}}) == "qtotal is not in docs/metrics.txt");
  sb::ops_test::parse_contract("bad type\nx counter a b\nx gauge\n", errors);
  CHECK(errors.size() == 3);
}

TEST_CASE("the dashboard has its datasource and queue variables, and every panel uses them") {
  const json::value v = dashboard();
  const json::object& d = v.as_object();
  CHECK(d.at("uid").as_string() == "switchboard-wallboard");
  bool datasource = false;
  bool queue = false;
  for (const json::value& var : d.at("templating").at("list").as_array()) {
    const json::object& o = var.as_object();
    if (o.at("name") == "datasource") {
      datasource = o.at("type") == "datasource" && o.at("query") == "prometheus";
    }
    if (o.at("name") == "queue") {
      queue = o.at("type") == "query" &&
              o.at("definition").as_string().starts_with("label_values(") &&
              o.at("definition").as_string().ends_with(", queue)") && o.at("multi").as_bool();
    }
  }
  CHECK_MESSAGE(datasource, "a variable 'datasource' of type datasource (prometheus)");
  CHECK_MESSAGE(queue, "a multi-value variable 'queue' from label_values(..., queue)");
  std::set<std::int64_t> ids;
  for (const json::value& p : d.at("panels").as_array()) {
    const json::object& panel = p.as_object();
    CHECK_MESSAGE(ids.insert(panel.at("id").as_int64()).second, "panel id twice");
    if (panel.at("type") == "row") continue;
    INFO("panel " << panel.at("title").as_string());
    CHECK(panel.at("datasource").at("uid") == "${datasource}");
    for (const json::value& t : panel.at("targets").as_array()) {
      CHECK(t.at("datasource").at("uid") == "${datasource}");
    }
  }
}

TEST_CASE("the dashboard reads only metrics and labels of the contract, and shows the wallboard") {
  const MetricContract c = contract();
  const json::value v = dashboard();
  std::set<std::string> used;
  for (const Query& q : dashboard_queries(v.as_object())) {
    INFO(q.where << ": " << q.expr);
    const auto refs = metric_refs(q.expr);
    CHECK_MESSAGE(!refs.empty(), "reads no metric");
    for (const MetricRef& ref : refs) {
      CHECK(contract_violation(c, ref) == "");
      used.insert(ref.name);
    }
  }
  // What the wallboard is for (issue 7): take one away and this fails.
  for (const char* needed :
       {"switchboard_queue_waiting", "switchboard_queue_oldest_wait_seconds",
        "switchboard_queue_service_level", "switchboard_queue_service_level_target",
        "switchboard_queue_average_speed_of_answer_seconds", "switchboard_queue_abandoned_total",
        "switchboard_agents", "switchboard_agent_occupancy", "switchboard_affinity_hits_total",
        "switchboard_channel_switches_total", "switchboard_repeat_contacts_total",
        "switchboard_first_contact_resolutions_total", "switchboard_journeys_autonomous_total",
        "switchboard_routing_decision_seconds_bucket"}) {
    CHECK_MESSAGE(used.contains(needed), "the dashboard does not show " << needed);
  }
}

TEST_CASE("every PromQL expression of the dashboard passes promtool") {
  const json::value v = dashboard();
  const fs::path rules =
      fs::temp_directory_path() / ("sb-dashboard-rules-" + std::to_string(::getpid()) + ".yml");
  {
    std::ofstream out(rules);
    out << "groups:\n  - name: dashboard\n    rules:\n";
    int n = 0;
    for (const Query& q : dashboard_queries(v.as_object())) {
      // A JSON string is a YAML double-quoted scalar.
      out << "      - record: dashboard:query_" << n++
          << "\n        expr: " << json::serialize(json::string(substitute_variables(q.expr)))
          << "\n";
    }
  }
  const int status = run(std::string(SB_PROMTOOL) + " check rules " + rules.string());
  CHECK_MESSAGE(status == 0, "promtool check rules " << rules << " failed (see above)");
  if (status == 0) fs::remove(rules);
}

TEST_CASE("the alerting rules read only metrics and labels of the contract") {
  const MetricContract c = contract();
  const YAML::Node root =
      YAML::LoadFile(std::string(SB_SOURCE_DIR) + "/config/prometheus/alerts.yml");
  int alerts = 0;
  for (const YAML::Node& group : root["groups"]) {
    for (const YAML::Node& rule : group["rules"]) {
      ++alerts;
      const std::string expr = rule["expr"].as<std::string>();
      INFO(rule["alert"].as<std::string>() << ": " << expr);
      CHECK(rule["labels"]["severity"].IsDefined());
      CHECK(rule["annotations"]["summary"].IsDefined());
      CHECK(rule["annotations"]["description"].IsDefined());
      for (const MetricRef& ref : metric_refs(expr)) CHECK(contract_violation(c, ref) == "");
    }
  }
  CHECK(alerts >= 6);
}
