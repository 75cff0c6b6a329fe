#include "bench/scenario.h"

#include <charconv>
#include <cstdio>
#include <utility>

namespace sb::bench {
namespace {

constexpr const char* kLanguages[] = {"en", "es", "fr", "de"};
constexpr const char* kSites[] = {"lisbon", "manila", "austin", "krakow"};
constexpr std::size_t kTeams = 40;
constexpr std::size_t kSkillsPerAgent = 5;

// prefix + decimal n (GCC 12 flags `"s" + std::to_string(n)` with a false -Wrestrict).
std::string numbered(std::string_view prefix, std::uint64_t n) {
  char digits[24];
  const int len = std::snprintf(digits, sizeof digits, "%llu", static_cast<unsigned long long>(n));
  std::string out(prefix);
  out.append(digits, static_cast<std::size_t>(len));
  return out;
}

std::string skill_name(std::size_t k) { return numbered("s", k); }

// Contact-centre-like skews: English dominates, German is rare.
std::size_t pick_language(Rng& rng, const double (&weights)[4]) {
  double r = rng.unit();
  for (std::size_t k = 0; k < 3; ++k) {
    if ((r -= weights[k]) < 0) return k;
  }
  return 3;
}

// `skills.S >= level`, and with `same_language` also `languages has
// interaction.attributes.language`.
Expr step_rule(const std::string& skill, double level, bool same_language) {
  Expr rule = expr::binary(ExprOp::Ge, expr::skill(skill), expr::literal(level));
  if (!same_language) return rule;
  return expr::all_of(std::move(rule), expr::binary(ExprOp::Has, expr::ref(RefKind::AgentLanguages),
                                                    expr::interaction_attribute("language")));
}

QueuePolicy intent_queue(std::size_t n) {
  const std::string skill = skill_name(n % kSkills);
  QueuePolicy q;
  q.name = numbered("q", n);
  q.match = expr::binary(ExprOp::Eq, expr::interaction_attribute("intent"),
                         expr::literal(numbered("i", n)));
  q.skills = {skill};
  // Experts who speak the customer's language first, then the competent, then (after 90 s)
  // anyone trained, in any language: the usual bullseye, the language being relaxed last
  // because that is what a real centre gives up last (interpreters, translated chat).
  q.steps.push_back(EscalationStep{std::chrono::seconds(0), step_rule(skill, 7, true), 0});
  q.steps.push_back(EscalationStep{std::chrono::seconds(30), step_rule(skill, 4, true), 1});
  q.steps.push_back(EscalationStep{std::chrono::seconds(90), step_rule(skill, 1, false), 2});
  q.affinity.enabled = true;
  q.affinity.window = std::chrono::hours(24 * 7);
  return q;
}

}  // namespace

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint64_t Rng::below(std::uint64_t n) {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
}

double Rng::unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

std::shared_ptr<const Policy> make_policy() {
  auto p = std::make_shared<Policy>();
  p->version = 1;
  for (std::size_t k = 0; k < kSkills; ++k) p->skills.push_back(skill_name(k));
  p->skills.push_back("deescalation");
  p->deescalation_skill = "deescalation";
  ChannelPolicy voice{"voice", 1, std::chrono::seconds(20), std::chrono::seconds(10), {"chat"}};
  ChannelPolicy chat{"chat", 3, std::chrono::seconds(20), std::chrono::seconds(5), {}};
  ChannelPolicy email{"email", 5, std::chrono::seconds(60), std::chrono::seconds(0), {}};
  p->channels = {voice, chat, email};
  for (std::size_t n = 0; n < kQueues; ++n) p->queues.push_back(intent_queue(n));
  QueuePolicy general;
  general.name = "general";
  general.priority = -1;  // specialists serve their intents before the catch-all
  general.steps.push_back(EscalationStep{});
  p->queues.push_back(std::move(general));
  return p;
}

std::string policy_yaml() {
  std::string y =
      "version: 1\n"
      "channels:\n"
      "  voice: {capacity: 1, offer_timeout: 20s, wrap_up: 10s, blocks: [chat]}\n"
      "  chat: {capacity: 3, offer_timeout: 20s, wrap_up: 5s}\n"
      "  email: {capacity: 5, offer_timeout: 60s, wrap_up: 0s}\n"
      "skills: [";
  for (std::size_t k = 0; k < kSkills; ++k) y += skill_name(k) + ", ";
  y += "deescalation]\nscoring: {deescalation_skill: deescalation}\nqueues:\n";
  for (std::size_t n = 0; n < kQueues; ++n) {
    const std::string skill = "skills." + skill_name(n % kSkills);
    const std::string language = " and languages has interaction.attributes.language";
    y += "  - name: " + numbered("q", n) + "\n";
    y += "    match: \"interaction.attributes.intent == '" + numbered("i", n) + "'\"\n";
    y += "    skills: [" + skill_name(n % kSkills) + "]\n";
    y += "    affinity: {enabled: true, window: 7d}\n";
    y += "    steps:\n";
    y += "      - {after: 0s, agents: \"" + skill + " >= 7" + language + "\"}\n";
    y += "      - {after: 30s, agents: \"" + skill + " >= 4" + language + "\", priority_bump: 1}\n";
    y += "      - {after: 90s, agents: \"" + skill + " >= 1\", priority_bump: 2}\n";
  }
  y += "  - name: general\n    priority: -1\n    steps:\n      - after: 0s\n";
  return y;
}

std::string agent_id(std::size_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "ag-%06zu", index);
  return buf;
}

