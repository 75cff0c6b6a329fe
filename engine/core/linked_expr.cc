#include "engine/core/linked_expr.h"

#include <utility>

#include "engine/common/assert.h"

namespace sb::core {
namespace {

// An evaluated value. Lists point into the expression (literal lists) or the agent (languages).
struct Val {
  enum class K : std::uint8_t { Null, Bool, Number, String, SymList, AttrList };
  K k = K::Null;
  bool b = false;
  double n = 0;
  Symbol s = kNoSymbol;
  const Symbol* syms_begin = nullptr;
  const Symbol* syms_end = nullptr;
  const AttrValue* attrs_begin = nullptr;
  const AttrValue* attrs_end = nullptr;
};

Val of_attr(const AttrValue& a) {
  Val v;
  switch (a.kind) {
    case AttrValue::Kind::Null:
      break;
    case AttrValue::Kind::Bool:
      v.k = Val::K::Bool;
      v.b = a.boolean;
      break;
    case AttrValue::Kind::Number:
      v.k = Val::K::Number;
      v.n = a.number();
      break;
    case AttrValue::Kind::String:
      v.k = Val::K::String;
      v.s = a.sym;
      break;
  }
  return v;
}

Val of_symbol(Symbol s) {
  Val v;
  if (s != kNoSymbol) {
    v.k = Val::K::String;
    v.s = s;
  }
  return v;
}

Val of_number(double n) {
  Val v;
  v.k = Val::K::Number;
  v.n = n;
  return v;
}

bool scalar_equal(const Val& a, const Val& b) {
  if (a.k != b.k) return false;
  switch (a.k) {
    case Val::K::Null:
      return true;
    case Val::K::Bool:
      return a.b == b.b;
    case Val::K::Number:
      return a.n == b.n;
    case Val::K::String:
      return a.s == b.s;
    default:
      return false;
  }
}

bool list_contains(const Val& list, const Val& item) {
  switch (list.k) {
    case Val::K::SymList:
      if (item.k != Val::K::String) return false;
      for (const Symbol* p = list.syms_begin; p != list.syms_end; ++p) {
        if (*p == item.s) return true;
      }
      return false;
    case Val::K::AttrList:
      for (const AttrValue* p = list.attrs_begin; p != list.attrs_end; ++p) {
        if (scalar_equal(of_attr(*p), item)) return true;
      }
      return false;
    default:
      return scalar_equal(list, item);  // a scalar acts as a one-element list
  }
}

const Contact* previous_contact(const EvalContext& ctx) {
  if (ctx.customer == nullptr) return nullptr;
  const std::uint64_t own = ctx.interaction != nullptr ? ctx.interaction->journey_seq : 0;
  for (auto it = ctx.customer->contacts.rbegin(); it != ctx.customer->contacts.rend(); ++it) {
    if (it->seq != own) return &*it;
  }
  return nullptr;
}

Val read_ref(const LinkedNode& node, const EvalContext& ctx) {
  const Agent* a = ctx.agent;
  const Interaction* i = ctx.interaction;
  switch (node.ref) {
    case RefKind::AgentSkill:
      return a ? of_number(a->skill_level(node.name)) : Val{};
    case RefKind::AgentLanguages: {
      if (!a) return {};
      Val v;
      v.k = Val::K::SymList;
      v.syms_begin = a->languages.data();
      v.syms_end = a->languages.data() + a->languages.size();
      return v;
    }
    case RefKind::AgentAttribute: {
      if (!a) return {};
      const AttrValue* attr = find_attr(a->attributes, node.name);
      return attr ? of_attr(*attr) : Val{};
    }
    case RefKind::AgentKind:
      return a ? of_symbol(a->kind == AgentKind::Bot ? kSymBot : kSymHuman) : Val{};
    case RefKind::AgentId:
      return a ? of_symbol(a->id_sym) : Val{};
    case RefKind::InteractionChannel:
      return i ? of_symbol(i->channel) : Val{};
    case RefKind::InteractionAttribute: {
      if (!i) return {};
      const AttrValue* attr = find_attr(i->attributes, node.name);
      return attr ? of_attr(*attr) : Val{};
    }
    case RefKind::InteractionSentiment:
      return i ? of_number(i->sentiment) : Val{};
    case RefKind::InteractionPriority:
      return i ? of_number(i->priority) : Val{};
    case RefKind::CustomerContacts: {
      if (ctx.customer == nullptr) return of_number(0);
      const Timestamp cutoff = ctx.now - node.window;
      const std::uint64_t own = i ? i->journey_seq : 0;
      double n = 0;
      for (const Contact& c : ctx.customer->contacts) {
        if (c.seq != own && c.created_at >= cutoff) n += 1;
      }
      return of_number(n);
    }
    case RefKind::CustomerLastChannel: {
      const Contact* c = previous_contact(ctx);
      return c ? of_symbol(c->channel) : Val{};
    }
    case RefKind::CustomerLastAgent: {
      const Contact* c = previous_contact(ctx);
      if (!c || c->agent == kNone || ctx.agents == nullptr) return {};
      return of_symbol((*ctx.agents)[c->agent].id_sym);
    }
    case RefKind::CustomerLastIntent: {
      const Contact* c = previous_contact(ctx);
      return c ? of_symbol(c->intent) : Val{};
    }
  }
  return {};
}

bool truthy(const Val& v) {
  switch (v.k) {
    case Val::K::Bool:
      return v.b;
    case Val::K::Number:
      return v.n != 0;
    case Val::K::String:
      return true;
    case Val::K::SymList:
      return v.syms_begin != v.syms_end;
    case Val::K::AttrList:
      return v.attrs_begin != v.attrs_end;
    case Val::K::Null:
      return false;
  }
  return false;
}

Val of_bool(bool b) {
  Val v;
  v.k = Val::K::Bool;
  v.b = b;
  return v;
}

Val eval(const LinkedExpr& e, std::int32_t index, const EvalContext& ctx) {
  const LinkedNode& node = e.nodes[static_cast<std::size_t>(index)];
  switch (node.op) {
    case ExprOp::Literal: {
      if (!node.is_list) return of_attr(node.literal);
      Val v;
      v.k = Val::K::AttrList;
      v.attrs_begin = e.list_items.data() + node.list_begin;
      v.attrs_end = e.list_items.data() + node.list_end;
      return v;
    }
    case ExprOp::Ref:
      return read_ref(node, ctx);
    case ExprOp::Not:
      return of_bool(!truthy(eval(e, node.lhs, ctx)));
    case ExprOp::And:
      return of_bool(truthy(eval(e, node.lhs, ctx)) && truthy(eval(e, node.rhs, ctx)));
    case ExprOp::Or:
      return of_bool(truthy(eval(e, node.lhs, ctx)) || truthy(eval(e, node.rhs, ctx)));
    default:
      break;
  }
  const Val l = eval(e, node.lhs, ctx);
  const Val r = eval(e, node.rhs, ctx);
  const bool numbers = l.k == Val::K::Number && r.k == Val::K::Number;
  switch (node.op) {
    case ExprOp::Eq:
      return of_bool(scalar_equal(l, r));
    case ExprOp::Ne:
      return of_bool(!scalar_equal(l, r));
    case ExprOp::Lt:
      return of_bool(numbers && l.n < r.n);
    case ExprOp::Le:
      return of_bool(numbers && l.n <= r.n);
    case ExprOp::Gt:
      return of_bool(numbers && l.n > r.n);
    case ExprOp::Ge:
      return of_bool(numbers && l.n >= r.n);
    case ExprOp::In:
      return of_bool(list_contains(r, l));
    case ExprOp::Has:
      return of_bool(list_contains(l, r));
    default:
      break;
  }
  SB_CHECK(false && "unknown expression op");
  return {};
}

bool reads_only_agent_at(const Expr& e, std::int32_t index) {
  if (index < 0) return true;
  const ExprNode& n = e.nodes[static_cast<std::size_t>(index)];
  if (n.op == ExprOp::Ref) return is_agent_ref(n.ref);
  return reads_only_agent_at(e, n.lhs) && reads_only_agent_at(e, n.rhs);
}

// Copies the subtree at `index` of `from` into a new expression.
std::int32_t copy_subtree(const Expr& from, std::int32_t index, Expr& into) {
  if (index < 0) return -1;
  ExprNode n = from.nodes[static_cast<std::size_t>(index)];
  n.lhs = copy_subtree(from, n.lhs, into);
  n.rhs = copy_subtree(from, n.rhs, into);
  into.nodes.push_back(std::move(n));
  return static_cast<std::int32_t>(into.nodes.size()) - 1;
}

void collect_conjuncts(const Expr& e, std::int32_t index, std::vector<std::int32_t>& out) {
  const ExprNode& n = e.nodes[static_cast<std::size_t>(index)];
  if (n.op == ExprOp::And) {
    collect_conjuncts(e, n.lhs, out);
    collect_conjuncts(e, n.rhs, out);
  } else {
    out.push_back(index);
  }
}

Expr subtree(const Expr& from, std::int32_t index) {
  Expr out;
  out.root = copy_subtree(from, index, out);
  return out;
}

void write_canonical(const Expr& e, std::int32_t index, std::string& out) {
  if (index < 0) {
    out += "true";
    return;
  }
  const ExprNode& n = e.nodes[static_cast<std::size_t>(index)];
  out += '(';
  out += std::to_string(static_cast<int>(n.op));
  if (n.op == ExprOp::Ref) {
    out += ' ' + std::to_string(static_cast<int>(n.ref)) + ' ' + n.name + ' ' +
           std::to_string(n.window.count());
  } else if (n.op == ExprOp::Literal) {
    std::visit(
        [&out](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            out += " null";
          } else if constexpr (std::is_same_v<T, LiteralList>) {
            out += " [";
            for (const AttributeValue& item : v) {
              std::visit(
                  [&out](const auto& x) {
                    if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string>) {
                      out += " s" + std::to_string(x.size()) + ':' + x;
                    } else {
                      out += " n" + std::to_string(static_cast<double>(x));
                    }
                  },
                  item);
            }
            out += ']';
          } else if constexpr (std::is_same_v<T, std::string>) {
            out += " s" + std::to_string(v.size()) + ':' + v;
          } else {
            out += " n" + std::to_string(static_cast<double>(v));
          }
        },
        n.literal);
  } else {
    out += ' ';
    write_canonical(e, n.lhs, out);
    if (n.rhs >= 0) write_canonical(e, n.rhs, out);
  }
  out += ')';
}

}  // namespace

