#include "engine/policy/policy_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "engine/policy/expression_parser.h"
#include "engine/policy/yaml_reader.h"

namespace sb::policy {

std::string Diagnostic::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

// The policy loader reads through the shared YamlReader (also used by simulation scenarios).
using Loader = YamlReader;

void load_channels(Loader& l, const YAML::Node& n, Policy& p) {
  if (!l.is_map(n, "channels")) return;
  for (auto it = n.begin(); it != n.end(); ++it) {
    ChannelPolicy c;
    c.name = it->first.Scalar();
    const YAML::Node v = it->second;  // a copy: the iterator yields temporaries
    const std::string where = "channels." + c.name;
    if (v.IsNull()) {
      p.channels.push_back(c);
      continue;
    }
    if (!l.is_map(v, where)) continue;
    l.check_keys(v, {"capacity", "offer_timeout", "wrap_up", "blocks"}, where);
    if (v["capacity"]) {
      if (auto cap = l.integer(v["capacity"], where + ".capacity", 0, 100))
        c.default_capacity = static_cast<std::uint32_t>(*cap);
    }
    if (v["offer_timeout"]) {
      if (auto d = l.duration(v["offer_timeout"], where + ".offer_timeout")) {
        if (d->count() == 0)
          l.error(v["offer_timeout"], where + ".offer_timeout must be longer than 0s");
        else
          c.offer_timeout = *d;
      }
    }
    if (v["wrap_up"]) {
      if (auto d = l.duration(v["wrap_up"], where + ".wrap_up")) c.wrap_up = *d;
    }
    if (v["blocks"]) c.blocks = l.names(v["blocks"], where + ".blocks");
    p.channels.push_back(c);
  }
  if (p.channels.empty()) l.error(n, "a policy declares at least one channel");
  if (p.channels.size() > 64) l.error(n, "a policy declares at most 64 channels");
  std::vector<std::string> declared;
  for (const ChannelPolicy& c : p.channels) declared.push_back(c.name);
  for (auto it = n.begin(); it != n.end(); ++it) {
    const YAML::Node v = it->second;  // a copy: the iterator yields temporaries
    if (!v.IsMap() || !v["blocks"] || !v["blocks"].IsSequence()) continue;
    for (const YAML::Node& b : v["blocks"]) l.declared(b, b.Scalar(), declared, "channel");
  }
}

void load_scoring(Loader& l, const YAML::Node& n, Policy& p) {
  if (!l.is_map(n, "scoring")) return;
  l.check_keys(
      n, {"skill", "idle", "load", "affinity", "sentiment", "idle_horizon", "deescalation_skill"},
      "scoring");
  l.weights(n, p.scoring, "scoring");
  if (n["idle_horizon"]) {
    if (auto d = l.duration(n["idle_horizon"], "scoring.idle_horizon")) {
      if (d->count() == 0)
        l.error(n["idle_horizon"], "scoring.idle_horizon must be longer than 0s");
      else
        p.idle_horizon = *d;
    }
  }
  if (n["deescalation_skill"]) {
    if (auto s = l.text(n["deescalation_skill"], "scoring.deescalation_skill")) {
      if (l.declared(n["deescalation_skill"], *s, p.skills, "skill")) p.deescalation_skill = *s;
    }
  }
}

void load_limits(Loader& l, const YAML::Node& root, Policy& p) {
  if (const YAML::Node n = root["wellbeing"]) {
    if (l.is_map(n, "wellbeing")) {
      l.check_keys(n, {"max_consecutive_negative", "negative_below", "cooldown"}, "wellbeing");
      if (n["max_consecutive_negative"]) {
        if (auto v = l.integer(n["max_consecutive_negative"], "wellbeing.max_consecutive_negative",
                               0, 1000)) {
          p.wellbeing.max_consecutive_negative = static_cast<std::uint32_t>(*v);
        }
      }
      if (n["negative_below"]) {
        if (auto v = l.number(n["negative_below"], "wellbeing.negative_below")) {
          if (*v < -1 || *v > 1)
            l.error(n["negative_below"], "wellbeing.negative_below must be from -1 to 1");
          else
            p.wellbeing.negative_below = *v;
        }
      }
      if (n["cooldown"]) {
        if (auto d = l.duration(n["cooldown"], "wellbeing.cooldown")) p.wellbeing.cooldown = *d;
      }
    }
  }
  if (const YAML::Node n = root["offers"]) {
    if (l.is_map(n, "offers")) {
      l.check_keys(n, {"max_consecutive_misses", "transfer_wait"}, "offers");
      if (n["max_consecutive_misses"]) {
        if (auto v =
                l.integer(n["max_consecutive_misses"], "offers.max_consecutive_misses", 0, 1000)) {
          p.offers.max_consecutive_misses = static_cast<std::uint32_t>(*v);
        }
      }
      if (n["transfer_wait"]) {
        if (auto d = l.duration(n["transfer_wait"], "offers.transfer_wait"))
          p.offers.transfer_wait = *d;
      }
    }
  }
  if (const YAML::Node n = root["journey"]) {
    if (l.is_map(n, "journey")) {
      l.check_keys(n, {"max_contacts", "lookback", "max_customers", "repeat_window"}, "journey");
      if (n["max_contacts"]) {
        if (auto v = l.integer(n["max_contacts"], "journey.max_contacts", 1, 1000)) {
          p.journey.max_contacts = static_cast<std::uint32_t>(*v);
        }
      }
      if (n["lookback"]) {
        if (auto d = l.duration(n["lookback"], "journey.lookback")) {
          if (d->count() == 0)
            l.error(n["lookback"], "journey.lookback must be longer than 0s");
          else
            p.journey.lookback = *d;
        }
      }
      if (n["max_customers"]) {
        if (auto v = l.integer(n["max_customers"], "journey.max_customers", 1, 100'000'000)) {
          p.journey.max_customers = static_cast<std::uint32_t>(*v);
        }
      }
      if (n["repeat_window"]) {
        if (auto d = l.duration(n["repeat_window"], "journey.repeat_window")) {
          if (d->count() == 0 || *d > p.journey.lookback)
            l.error(n["repeat_window"],
                    "journey.repeat_window must be longer than 0s and at most journey.lookback");
          else
            p.journey.repeat_window = *d;
        }
      }
    }
  }
  if (const YAML::Node n = root["monitoring"]) {
    if (l.is_map(n, "monitoring")) {
      l.check_keys(n, {"service_level_window", "service_level_min_samples", "sentiment_drop"},
                   "monitoring");
      if (n["service_level_window"]) {
        if (auto d = l.duration(n["service_level_window"], "monitoring.service_level_window")) {
          if (*d < std::chrono::seconds(15) || *d > std::chrono::hours(24))
            l.error(n["service_level_window"],
                    "monitoring.service_level_window must be from 15s to 24h");
          else
            p.monitoring.service_level_window = *d;
        }
      }
      if (n["service_level_min_samples"]) {
        if (auto v = l.integer(n["service_level_min_samples"],
                               "monitoring.service_level_min_samples", 1, 1'000'000)) {
          p.monitoring.service_level_min_samples = static_cast<std::uint32_t>(*v);
        }
      }
      if (n["sentiment_drop"]) {
        if (auto v = l.number(n["sentiment_drop"], "monitoring.sentiment_drop")) {
          if (*v <= 0 || *v > 2)
            l.error(n["sentiment_drop"], "monitoring.sentiment_drop must be above 0 and at most 2");
          else
            p.monitoring.sentiment_drop = *v;
        }
      }
    }
  }
}

void load_steps(Loader& l, const YAML::Node& n, QueuePolicy& q, const ExpressionScope& scope,
                const std::string& where) {
  if (!l.is_list(n, where + ".steps")) return;
  if (n.size() == 0) l.error(n, where + ".steps needs at least one step");
  if (n.size() > 32) l.error(n, where + " has more than 32 steps");
  std::size_t k = 0;
  for (const YAML::Node& s : n) {
    const std::string at = where + ".steps[" + std::to_string(k++) + "]";
    if (!l.is_map(s, at)) continue;
    l.check_keys(s, {"after", "agents", "priority_bump"}, at);
    EscalationStep step;
    if (s["after"]) {
      if (auto d = l.duration(s["after"], at + ".after")) step.after = *d;
    } else if (!q.steps.empty()) {
      l.error(s, at + " needs 'after': when the step applies");
    }
    if (q.steps.empty() && step.after.count() != 0) {
      l.error(s["after"], at + ".after must be 0s: the first step applies at once");
    }
    if (!q.steps.empty() && step.after <= q.steps.back().after) {
      l.error(s["after"] ? s["after"] : s,
              at + ".after must be later than the step before; this step is unreachable");
    }
    if (s["agents"]) step.agents = l.expression(s["agents"], scope, at + ".agents");
    if (s["priority_bump"]) {
      if (auto v = l.number(s["priority_bump"], at + ".priority_bump")) step.priority_bump = *v;
    }
    q.steps.push_back(std::move(step));
  }
}

void load_queue(Loader& l, const YAML::Node& n, Policy& p, std::vector<std::string>& names,
                std::vector<std::pair<YAML::Node, std::string>>& overflows, std::size_t index) {
  const std::string fallback = "queues[" + std::to_string(index) + "]";
  if (!l.is_map(n, fallback)) return;
  l.check_keys(n,
               {"name", "match", "priority", "channels", "skills", "sla", "scoring",
                "aging_per_minute", "affinity", "sentiment", "overflow", "steps"},
               fallback);
  QueuePolicy q;
  if (!n["name"]) {
    l.error(n, fallback + " needs a name");
  } else if (auto s = l.text(n["name"], fallback + ".name")) {
    q.name = *s;
    if (q.name.empty()) l.error(n["name"], fallback + ".name must not be empty");
    if (std::find(names.begin(), names.end(), q.name) != names.end())
      l.error(n["name"], "queue '" + q.name + "' is declared twice");
  }
  names.push_back(q.name);
  const std::string where = "queues." + (q.name.empty() ? fallback : q.name);
  if (n["match"])
    q.match =
        l.expression(n["match"], ExpressionScope{RuleKind::QueueMatch, p.skills}, where + ".match");
  if (n["priority"]) {
    if (auto v = l.number(n["priority"], where + ".priority")) q.priority = *v;
  }
  std::vector<std::string> channel_names;
  for (const ChannelPolicy& c : p.channels) channel_names.push_back(c.name);
  if (n["channels"]) {
    q.channels = l.names(n["channels"], where + ".channels");
    if (n["channels"].IsSequence()) {
      for (const YAML::Node& c : n["channels"]) l.declared(c, c.Scalar(), channel_names, "channel");
    }
  }
  if (n["skills"]) {
    q.skills = l.names(n["skills"], where + ".skills");
    if (n["skills"].IsSequence()) {
      for (const YAML::Node& s : n["skills"]) l.declared(s, s.Scalar(), p.skills, "skill");
    }
  }
  if (const YAML::Node sla = n["sla"]) {
    if (l.is_map(sla, where + ".sla")) {
      l.check_keys(sla, {"answer_within", "target"}, where + ".sla");
      if (sla["answer_within"]) {
        if (auto d = l.duration(sla["answer_within"], where + ".sla.answer_within")) {
          if (d->count() == 0)
            l.error(sla["answer_within"], where + ".sla.answer_within must be longer than 0s");
          else
            q.sla.answer_within = *d;
        }
      }
      if (sla["target"]) {
        if (auto r = l.ratio(sla["target"], where + ".sla.target")) q.sla.target = *r;
      }
    }
  }
  if (const YAML::Node s = n["scoring"]) {
    if (l.is_map(s, where + ".scoring")) {
      l.check_keys(s, {"skill", "idle", "load", "affinity", "sentiment"}, where + ".scoring");
      ScoringWeights w = p.scoring;
      l.weights(s, w, where + ".scoring");
      q.scoring = w;
    }
  }
  if (n["aging_per_minute"]) {
    if (auto v = l.number(n["aging_per_minute"], where + ".aging_per_minute")) {
      if (*v < 0)
        l.error(n["aging_per_minute"], where + ".aging_per_minute must be 0 or more");
      else
        q.aging_per_minute = *v;
    }
  }
  if (const YAML::Node a = n["affinity"]) {
    if (l.is_map(a, where + ".affinity")) {
      l.check_keys(a, {"enabled", "window", "preferred_agent_wait"}, where + ".affinity");
      if (a["enabled"]) {
        if (auto b = l.boolean(a["enabled"], where + ".affinity.enabled")) q.affinity.enabled = *b;
      }
      if (a["window"]) {
        if (auto d = l.duration(a["window"], where + ".affinity.window")) {
          if (d->count() == 0)
            l.error(a["window"], where + ".affinity.window must be longer than 0s");
          else
            q.affinity.window = *d;
        }
      }
      if (a["preferred_agent_wait"]) {
        if (auto d =
                l.duration(a["preferred_agent_wait"], where + ".affinity.preferred_agent_wait"))
          q.affinity.preferred_agent_wait = *d;
      }
    }
  }
  if (const YAML::Node s = n["sentiment"]) {
    if (l.is_map(s, where + ".sentiment")) {
      l.check_keys(s, {"threshold", "priority_bump"}, where + ".sentiment");
      if (s["threshold"]) {
        if (auto v = l.number(s["threshold"], where + ".sentiment.threshold")) {
          if (*v < -1 || *v > 1)
            l.error(s["threshold"], where + ".sentiment.threshold must be from -1 to 1");
          else
            q.sentiment.threshold = *v;
        }
      }
      if (s["priority_bump"]) {
        if (auto v = l.number(s["priority_bump"], where + ".sentiment.priority_bump"))
          q.sentiment.priority_bump = *v;
      }
    }
  }
  if (const YAML::Node o = n["overflow"]) {
    if (l.is_map(o, where + ".overflow")) {
      l.check_keys(o, {"to", "after"}, where + ".overflow");
      if (!o["to"] || !o["after"])
        l.error(o, where + ".overflow needs 'to' (a queue) and 'after' (a duration)");
      if (o["to"]) {
        if (auto s = l.text(o["to"], where + ".overflow.to")) {
          q.overflow_to = *s;
          overflows.emplace_back(o["to"], q.name);
        }
      }
      if (o["after"]) {
        if (auto d = l.duration(o["after"], where + ".overflow.after")) {
          if (d->count() == 0)
            l.error(o["after"], where + ".overflow.after must be longer than 0s");
          else
            q.overflow_after = *d;
        }
      }
    }
  }
  if (!n["steps"]) {
    q.steps.push_back(EscalationStep{});  // anyone, at once
  } else {
    load_steps(l, n["steps"], q, ExpressionScope{RuleKind::AgentEligibility, p.skills}, where);
  }
  p.queues.push_back(std::move(q));
}

UpsertAgent load_test_agent(Loader& l, const YAML::Node& n, const Policy& p,
                            const std::string& where) {
  UpsertAgent a;
  if (!l.is_map(n, where)) return a;
  l.check_keys(n, {"id", "skills", "languages", "channels", "attributes", "kind"}, where);
  if (!n["id"])
    l.error(n, where + " needs an id");
  else if (auto s = l.text(n["id"], where + ".id"))
    a.agent_id = *s;
  if (const YAML::Node s = n["skills"]; s && l.is_map(s, where + ".skills")) {
    for (auto it = s.begin(); it != s.end(); ++it) {
      const std::string name = it->first.Scalar();
      l.declared(it->first, name, p.skills, "skill");
      if (auto v = l.integer(it->second, where + ".skills." + name, 0, 10))
        a.skills.emplace_back(name, static_cast<int>(*v));
    }
  }
  if (n["languages"]) a.languages = l.names(n["languages"], where + ".languages");
  std::vector<std::string> channel_names;
  for (const ChannelPolicy& c : p.channels) channel_names.push_back(c.name);
  if (const YAML::Node c = n["channels"]; c && l.is_map(c, where + ".channels")) {
    for (auto it = c.begin(); it != c.end(); ++it) {
      l.declared(it->first, it->first.Scalar(), channel_names, "channel");
      if (auto v = l.integer(it->second, where + ".channels." + it->first.Scalar(), 0, 100)) {
        a.channels.emplace_back(it->first.Scalar(), static_cast<std::uint32_t>(*v));
      }
    }
  }
  if (n["attributes"]) a.attributes = l.attributes(n["attributes"], where + ".attributes");
  if (n["kind"]) {
    if (auto s = l.text(n["kind"], where + ".kind")) {
      if (*s == "bot")
        a.kind = AgentKind::Bot;
      else if (*s != "human")
        l.error(n["kind"], where + ".kind is human or bot");
    }
  }
  return a;
}

void load_test_expect(Loader& l, const YAML::Node& e, PolicyTest& t, const std::string& where) {
  if (!l.is_map(e, where)) return;
  l.check_keys(e, {"queue", "step", "agent", "error"}, where);
  if (e["queue"]) t.expect_queue = l.text(e["queue"], where + ".queue");
  if (e["step"]) {
    if (auto v = l.integer(e["step"], where + ".step", 0, 31))
      t.expect_step = static_cast<std::uint32_t>(*v);
  }
  if (e["agent"])
    t.expect_agent =
        e["agent"].IsNull() ? std::string{} : l.text(e["agent"], where + ".agent").value_or("");
  if (e["error"]) t.expect_error = l.text(e["error"], where + ".error");
  if (e.size() == 0) l.error(e, where + " expects nothing: give a queue, step, agent or error");
}

void load_tests(Loader& l, const YAML::Node& n, const Policy& p, std::vector<PolicyTest>& tests) {
  if (!l.is_list(n, "tests")) return;
  std::size_t index = 0;
  for (const YAML::Node& t : n) {
    const std::string where = "tests[" + std::to_string(index++) + "]";
    if (!l.is_map(t, where)) continue;
    l.check_keys(t, {"name", "agents", "history", "interaction", "wait", "expect"}, where);
    PolicyTest test;
    test.line = t.Mark().line + 1;
    test.name = t["name"] ? l.text(t["name"], where + ".name").value_or(where) : where;
    if (const YAML::Node agents = t["agents"]; agents && l.is_list(agents, where + ".agents")) {
      std::size_t k = 0;
      for (const YAML::Node& a : agents) {
        test.agents.push_back(
            load_test_agent(l, a, p, where + ".agents[" + std::to_string(k++) + "]"));
      }
    }
    if (const YAML::Node history = t["history"];
        history && l.is_list(history, where + ".history")) {
      std::size_t k = 0;
      for (const YAML::Node& h : history) {
        const std::string at = where + ".history[" + std::to_string(k++) + "]";
        if (!l.is_map(h, at)) continue;
        l.check_keys(h, {"channel", "agent", "ago", "attributes"}, at);
        TestContact c;
        if (h["channel"]) c.channel = l.text(h["channel"], at + ".channel").value_or("");
        if (h["agent"]) c.agent = l.text(h["agent"], at + ".agent").value_or("");
        if (h["ago"]) c.ago = l.duration(h["ago"], at + ".ago").value_or(Duration{0});
        if (h["attributes"]) c.attributes = l.attributes(h["attributes"], at + ".attributes");
        test.history.push_back(std::move(c));
      }
    }
    if (const YAML::Node i = t["interaction"]) {
      const std::string at = where + ".interaction";
      if (l.is_map(i, at)) {
        l.check_keys(i, {"id", "channel", "customer_id", "attributes", "sentiment", "priority"},
                     at);
        test.interaction.interaction_id =
            i["id"] ? l.text(i["id"], at + ".id").value_or("") : "test-interaction";
        if (!i["channel"])
          l.error(i, at + " needs a channel");
        else
          test.interaction.channel = l.text(i["channel"], at + ".channel").value_or("");
        test.interaction.customer_id =
            i["customer_id"] ? l.text(i["customer_id"], at + ".customer_id").value_or("")
                             : "test-customer";
        if (i["attributes"])
          test.interaction.attributes = l.attributes(i["attributes"], at + ".attributes");
        if (i["sentiment"])
          test.interaction.sentiment = l.number(i["sentiment"], at + ".sentiment").value_or(0);
        if (i["priority"])
          test.interaction.priority = l.number(i["priority"], at + ".priority").value_or(0);
      }
    } else {
      l.error(t, where + " needs an interaction");
    }
    if (t["wait"]) test.wait = l.duration(t["wait"], where + ".wait").value_or(Duration{0});
    if (t["expect"])
      load_test_expect(l, t["expect"], test, where + ".expect");
    else
      l.error(t, where + " needs an expect");
    tests.push_back(std::move(test));
  }
}

}  // namespace

