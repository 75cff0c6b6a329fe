// libFuzzer target: any bytes as a routing expression, in both scopes. The parser must never
// crash or hang; what it accepts must link and evaluate in the core without trouble.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/core/linked_expr.h"
#include "engine/policy/expression_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto kind : {sb::policy::RuleKind::QueueMatch, sb::policy::RuleKind::AgentEligibility}) {
    auto parsed = sb::policy::parse_expression(text, {kind, {"billing", "tech"}});
    if (auto* e = std::get_if<sb::Expr>(&parsed)) {
      sb::SymbolTable symbols;
      symbols.intern("human");
      symbols.intern("bot");
      sb::core::LinkedExpr linked = sb::core::link_expr(*e, symbols);
      sb::core::Agent agent;
      sb::core::Interaction interaction;
      sb::core::EvalContext ctx;
      ctx.agent = &agent;
      ctx.interaction = &interaction;
      (void)sb::core::evaluate(linked, ctx);
    }
  }
  return 0;
}
