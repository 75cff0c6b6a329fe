// The compiled form of routing expressions (queue match rules and step eligibility), in the
// spirit of Twilio TaskRouter: comparisons, `in`, `has`, `not`, `and`, `or` over references to
// the agent, the interaction and the customer's journey. The YAML policy compiler emits this; the
// core links it to its symbols and evaluates it. Plain data, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "switchboard/time.h"
#include "switchboard/types.h"

namespace sb {

enum class ExprOp : std::uint8_t { Literal, Ref, Eq, Ne, Lt, Le, Gt, Ge, In, Has, Not, And, Or };

// What a Ref node reads. Agent refs read the candidate agent; Interaction and Customer refs read
// the interaction being routed and its customer's journey.
enum class RefKind : std::uint8_t {
  AgentSkill,            // skills.NAME: proficiency 0..10, 0 when the agent lacks the skill
  AgentLanguages,        // languages: list of strings
  AgentAttribute,        // attributes.NAME
  AgentKind,             // kind: "human" | "bot"
  AgentId,               // id
  InteractionChannel,    // interaction.channel
  InteractionAttribute,  // interaction.attributes.NAME
  InteractionSentiment,  // interaction.sentiment
  InteractionPriority,   // interaction.priority
  CustomerContacts,      // customer.contacts_<window>: contacts in the journey within window
  CustomerLastChannel,   // customer.last_channel: channel of the previous contact, or null
  CustomerLastAgent,     // customer.last_agent: agent of the previous contact, or null
  CustomerLastIntent,    // customer.last_intent: intent attribute of the previous contact
};

constexpr bool is_agent_ref(RefKind k) { return k <= RefKind::AgentId; }

using LiteralList = std::vector<AttributeValue>;
// monostate is the null literal.
using Literal = std::variant<std::monostate, bool, double, std::string, LiteralList>;

struct ExprNode {
  ExprOp op = ExprOp::Literal;
  RefKind ref = RefKind::AgentId;  // for Ref
  std::string name;                // for Ref: the skill or attribute name
  Duration window{0};              // for CustomerContacts
  Literal literal;                 // for Literal
  std::int32_t lhs = -1;           // child indices into Expr::nodes (-1: none)
  std::int32_t rhs = -1;
};

// A tree stored as a flat vector; `root` -1 means the empty expression, which is true.
struct Expr {
  std::vector<ExprNode> nodes;
  std::int32_t root = -1;

  bool empty() const { return root < 0; }
};

// Builders, used by the policy compiler and by tests that write policies in C++.
namespace expr {
Expr literal(Literal value);
Expr ref(RefKind kind, std::string name = {});
Expr skill(std::string name);
Expr attribute(std::string name);              // agent attribute
Expr interaction_attribute(std::string name);  // interaction attribute
Expr customer_contacts(Duration window);
Expr binary(ExprOp op, Expr lhs, Expr rhs);
Expr negate(Expr operand);
Expr all_of(Expr a, Expr b);
Expr any_of(Expr a, Expr b);
}  // namespace expr

}  // namespace sb
