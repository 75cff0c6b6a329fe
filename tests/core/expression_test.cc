#include <doctest/doctest.h>

#include "engine/core/linked_expr.h"

using namespace sb;
using namespace sb::core;

namespace {

struct Fixture {
  SymbolTable symbols;
  Agent agent;
  Interaction it;
  Fixture() {
    symbols.intern("human");
    symbols.intern("bot");
    agent.id_sym = symbols.intern("a1");
    agent.skills = {SkillLevel{symbols.intern("billing"), 8}};
    agent.languages = {symbols.intern("en"), symbols.intern("es")};
    set_attr(agent.attributes, symbols.intern("team"), AttrValue::of(std::string("emea"), symbols));
    set_attr(agent.attributes, symbols.intern("tier"), AttrValue::of(2.0, symbols));
    it.channel = symbols.intern("chat");
    it.sentiment = -0.6;
    it.priority = 3;
    set_attr(it.attributes, symbols.intern("language"), AttrValue::of(std::string("es"), symbols));
    set_attr(it.attributes, symbols.intern("vip"), AttrValue::of(true, symbols));
  }
  bool eval(const Expr& e) {
    LinkedExpr l = link_expr(e, symbols);
    EvalContext ctx;
    ctx.agent = &agent;
    ctx.interaction = &it;
    return evaluate(l, ctx);
  }
};

Expr lit(double v) { return expr::literal(v); }
Expr lit(const char* s) { return expr::literal(std::string(s)); }

}  // namespace

TEST_CASE("comparisons read skills, attributes and interaction fields") {
  Fixture f;
  CHECK(f.eval(expr::binary(ExprOp::Ge, expr::skill("billing"), lit(7))));
  CHECK_FALSE(f.eval(expr::binary(ExprOp::Gt, expr::skill("billing"), lit(8))));
  CHECK(f.eval(expr::binary(ExprOp::Le, expr::skill("billing"), lit(8))));
  CHECK(f.eval(expr::binary(ExprOp::Lt, expr::skill("tech"), lit(1))));  // missing skill is 0
  CHECK(f.eval(expr::binary(ExprOp::Eq, expr::attribute("team"), lit("emea"))));
  CHECK(f.eval(expr::binary(ExprOp::Ne, expr::attribute("team"), lit("apac"))));
  CHECK(f.eval(expr::binary(ExprOp::Eq, expr::attribute("tier"), lit(2))));
  CHECK(f.eval(expr::binary(ExprOp::Lt, expr::ref(RefKind::InteractionSentiment), lit(-0.5))));
  CHECK(f.eval(expr::binary(ExprOp::Eq, expr::ref(RefKind::InteractionChannel), lit("chat"))));
  CHECK(f.eval(expr::binary(ExprOp::Eq, expr::ref(RefKind::AgentKind), lit("human"))));
  CHECK(f.eval(expr::binary(ExprOp::Eq, expr::ref(RefKind::AgentId), lit("a1"))));
  CHECK(f.eval(expr::binary(ExprOp::Eq, expr::interaction_attribute("vip"), expr::literal(true))));
}

TEST_CASE("missing values and mismatched types compare false, never throw") {
  Fixture f;
  CHECK_FALSE(f.eval(expr::binary(ExprOp::Eq, expr::attribute("site"), lit("x"))));
  CHECK(f.eval(expr::binary(ExprOp::Eq, expr::attribute("site"), expr::literal(std::monostate{}))));
  CHECK_FALSE(f.eval(expr::binary(ExprOp::Gt, expr::attribute("team"), lit(1))));
  CHECK_FALSE(f.eval(expr::binary(ExprOp::Eq, expr::attribute("tier"), lit("2"))));
}

TEST_CASE("has, in, not, and, or") {
  Fixture f;
  CHECK(f.eval(expr::binary(ExprOp::Has, expr::ref(RefKind::AgentLanguages),
                            expr::interaction_attribute("language"))));
  CHECK_FALSE(f.eval(expr::binary(ExprOp::Has, expr::ref(RefKind::AgentLanguages), lit("fr"))));
  LiteralList teams = {std::string("emea"), std::string("amer")};
  CHECK(f.eval(expr::binary(ExprOp::In, expr::attribute("team"), expr::literal(teams))));
  LiteralList other = {std::string("apac")};
  CHECK_FALSE(f.eval(expr::binary(ExprOp::In, expr::attribute("team"), expr::literal(other))));
  CHECK(f.eval(
      expr::negate(expr::binary(ExprOp::In, expr::attribute("team"), expr::literal(other)))));
  const Expr yes = expr::binary(ExprOp::Ge, expr::skill("billing"), lit(7));
  const Expr no = expr::binary(ExprOp::Ge, expr::skill("billing"), lit(9));
  CHECK(f.eval(expr::any_of(no, yes)));
  CHECK_FALSE(f.eval(expr::all_of(no, yes)));
  CHECK(f.eval(expr::all_of(yes, yes)));
  CHECK(f.eval(Expr{}));  // empty is true
}

TEST_CASE("split_agent_only separates what depends on the agent alone") {
  const Expr skill = expr::binary(ExprOp::Ge, expr::skill("billing"), expr::literal(7.0));
  const Expr team =
      expr::binary(ExprOp::Eq, expr::attribute("team"), expr::literal(std::string("emea")));
  const Expr lang = expr::binary(ExprOp::Has, expr::ref(RefKind::AgentLanguages),
                                 expr::interaction_attribute("language"));
  Expr agent_only, rest;
  split_agent_only(expr::all_of(expr::all_of(skill, lang), team), agent_only, rest);
  CHECK(reads_only_agent(agent_only));
  CHECK_FALSE(rest.empty());
  CHECK_FALSE(reads_only_agent(rest));
  // An `or` mixing agent and interaction stays whole on the per-interaction side.
  split_agent_only(expr::any_of(skill, lang), agent_only, rest);
  CHECK(agent_only.empty());
  CHECK_FALSE(rest.empty());

  Fixture f;
  Expr a, r;
  split_agent_only(expr::all_of(expr::all_of(skill, lang), team), a, r);
  CHECK(f.eval(a));
  CHECK(f.eval(r));
}
