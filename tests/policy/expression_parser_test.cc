#include <doctest/doctest.h>

#include "engine/core/linked_expr.h"
#include "engine/policy/did_you_mean.h"
#include "engine/policy/durations.h"
#include "engine/policy/expression_parser.h"

using namespace sb;
using namespace sb::policy;
using namespace std::chrono_literals;

namespace {

const ExpressionScope kStep{RuleKind::AgentEligibility, {"billing", "tech", "deescalation"}};
const ExpressionScope kMatch{RuleKind::QueueMatch, {"billing", "tech"}};

Expr parse_ok(std::string_view text, const ExpressionScope& scope = kStep) {
  auto result = parse_expression(text, scope);
  if (auto* error = std::get_if<ExpressionError>(&result)) {
    FAIL("'" << text << "' at " << error->offset << ": " << error->message);
  }
  return std::get<Expr>(result);
}

ExpressionError parse_bad(std::string_view text, const ExpressionScope& scope = kStep) {
  auto result = parse_expression(text, scope);
  REQUIRE_MESSAGE(std::holds_alternative<ExpressionError>(result), "'" << text << "' parsed");
  return std::get<ExpressionError>(result);
}

// Evaluates a parsed rule with the core's evaluator against one agent and one interaction.
struct World {
  SymbolTable symbols;
  core::Agent agent;
  core::Interaction it;
  World() {
    symbols.intern("human");
    symbols.intern("bot");
    agent.id_sym = symbols.intern("a1");
    agent.skills = {core::SkillLevel{symbols.intern("billing"), 8}};
    agent.languages = {symbols.intern("en"), symbols.intern("es")};
    core::set_attr(agent.attributes, symbols.intern("team"),
                   core::AttrValue::of(std::string("emea"), symbols));
    it.channel = symbols.intern("chat");
    it.sentiment = -0.7;
    core::set_attr(it.attributes, symbols.intern("language"),
                   core::AttrValue::of(std::string("es"), symbols));
    core::set_attr(it.attributes, symbols.intern("intent"),
                   core::AttrValue::of(std::string("billing"), symbols));
    core::set_attr(it.attributes, symbols.intern("vip"), core::AttrValue::of(true, symbols));
  }
  bool eval(std::string_view text) {
    core::LinkedExpr linked = core::link_expr(parse_ok(text), symbols);
    core::EvalContext ctx;
    ctx.agent = &agent;
    ctx.interaction = &it;
    return core::evaluate(linked, ctx);
  }
};

}  // namespace

TEST_CASE("the rules admins write mean what they say") {
  World w;
  CHECK(w.eval("skills.billing >= 7 and languages has interaction.attributes.language"));
  CHECK_FALSE(w.eval("skills.billing >= 9"));
  CHECK(w.eval("skills.tech == 0"));
  CHECK(w.eval("attributes.team in ['emea', 'amer']"));
  CHECK(w.eval("attributes.team in [\"emea\"]"));
  CHECK_FALSE(w.eval("attributes.team in ['apac']"));
  CHECK(w.eval("not (attributes.team == 'apac')"));
  CHECK(w.eval("interaction.sentiment < -0.5 and interaction.channel != 'voice'"));
  CHECK(w.eval("interaction.attributes.vip == true"));
  CHECK(w.eval("interaction.attributes.vip"));
  CHECK(w.eval("kind == 'human' and id == 'a1'"));
  CHECK(w.eval("interaction.attributes.missing == null"));
}

TEST_CASE("precedence: not binds tighter than and, and tighter than or") {
  World w;
  CHECK(w.eval("skills.billing > 100 or skills.billing > 1 and skills.tech == 0"));
  CHECK_FALSE(w.eval("(skills.billing > 100 or skills.billing > 1) and skills.tech == 1"));
  CHECK(w.eval("not skills.billing > 100 and true"));
  CHECK_FALSE(w.eval("not (skills.billing > 1 and true)"));
}

