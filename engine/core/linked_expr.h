// Routing expressions linked to the core's symbols, and their evaluation against one agent, one
// interaction and the customer's journey. Evaluation allocates nothing. Core-thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/attr_value.h"
#include "engine/core/journey_store.h"
#include "engine/core/records.h"
#include "switchboard/expression.h"

namespace sb::core {

struct LinkedNode {
  ExprOp op = ExprOp::Literal;
  RefKind ref = RefKind::AgentId;
  Symbol name = kNoSymbol;
  Duration window{0};
  AttrValue literal;
  bool is_list = false;
  std::uint32_t list_begin = 0;
  std::uint32_t list_end = 0;
  std::int32_t lhs = -1;
  std::int32_t rhs = -1;
};

struct LinkedExpr {
  std::vector<LinkedNode> nodes;
  std::vector<AttrValue> list_items;
  std::int32_t root = -1;
  bool empty() const { return root < 0; }
};

// Everything an expression may read. `agent` may be null for queue match rules.
struct EvalContext {
  const Agent* agent = nullptr;
  const Interaction* interaction = nullptr;
  const Customer* customer = nullptr;
  const AgentTable* agents = nullptr;  // to name the customer's last agent
  Timestamp now;
};

LinkedExpr link_expr(const Expr& expr, SymbolTable& symbols);
bool evaluate(const LinkedExpr& expr, const EvalContext& ctx);

// Splits `expr` at its top-level `and`s into the conjuncts that read only the agent (their
// result is fixed per agent, so the core indexes it) and the rest (checked per interaction).
void split_agent_only(const Expr& expr, Expr& agent_only, Expr& rest);
bool reads_only_agent(const Expr& expr);
// The top-level conjuncts of `expr` (itself if it is no `and`), each as its own expression.
std::vector<Expr> conjuncts(const Expr& expr);
// KEY if `expr` is `languages has interaction.attributes.KEY`.
std::optional<std::string> language_has_key(const Expr& expr);
// A canonical text of `expr`: equal texts mean equal rules.
std::string canonical_text(const Expr& expr);

}  // namespace sb::core
