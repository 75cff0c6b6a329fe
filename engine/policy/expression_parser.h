// The routing expression language of policies, in the spirit of Twilio TaskRouter:
//   skills.billing >= 7 and languages has interaction.attributes.language
// Parses and type-checks a rule into the compiled form the core evaluates
// (switchboard/expression.h). Errors carry the offset in the text, so the policy loader can report
// FILE:LINE:COLUMN. Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "switchboard/expression.h"

namespace sb::policy {

// A queue's match rule sees the interaction and its customer; a step's rule also the agent.
enum class RuleKind { QueueMatch, AgentEligibility };

struct ExpressionScope {
  RuleKind kind = RuleKind::AgentEligibility;
  std::vector<std::string> skills;  // declared skills: `skills.X` must name one
};

struct ExpressionError {
  std::size_t offset = 0;  // where in the text, 0-based
  std::string message;
};

// The rule as a boolean expression, or the first error.
std::variant<Expr, ExpressionError> parse_expression(std::string_view text,
                                                     const ExpressionScope& scope);

}  // namespace sb::policy