LoadResult load_policy(std::string_view yaml, const std::string& file, std::uint64_t version) {
  LoadResult result;
  Loader l(file);
  const YAML::Node root = parse_yaml(std::string(yaml), file, result.diagnostics);
  if (!result.diagnostics.empty()) return result;
  if (!root.IsMap()) {
    result.diagnostics.push_back(Diagnostic{
        file, 1, 1, "a policy is a YAML mapping (version, channels, skills, queues, ...)"});
    return result;
  }
  l.check_keys(root,
               {"version", "channels", "skills", "scoring", "wellbeing", "offers", "journey",
                "monitoring", "queues", "tests"},
               "the policy");
  auto policy = std::make_shared<Policy>();
  Policy& p = *policy;
  p.version = version;
  if (!root["version"]) {
    l.error(root, "missing 'version' (1)");
  } else if (auto v = l.integer(root["version"], "version", 1, 1)) {
    (void)v;
  }
  if (root["skills"]) {
    p.skills = l.names(root["skills"], "skills");
    std::set<std::string> seen;
    if (root["skills"].IsSequence()) {
      for (const YAML::Node& s : root["skills"]) {
        if (!seen.insert(s.Scalar()).second)
          l.error(s, "skill '" + s.Scalar() + "' is declared twice");
      }
    }
  } else {
    l.error(root, "missing 'skills': the list of skills agents may have");
  }
  if (root["channels"])
    load_channels(l, root["channels"], p);
  else
    l.error(root, "missing 'channels'");
  if (root["scoring"]) load_scoring(l, root["scoring"], p);
  load_limits(l, root, p);
  std::vector<std::string> names;
  std::vector<std::pair<YAML::Node, std::string>> overflows;
  if (!root["queues"]) {
    l.error(root, "missing 'queues'");
  } else if (l.is_list(root["queues"], "queues")) {
    if (root["queues"].size() == 0) l.error(root["queues"], "a policy needs at least one queue");
    std::size_t index = 0;
    for (const YAML::Node& q : root["queues"]) load_queue(l, q, p, names, overflows, index++);
  }
  for (const auto& [at, from] : overflows) {
    if (l.declared(at, at.Scalar(), names, "queue") && at.Scalar() == from) {
      l.error(at, "queue '" + from + "' cannot overflow to itself");
    }
  }
  std::vector<PolicyTest> tests;
  if (root["tests"]) load_tests(l, root["tests"], p, tests);
  result.diagnostics = std::move(l.diagnostics());
  if (result.diagnostics.empty()) result.loaded = LoadedPolicy{std::move(policy), std::move(tests)};
  return result;
}

}  // namespace sb::policy