std::int64_t agent_index(std::string_view id) {
  if (id.size() < 4 || id.substr(0, 3) != "ag-") return -1;
  std::int64_t n = -1;
  const auto [end, ec] = std::from_chars(id.data() + 3, id.data() + id.size(), n);
  return ec == std::errc{} && end == id.data() + id.size() ? n : -1;
}

Scenario::Scenario(std::size_t agents, std::uint64_t seed, std::string id_prefix)
    : agents_(agents), seed_(seed), id_prefix_(std::move(id_prefix)) {}

UpsertAgent Scenario::agent(std::size_t index) const {
  Rng rng(seed_ * 0x9E3779B97F4A7C15ull + index);
  UpsertAgent a;
  a.agent_id = agent_id(index);
  bool taken[kSkills] = {};
  while (a.skills.size() < kSkillsPerAgent) {
    const std::size_t k = rng.below(kSkills);
    if (taken[k]) continue;
    taken[k] = true;
    a.skills.emplace_back(skill_name(k), static_cast<int>(1 + rng.below(10)));
  }
  if (rng.chance(0.25)) a.skills.emplace_back("deescalation", static_cast<int>(1 + rng.below(10)));
  const std::size_t first = pick_language(rng, {0.5, 0.25, 0.15, 0.10});
  a.languages.push_back(kLanguages[first]);
  if (rng.chance(0.4)) a.languages.push_back(kLanguages[(first + 1 + rng.below(3)) % 4]);
  const double mix = rng.unit();
  if (mix < 0.70) {
    a.channels = {{"voice", 1}, {"chat", 3}};
  } else if (mix < 0.85) {
    a.channels = {{"voice", 1}, {"chat", 3}, {"email", 5}};
  } else {
    a.channels = {{"chat", 3}, {"email", 5}};  // the back office: no phone
  }
  a.attributes.emplace_back("team", numbered("team-", rng.below(kTeams)));
  a.attributes.emplace_back("site", std::string(kSites[rng.below(4)]));
  return a;
}

CreateInteraction Scenario::interaction(Rng& rng, bool surge) {
  return interaction_of(rng, surge, rng.below(customers()));
}

CreateInteraction Scenario::interaction_of(Rng& rng, bool surge, std::size_t customer) {
  CreateInteraction c;
  c.interaction_id = numbered(id_prefix_, next_id_++);
  char buf[32];
  std::snprintf(buf, sizeof buf, "cu-%07zu", customer);
  c.customer_id = buf;
  std::string intent;
  if (surge) {
    intent = numbered("i", rng.below(kHotIntents));
    c.channel = "voice";
  } else {
    // 5% of contacts have no recognised intent and land in the catch-all.
    intent = rng.chance(0.05) ? std::string("other") : numbered("i", rng.below(kQueues));
    const double r = rng.unit();
    c.channel = r < 0.5 ? "voice" : (r < 0.85 ? "chat" : "email");
  }
  const std::size_t language = pick_language(rng, {0.55, 0.25, 0.12, 0.08});
  const double tier = rng.unit();
  c.attributes.emplace_back("intent", std::move(intent));
  c.attributes.emplace_back("language", std::string(kLanguages[language]));
  c.attributes.emplace_back("tier",
                            std::string(tier < 0.1 ? "gold" : (tier < 0.4 ? "silver" : "bronze")));
  // A quarter of customers arrive upset; the rest from mildly annoyed to pleased.
  c.sentiment = rng.chance(0.25) ? -1.0 + 0.8 * rng.unit() : -0.2 + 0.8 * rng.unit();
  c.priority = rng.chance(0.1) ? static_cast<double>(1 + rng.below(5)) : 0.0;
  return c;
}

}  // namespace sb::bench
