#include "engine/sim/scenario.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "engine/policy/did_you_mean.h"
#include "engine/policy/yaml_reader.h"

namespace sb::sim {
namespace {

using policy::YamlReader;

constexpr std::uint32_t kMaxAgents = 200'000;  // the core's default limit
constexpr Duration kDay = std::chrono::hours(24);

Mark mark_of(const YAML::Node& n) { return Mark{n.Mark().line + 1, n.Mark().column + 1}; }

// "HH:MM" or "HH:MM:SS", 00:00 to 24:00.
std::optional<Duration> parse_time_of_day(std::string_view s) {
  int parts[3] = {0, 0, 0};
  int count = 0;
  const char* p = s.data();
  const char* end = s.data() + s.size();
  while (p < end && count < 3) {
    const auto [next, ec] = std::from_chars(p, end, parts[count]);
    if (ec != std::errc{} || next - p != 2) return std::nullopt;
    ++count;
    p = next;
    if (p < end && *p++ != ':') return std::nullopt;
    if (p == end && s.back() == ':') return std::nullopt;
  }
  if (p != end || count < 2 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  const Duration d = std::chrono::hours(parts[0]) + std::chrono::minutes(parts[1]) +
                     std::chrono::seconds(parts[2]);
  if (d > kDay) return std::nullopt;
  return d;
}

class ScenarioReader {
 public:
  explicit ScenarioReader(YamlReader& r) : r_(r) {}

  std::optional<Duration> time_of_day(const YAML::Node& n, const std::string& what) {
    auto s = r_.text(n, what);
    if (!s) return std::nullopt;
    auto d = parse_time_of_day(*s);
    if (!d) r_.error(n, what + " must be a time of day such as 08:00 or 17:30, not '" + *s + "'");
    return d;
  }

  std::optional<Duration> positive_duration(const YAML::Node& n, const std::string& what) {
    auto d = r_.duration(n, what);
    if (d && d->count() == 0) {
      r_.error(n, what + " must be longer than 0s");
      return std::nullopt;
    }
    return d;
  }

  // A duration written alone is fixed; otherwise {distribution, mean, sigma | p90}.
  std::optional<Distribution> distribution(const YAML::Node& n, const std::string& what) {
    Distribution d;
    if (n.IsScalar()) {
      auto mean = r_.duration(n, what);
      if (!mean) return std::nullopt;
      d.mean = *mean;
      return d;
    }
    if (!r_.is_map(n, what)) return std::nullopt;
    r_.check_keys(n, {"distribution", "mean", "sigma", "p90"}, what);
    bool ok = true;
    if (n["distribution"]) {
      const auto kind = r_.text(n["distribution"], what + ".distribution");
      if (kind == "exponential") {
        d.kind = Distribution::Kind::Exponential;
      } else if (kind == "lognormal") {
        d.kind = Distribution::Kind::Lognormal;
      } else if (kind == "fixed") {
        d.kind = Distribution::Kind::Fixed;
      } else if (kind) {
        r_.error(n["distribution"],
                 what + ".distribution is exponential, lognormal or fixed" +
                     policy::did_you_mean(*kind, {"exponential", "lognormal", "fixed"}));
        ok = false;
      } else {
        ok = false;
      }
    } else {
      r_.error(n, what + " needs a distribution (exponential, lognormal or fixed)");
      ok = false;
    }
    if (!n["mean"]) {
      r_.error(n, what + " needs a mean");
      ok = false;
    } else if (auto mean = positive_duration(n["mean"], what + ".mean")) {
      d.mean = *mean;
    } else {
      ok = false;
    }
    const bool lognormal = d.kind == Distribution::Kind::Lognormal;
    for (const char* key : {"sigma", "p90"}) {
      if (n[key] && !lognormal) {
        r_.error(n[key], what + "." + key + " applies to a lognormal distribution only");
        ok = false;
      }
    }
    if (lognormal && ok) ok = lognormal_shape(n, what, d);
    if (!ok) return std::nullopt;
    return d;
  }

  bool lognormal_shape(const YAML::Node& n, const std::string& what, Distribution& d) {
    if (n["sigma"] && n["p90"]) {
      r_.error(n["p90"], what + " takes sigma or p90, not both");
      return false;
    }
    if (n["sigma"]) {
      auto s = r_.number(n["sigma"], what + ".sigma");
      if (s && (*s <= 0 || *s > 5)) r_.error(n["sigma"], what + ".sigma must be above 0, to 5");
      if (!s || *s <= 0 || *s > 5) return false;
      d.sigma = *s;
      return true;
    }
    if (n["p90"]) {
      auto p90 = r_.duration(n["p90"], what + ".p90");
      if (!p90) return false;
      d.sigma = lognormal_sigma_for_p90(to_seconds(d.mean), to_seconds(*p90));
      if (d.sigma <= 0) {
        r_.error(n["p90"], what +
                               ".p90 must lie above the mean and at most 2.27 times it (the "
                               "90th percentile of a lognormal)");
        return false;
      }
      return true;
    }
    r_.error(n, what + " needs sigma or p90 for a lognormal distribution");
    return false;
  }

  void answer(const YAML::Node& n, AnswerBehaviour& a, const std::string& what) {
    if (!r_.is_map(n, what)) return;
    r_.check_keys(n, {"accept", "delay", "back_after_missed"}, what);
    if (n["accept"]) {
      if (auto v = r_.ratio(n["accept"], what + ".accept")) a.accept = *v;
    }
    if (n["delay"]) {
      if (auto d = distribution(n["delay"], what + ".delay")) a.delay = *d;
    }
    if (n["back_after_missed"]) {
      if (auto d = r_.duration(n["back_after_missed"], what + ".back_after_missed"))
        a.back_after_missed = *d;
    }
  }

  std::optional<Shift> shift(const YAML::Node& n, const std::string& what) {
    if (!r_.is_map(n, what)) return std::nullopt;
    r_.check_keys(n, {"start", "end"}, what);
    if (!n["start"] || !n["end"]) {
      r_.error(n, what +
                      " needs a start and an end (times of day such as 08:00, or offsets "
                      "from the start of the run such as 30m)");
      return std::nullopt;
    }
    Shift s;
    const bool daily = n["start"].IsScalar() && n["start"].Scalar().find(':') != std::string::npos;
    s.daily = daily;
    std::optional<Duration> start, end;
    if (daily) {
      start = time_of_day(n["start"], what + ".start");
      end = time_of_day(n["end"], what + ".end");
    } else {
      start = r_.duration(n["start"], what + ".start");
      end = r_.duration(n["end"], what + ".end");
      if (start && end && *end <= *start) {
        r_.error(n["end"], what + ".end must be later than its start");
        return std::nullopt;
      }
    }
    if (!start || !end) return std::nullopt;
    s.start = *start;
    s.end = *end;
    return s;
  }

  template <typename T>
  std::vector<Marked<std::pair<std::string, T>>> counts(const YAML::Node& n,
                                                        const std::string& what, int max) {
    std::vector<Marked<std::pair<std::string, T>>> out;
    if (!r_.is_map(n, what)) return out;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string name = it->first.Scalar();
      if (auto v = r_.integer(it->second, what + "." + name, 0, max))
        out.push_back({{name, static_cast<T>(*v)}, mark_of(it->first)});
    }
    return out;
  }

  void group(const YAML::Node& n, std::size_t index, Scenario& s) {
    const std::string fallback = "agents[" + std::to_string(index) + "]";
    if (!r_.is_map(n, fallback)) return;
    r_.check_keys(n,
                  {"name", "count", "skills", "languages", "channels", "attributes", "kind",
                   "shifts", "answer"},
                  fallback);
    AgentGroup g;
    g.mark = mark_of(n);
    g.name = "a";  // appended, not "a" + ...: GCC 12's -O3 -Wrestrict false positive
    g.name += std::to_string(index + 1);
    if (n["name"]) {
      if (auto name = r_.text(n["name"], fallback + ".name")) g.name = *name;
      for (const AgentGroup& other : s.agents) {
        if (other.name == g.name) r_.error(n["name"], "agent group '" + g.name + "' twice");
      }
    }
    const std::string where = "agents." + g.name;
    if (!n["count"]) {
      r_.error(n, where + " needs a count");
    } else if (auto c = r_.integer(n["count"], where + ".count", 0, kMaxAgents)) {
      g.count = static_cast<std::uint32_t>(*c);
    }
    if (n["skills"]) g.skills = counts<int>(n["skills"], where + ".skills", 10);
    if (n["languages"]) g.languages = r_.names(n["languages"], where + ".languages");
    if (n["channels"]) g.channels = counts<std::uint32_t>(n["channels"], where + ".channels", 100);
    if (n["attributes"]) g.attributes = r_.attributes(n["attributes"], where + ".attributes");
    if (n["kind"]) {
      const auto kind = r_.text(n["kind"], where + ".kind");
      if (kind == "bot") {
        g.kind = AgentKind::Bot;
      } else if (kind && *kind != "human") {
        r_.error(n["kind"], where + ".kind is human or bot");
      }
    }
    if (const YAML::Node shifts = n["shifts"]; shifts && r_.is_list(shifts, where + ".shifts")) {
      std::size_t k = 0;
      for (const YAML::Node& sh : shifts) {
        if (auto x = shift(sh, where + ".shifts[" + std::to_string(k++) + "]"))
          g.shifts.push_back(*x);
      }
    }
    g.answer = s.answer;
    if (n["answer"]) answer(n["answer"], g.answer, where + ".answer");
    s.agents.push_back(std::move(g));
  }

  void sentiment(const YAML::Node& n, Stream& st, const std::string& what) {
    auto in_range = [&](const YAML::Node& v, const std::string& w) -> std::optional<double> {
      auto x = r_.number(v, w);
      if (x && (*x < -1 || *x > 1)) {
        r_.error(v, w + " must be from -1 to 1");
        return std::nullopt;
      }
      return x;
    };
    if (n.IsScalar()) {
      if (auto x = in_range(n, what)) st.sentiment_min = st.sentiment_max = *x;
      return;
    }
    if (!r_.is_map(n, what)) return;
    r_.check_keys(n, {"min", "max"}, what);
    if (!n["min"] || !n["max"]) {
      r_.error(n, what + " is a number, or {min, max} for a uniform spread");
      return;
    }
    auto lo = in_range(n["min"], what + ".min");
    auto hi = in_range(n["max"], what + ".max");
    if (lo && hi && *lo > *hi) r_.error(n["max"], what + ".max must not be below its min");
    if (lo && hi) {
      st.sentiment_min = *lo;
      st.sentiment_max = *hi;
    }
  }

  void transfer(const YAML::Node& n, Stream& st, const std::string& what) {
    if (!r_.is_map(n, what)) return;
    r_.check_keys(n, {"share", "to"}, what);
    if (!n["share"] || !n["to"]) {
      r_.error(n, what + " needs a share and a queue to transfer to");
      return;
    }
    Transfer t;
    auto share = r_.ratio(n["share"], what + ".share");
    auto to = r_.text(n["to"], what + ".to");
    if (!share || !to) return;
    t.share = *share;
    t.to_queue = {*to, mark_of(n["to"])};
    st.transfer = t;
  }

  void stream(const YAML::Node& n, std::size_t index, Scenario& s) {
    const std::string where = "streams[" + std::to_string(index) + "]";
    if (!r_.is_map(n, where)) return;
    r_.check_keys(n,
                  {"name", "channel", "intent", "language", "tier", "attributes", "rate_per_hour",
                   "profile", "handle_time", "patience", "sentiment", "priority", "transfer"},
                  where);
    Stream st;
    if (!n["channel"]) {
      r_.error(n, where + " needs a channel");
    } else if (auto c = r_.text(n["channel"], where + ".channel")) {
      st.channel = {*c, mark_of(n["channel"])};
    }
    if (n["attributes"]) st.attributes = r_.attributes(n["attributes"], where + ".attributes");
    for (const char* key : {"intent", "language", "tier"}) {
      if (!n[key]) continue;
      if (auto v = r_.text(n[key], where + "." + key)) {
        const bool twice = std::any_of(st.attributes.begin(), st.attributes.end(),
                                       [&](const auto& a) { return a.first == key; });
        if (twice) r_.error(n[key], where + "." + key + " is also given in its attributes");
        st.attributes.emplace_back(key, *v);
      }
    }
    st.name = st.channel.value;
    for (const auto& [key, value] : st.attributes) {
      if (key == "intent" && std::holds_alternative<std::string>(value))
        st.name += "/" + std::get<std::string>(value);
    }
    if (n["name"]) st.name = r_.text(n["name"], where + ".name").value_or(st.name);
    if (!n["rate_per_hour"]) {
      r_.error(n, where + " needs a rate_per_hour");
    } else if (auto rate = r_.number(n["rate_per_hour"], where + ".rate_per_hour")) {
      if (*rate < 0 || *rate > 1e7)
        r_.error(n["rate_per_hour"], where + ".rate_per_hour must be from 0 to 10000000");
      else
        st.rate_per_hour = *rate;
    }
    if (const YAML::Node p = n["profile"]; p && r_.is_list(p, where + ".profile")) {
      if (p.size() == 0 || p.size() > 1440)
        r_.error(p, where + ".profile has 1 to 1440 multipliers (24: one an hour)");
      for (const YAML::Node& m : p) {
        auto v = r_.number(m, where + ".profile entries");
        if (v && (*v < 0 || *v > 1000)) r_.error(m, where + ".profile entries are from 0 to 1000");
        st.profile.push_back(v.value_or(0));
      }
    }
    if (!n["handle_time"]) {
      r_.error(n, where + " needs a handle_time");
    } else if (auto d = distribution(n["handle_time"], where + ".handle_time")) {
      if (d->mean.count() == 0)
        r_.error(n["handle_time"], where + ".handle_time must be longer than 0s");
      st.handle_time = *d;
    }
    if (n["patience"]) {
      st.patience = distribution(n["patience"], where + ".patience");
      if (st.patience && st.patience->mean.count() == 0)
        r_.error(n["patience"], where + ".patience must be longer than 0s");
    }
    if (n["sentiment"]) sentiment(n["sentiment"], st, where + ".sentiment");
    if (n["priority"]) st.priority = r_.number(n["priority"], where + ".priority").value_or(0);
    if (n["transfer"]) transfer(n["transfer"], st, where + ".transfer");
    s.streams.push_back(std::move(st));
  }

  void returns(const YAML::Node& n, Scenario& s) {
    if (!r_.is_map(n, "returns")) return;
    r_.check_keys(n, {"share", "within", "sentiment_change"}, "returns");
    if (n["share"]) s.returns.share = r_.ratio(n["share"], "returns.share").value_or(0);
    if (n["within"]) {
      if (auto d = positive_duration(n["within"], "returns.within")) s.returns.within = *d;
    }
    if (n["sentiment_change"]) {
      auto v = r_.number(n["sentiment_change"], "returns.sentiment_change");
      if (v && (*v < -2 || *v > 2))
        r_.error(n["sentiment_change"], "returns.sentiment_change must be from -2 to 2");
      else if (v)
        s.returns.sentiment_change = *v;
    }
  }

  void root(const YAML::Node& root, Scenario& s) {
    r_.check_keys(
        root,
        {"duration", "seed", "start", "sla", "agents", "streams", "returns", "wrap_up", "answer"},
        "the scenario");
    if (!root["duration"]) {
      r_.error(root, "missing 'duration', e.g. 8h");
    } else if (auto d = positive_duration(root["duration"], "duration")) {
      if (*d > std::chrono::hours(24 * 3660))
        r_.error(root["duration"], "duration must be at most 3660d (ten years)");
      else
        s.duration = *d;
    }
    if (root["seed"]) {
      if (auto v = r_.integer(root["seed"], "seed", 0, 9'007'199'254'740'992))
        s.seed = static_cast<std::uint64_t>(*v);
    }
    if (root["start"]) {
      if (auto t = time_of_day(root["start"], "start")) s.start_time = *t % kDay;
    }
    if (const YAML::Node sla = root["sla"]; sla && r_.is_map(sla, "sla")) {
      r_.check_keys(sla, {"answer_within", "target"}, "sla");
      if (sla["answer_within"]) {
        if (auto d = positive_duration(sla["answer_within"], "sla.answer_within"))
          s.sla.answer_within = *d;
      }
      if (sla["target"]) s.sla.target = r_.ratio(sla["target"], "sla.target").value_or(0.8);
    }
    if (root["wrap_up"]) s.wrap_up = r_.duration(root["wrap_up"], "wrap_up");
    if (root["answer"]) answer(root["answer"], s.answer, "answer");
    if (root["returns"]) returns(root["returns"], s);
    if (!root["agents"]) {
      r_.error(root, "missing 'agents': the groups of agents who work");
    } else if (r_.is_list(root["agents"], "agents")) {
      std::size_t k = 0;
      for (const YAML::Node& g : root["agents"]) group(g, k++, s);
      std::uint64_t total = 0;
      for (const AgentGroup& g : s.agents) total += g.count;
      if (total > kMaxAgents)
        r_.error(root["agents"], "at most " + std::to_string(kMaxAgents) + " agents in all");
    }
    if (!root["streams"]) {
      r_.error(root, "missing 'streams': what arrives");
    } else if (r_.is_list(root["streams"], "streams")) {
      if (root["streams"].size() == 0) r_.error(root["streams"], "streams needs at least one");
      std::size_t k = 0;
      for (const YAML::Node& st : root["streams"]) stream(st, k++, s);
    }
  }

 private:
  YamlReader& r_;
};

}  // namespace

ScenarioLoad load_scenario(std::string_view yaml, const std::string& file) {
  ScenarioLoad result;
  const YAML::Node root = policy::parse_yaml(std::string(yaml), file, result.diagnostics);
  if (!result.diagnostics.empty()) return result;
  if (!root.IsMap()) {
    result.diagnostics.push_back(policy::Diagnostic{
        file, 1, 1, "a scenario is a YAML mapping (duration, agents, streams, ...)"});
    return result;
  }
  YamlReader reader(file);
  Scenario s;
  s.file = file;
  ScenarioReader(reader).root(root, s);
  result.diagnostics = std::move(reader.diagnostics());
  if (result.diagnostics.empty()) result.scenario = std::move(s);
  return result;
}

}  // namespace sb::sim
