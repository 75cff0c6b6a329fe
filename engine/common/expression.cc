#include "switchboard/expression.h"

#include <utility>

namespace sb::expr {
namespace {

// Appends `from`'s nodes to `into`, shifting child indices; returns the moved root index.
std::int32_t splice(Expr& into, Expr from) {
  const auto offset = static_cast<std::int32_t>(into.nodes.size());
  for (ExprNode& node : from.nodes) {
    if (node.lhs >= 0) node.lhs += offset;
    if (node.rhs >= 0) node.rhs += offset;
    into.nodes.push_back(std::move(node));
  }
  return from.root < 0 ? -1 : from.root + offset;
}

Expr single(ExprNode node) {
  Expr e;
  e.nodes.push_back(std::move(node));
  e.root = 0;
  return e;
}

}  // namespace

Expr literal(Literal value) {
  ExprNode n;
  n.op = ExprOp::Literal;
  n.literal = std::move(value);
  return single(std::move(n));
}

Expr ref(RefKind kind, std::string name) {
  ExprNode n;
  n.op = ExprOp::Ref;
  n.ref = kind;
  n.name = std::move(name);
  return single(std::move(n));
}

Expr skill(std::string name) { return ref(RefKind::AgentSkill, std::move(name)); }
Expr attribute(std::string name) { return ref(RefKind::AgentAttribute, std::move(name)); }
Expr interaction_attribute(std::string name) {
  return ref(RefKind::InteractionAttribute, std::move(name));
}

Expr customer_contacts(Duration window) {
  Expr e = ref(RefKind::CustomerContacts);
  e.nodes[0].window = window;
  return e;
}

Expr binary(ExprOp op, Expr lhs, Expr rhs) {
  Expr e;
  ExprNode n;
  n.op = op;
  n.lhs = splice(e, std::move(lhs));
  n.rhs = splice(e, std::move(rhs));
  e.nodes.push_back(std::move(n));
  e.root = static_cast<std::int32_t>(e.nodes.size()) - 1;
  return e;
}

Expr negate(Expr operand) {
  Expr e;
  ExprNode n;
  n.op = ExprOp::Not;
  n.lhs = splice(e, std::move(operand));
  e.nodes.push_back(std::move(n));
  e.root = static_cast<std::int32_t>(e.nodes.size()) - 1;
  return e;
}

Expr all_of(Expr a, Expr b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return binary(ExprOp::And, std::move(a), std::move(b));
}

Expr any_of(Expr a, Expr b) {
  if (a.empty() || b.empty()) return Expr{};  // true or x is true
  return binary(ExprOp::Or, std::move(a), std::move(b));
}

}  // namespace sb::expr