TEST_CASE("errors say where and why") {
  auto e = parse_bad("skills.biling >= 7");
  CHECK(e.offset == 7);
  CHECK(e.message.find("unknown skill 'biling'") != std::string::npos);
  CHECK(e.message.find("did you mean 'billing'") != std::string::npos);

  e = parse_bad("skills.billing >= 'seven'");
  CHECK(e.offset == 18);
  CHECK(e.message.find("compares numbers") != std::string::npos);

  e = parse_bad("interaction.chanel == 'voice'");
  CHECK(e.message.find("did you mean 'interaction.channel'") != std::string::npos);

  e = parse_bad("skills.billing = 7");
  CHECK(e.offset == 15);
  CHECK(e.message.find("write == or !=") != std::string::npos);

  CHECK(parse_bad("(skills.billing > 1").message.find("expected ')'") != std::string::npos);
  CHECK(parse_bad("skills.billing >").message.find("ends too soon") != std::string::npos);
  CHECK(parse_bad("").message == "empty rule");
  CHECK(parse_bad("'abc").message == "unterminated string");
  CHECK(parse_bad("skills.billing").message.find("must be true or false") != std::string::npos);
  CHECK(parse_bad("interaction.channel == 3").message.find("cannot compare") != std::string::npos);
  CHECK(parse_bad("languages in ['en']").message.find("one value") != std::string::npos);
  CHECK(parse_bad("'en' has languages").message.find("must be a list") != std::string::npos);
  CHECK(parse_bad("[1, 2").message.find("expected ','") != std::string::npos);
  CHECK(parse_bad("skills.billing > 1 skills.tech").message.find("unexpected") !=
        std::string::npos);
  CHECK(parse_bad("customer.contacts_7x > 1").message.find("window") != std::string::npos);
  CHECK(parse_bad("a @ b").message.find("unexpected character") != std::string::npos);
}

TEST_CASE("a queue's match rule cannot read an agent") {
  parse_ok("interaction.attributes.intent == 'billing' and customer.contacts_7d >= 2", kMatch);
  auto e = parse_bad("interaction.attributes.intent == 'billing' and skills.billing > 5", kMatch);
  CHECK(e.offset == 47);
  CHECK(e.message.find("reads an agent") != std::string::npos);
}

TEST_CASE("durations and ratios") {
  CHECK(parse_duration("20s") == Duration{20s});
  CHECK(parse_duration("2m") == Duration{2min});
  CHECK(parse_duration("1h") == Duration{1h});
  CHECK(parse_duration("1d") == Duration{24h});
  CHECK(parse_duration("500ms") == Duration{500ms});
  CHECK(parse_duration("1.5s") == Duration{1500ms});
  CHECK_FALSE(parse_duration("20").has_value());
  CHECK_FALSE(parse_duration("s").has_value());
  CHECK_FALSE(parse_duration("-5s").has_value());
  CHECK_FALSE(parse_duration("5 s").has_value());
  CHECK(parse_ratio("0.8") == 0.8);
  CHECK(parse_ratio("80%") == doctest::Approx(0.8));
  CHECK_FALSE(parse_ratio("180%").has_value());
  CHECK_FALSE(parse_ratio("x").has_value());
}

TEST_CASE("did you mean") {
  CHECK(closest("biling", {"billing", "tech"}) == "billing");
  CHECK(closest("zzzzzz", {"billing", "tech"}).empty());
  CHECK(did_you_mean("tehc", {"billing", "tech"}) == " (did you mean 'tech'?)");
}

TEST_CASE("rules are bounded: length, nesting and chain depth") {
  CHECK(parse_bad(std::string(5000, ' ') + "true").message.find("at most 4096") !=
        std::string::npos);
  CHECK(parse_bad(std::string(100, '(') + "true" + std::string(100, ')'))
            .message.find("nests too deeply") != std::string::npos);
  std::string nots;
  for (int k = 0; k < 100; ++k) nots += "not ";
  CHECK(parse_bad(nots + "true").message.find("nests too deeply") != std::string::npos);
  std::string chain = "true";
  for (int k = 0; k < 100; ++k) chain += " and true";
  CHECK(parse_bad(chain).message.find("nests too deeply") != std::string::npos);
  std::string fine = "true";
  for (int k = 0; k < 30; ++k) fine += " and true";
  parse_ok(fine);
}