std::vector<Expr> conjuncts(const Expr& expr) {
  std::vector<Expr> out;
  if (expr.empty()) return out;
  std::vector<std::int32_t> roots;
  collect_conjuncts(expr, expr.root, roots);
  for (std::int32_t r : roots) out.push_back(subtree(expr, r));
  return out;
}

std::optional<std::string> language_has_key(const Expr& expr) {
  if (expr.empty()) return std::nullopt;
  const ExprNode& n = expr.nodes[static_cast<std::size_t>(expr.root)];
  if (n.op != ExprOp::Has) return std::nullopt;
  const ExprNode& list = expr.nodes[static_cast<std::size_t>(n.lhs)];
  const ExprNode& item = expr.nodes[static_cast<std::size_t>(n.rhs)];
  if (list.op != ExprOp::Ref || list.ref != RefKind::AgentLanguages) return std::nullopt;
  if (item.op != ExprOp::Ref || item.ref != RefKind::InteractionAttribute) return std::nullopt;
  return item.name;
}

std::string canonical_text(const Expr& expr) {
  std::string out;
  write_canonical(expr, expr.root, out);
  return out;
}

LinkedExpr link_expr(const Expr& expr, SymbolTable& symbols) {
  LinkedExpr out;
  out.root = expr.root;
  out.nodes.reserve(expr.nodes.size());
  for (const ExprNode& n : expr.nodes) {
    LinkedNode l;
    l.op = n.op;
    l.ref = n.ref;
    l.window = n.window;
    l.lhs = n.lhs;
    l.rhs = n.rhs;
    if (n.op == ExprOp::Ref && !n.name.empty()) l.name = symbols.intern(n.name);
    if (n.op == ExprOp::Literal) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
              l.literal = AttrValue{};
            } else if constexpr (std::is_same_v<T, LiteralList>) {
              l.is_list = true;
              l.list_begin = static_cast<std::uint32_t>(out.list_items.size());
              for (const AttributeValue& item : v) {
                out.list_items.push_back(AttrValue::of(item, symbols));
              }
              l.list_end = static_cast<std::uint32_t>(out.list_items.size());
            } else {
              l.literal = AttrValue::of(AttributeValue(v), symbols);
            }
          },
          n.literal);
    }
    out.nodes.push_back(l);
  }
  return out;
}

bool evaluate(const LinkedExpr& expr, const EvalContext& ctx) {
  if (expr.empty()) return true;
  return truthy(eval(expr, expr.root, ctx));
}

bool reads_only_agent(const Expr& expr) { return reads_only_agent_at(expr, expr.root); }

void split_agent_only(const Expr& expr, Expr& agent_only, Expr& rest) {
  agent_only = Expr{};
  rest = Expr{};
  if (expr.empty()) return;
  std::vector<std::int32_t> conjuncts;
  collect_conjuncts(expr, expr.root, conjuncts);
  for (std::int32_t c : conjuncts) {
    Expr part = subtree(expr, c);
    if (reads_only_agent_at(expr, c)) {
      agent_only = expr::all_of(std::move(agent_only), std::move(part));
    } else {
      rest = expr::all_of(std::move(rest), std::move(part));
    }
  }
}

}  // namespace sb::core
