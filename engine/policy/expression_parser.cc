#include "engine/policy/expression_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

#include "engine/policy/did_you_mean.h"
#include "engine/policy/durations.h"

namespace sb::policy {
namespace {

enum class Tok { End, Ident, Number, String, LParen, RParen, LBracket, RBracket, Comma, Op };

struct Token {
  Tok kind = Tok::End;
  std::string text;  // identifier (with dots), operator, string value or number text
  double number = 0;
  std::size_t offset = 0;
};

// The types the checker tracks. Any: an attribute, whose type only the data knows.
enum class Type { Bool, Number, String, List, Null, Any };

const char* type_name(Type t) {
  switch (t) {
    case Type::Bool:
      return "a boolean";
    case Type::Number:
      return "a number";
    case Type::String:
      return "a string";
    case Type::List:
      return "a list";
    case Type::Null:
      return "null";
    case Type::Any:
      return "an attribute";
  }
  return "?";
}

struct Typed {
  Expr expr;
  Type type = Type::Any;
  std::size_t offset = 0;
};

class Failure {
 public:
  ExpressionError error;
};

class Parser {
 public:
  Parser(std::string_view text, const ExpressionScope& scope) : text_(text), scope_(scope) {}

  Typed parse() {
    if (text_.size() > kMaxLength) fail(kMaxLength, "a rule is at most 4096 characters");
    advance();
    if (current_.kind == Tok::End) fail(0, "empty rule");
    Typed e = parse_or();
    if (current_.kind != Tok::End) fail(current_.offset, "unexpected '" + current_.text + "'");
    require_bool(e, "a rule");
    // The core evaluates rules recursively: keep them shallow.
    if (depth_of(e.expr, e.expr.root) > kMaxDepth)
      fail(0, "a rule nests too deeply (at most 64 levels)");
    return e;
  }

 private:
  static constexpr std::size_t kMaxLength = 4096;
  static constexpr int kMaxDepth = 64;

  static int depth_of(const Expr& e, std::int32_t index) {
    if (index < 0) return 0;
    const ExprNode& n = e.nodes[static_cast<std::size_t>(index)];
    return 1 + std::max(depth_of(e, n.lhs), depth_of(e, n.rhs));
  }

  // Guards the parser's own recursion (parentheses, `not`).
  struct Nesting {
    explicit Nesting(Parser& p, std::size_t offset) : parser(p) {
      if (++parser.nesting_ > kMaxDepth)
        parser.fail(offset, "a rule nests too deeply (at most 64 levels)");
    }
    ~Nesting() { --parser.nesting_; }
    Parser& parser;
  };

  [[noreturn]] void fail(std::size_t offset, std::string message) {
    throw Failure{ExpressionError{offset, std::move(message)}};
  }

  void advance() { current_ = lex(); }

  Token lex() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    Token t;
    t.offset = pos_;
    if (pos_ >= text_.size()) return t;
    const char c = text_[pos_];
    auto single = [&](Tok kind) {
      t.kind = kind;
      t.text = std::string(1, c);
      ++pos_;
      return t;
    };
    switch (c) {
      case '(':
        return single(Tok::LParen);
      case ')':
        return single(Tok::RParen);
      case '[':
        return single(Tok::LBracket);
      case ']':
        return single(Tok::RBracket);
      case ',':
        return single(Tok::Comma);
      default:
        break;
    }
    if (c == '=' || c == '!' || c == '<' || c == '>') {
      const bool two = pos_ + 1 < text_.size() && text_[pos_ + 1] == '=';
      if (!two && (c == '=' || c == '!')) {
        fail(t.offset, std::string("'") + c + "' is not an operator; write == or !=");
      }
      t.kind = Tok::Op;
      t.text = two ? std::string{c, '='} : std::string(1, c);
      pos_ += two ? 2 : 1;
      return t;
    }
    if (c == '"' || c == '\'') {
      const std::size_t end = text_.find(c, pos_ + 1);
      if (end == std::string_view::npos) fail(t.offset, "unterminated string");
      t.kind = Tok::String;
      t.text = text_.substr(pos_ + 1, end - pos_ - 1);
      pos_ = end + 1;
      return t;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.') {
      std::size_t end = pos_ + 1;
      while (end < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '.'))
        ++end;
      const std::string_view number = text_.substr(pos_, end - pos_);
      const auto [ptr, ec] =
          std::from_chars(number.data(), number.data() + number.size(), t.number);
      if (ec != std::errc{} || ptr != number.data() + number.size() || !std::isfinite(t.number)) {
        fail(t.offset, "'" + std::string(number) + "' is not a number");
      }
      t.kind = Tok::Number;
      t.text = number;
      pos_ = end;
      return t;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = pos_;
      while (end < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[end])) ||
                                    text_[end] == '_' || text_[end] == '.' || text_[end] == '-')) {
        ++end;
      }
      t.kind = Tok::Ident;
      t.text = text_.substr(pos_, end - pos_);
      pos_ = end;
      return t;
    }
    fail(t.offset, std::string("unexpected character '") + c + "'");
  }

  bool is_word(const char* word) const {
    return current_.kind == Tok::Ident && current_.text == word;
  }

  void require_bool(const Typed& e, const char* what) {
    if (e.type != Type::Bool && e.type != Type::Any) {
      fail(e.offset, std::string(what) + " must be true or false, not " + type_name(e.type));
    }
  }

  Typed parse_or() {
    Typed left = parse_and();
    while (is_word("or")) {
      advance();
      Typed right = parse_and();
      require_bool(left, "each side of 'or'");
      require_bool(right, "each side of 'or'");
      left =
          Typed{expr::any_of(std::move(left.expr), std::move(right.expr)), Type::Bool, left.offset};
    }
    return left;
  }

  Typed parse_and() {
    Typed left = parse_not();
    while (is_word("and")) {
      advance();
      Typed right = parse_not();
      require_bool(left, "each side of 'and'");
      require_bool(right, "each side of 'and'");
      left = Typed{expr::binary(ExprOp::And, std::move(left.expr), std::move(right.expr)),
                   Type::Bool, left.offset};
    }
    return left;
  }

  Typed parse_not() {
    if (is_word("not")) {
      const std::size_t at = current_.offset;
      Nesting guard(*this, at);
      advance();
      Typed operand = parse_not();
      require_bool(operand, "the operand of 'not'");
      return Typed{expr::negate(std::move(operand.expr)), Type::Bool, at};
    }
    return parse_comparison();
  }

  Typed parse_comparison() {
    Typed left = parse_operand();
    std::optional<ExprOp> op;
    std::string spelled = current_.text;
    if (current_.kind == Tok::Op) {
      static const std::pair<const char*, ExprOp> kOps[] = {{"==", ExprOp::Eq}, {"!=", ExprOp::Ne},
                                                            {"<", ExprOp::Lt},  {"<=", ExprOp::Le},
                                                            {">", ExprOp::Gt},  {">=", ExprOp::Ge}};
      for (const auto& [text, value] : kOps) {
        if (current_.text == text) op = value;
      }
    } else if (is_word("in")) {
      op = ExprOp::In;
    } else if (is_word("has")) {
      op = ExprOp::Has;
    }
    if (!op) return left;
    const std::size_t at = current_.offset;
    advance();
    Typed right = parse_operand();
    check_operands(*op, spelled, left, right, at);
    return Typed{expr::binary(*op, std::move(left.expr), std::move(right.expr)), Type::Bool,
                 left.offset};
  }

  void check_operands(ExprOp op, const std::string& spelled, const Typed& l, const Typed& r,
                      std::size_t at) {
    auto scalar = [](Type t) { return t != Type::List; };
    switch (op) {
      case ExprOp::Eq:
      case ExprOp::Ne:
        if (l.type != Type::Any && r.type != Type::Any && l.type != Type::Null &&
            r.type != Type::Null && l.type != r.type) {
          fail(at,
               std::string("cannot compare ") + type_name(l.type) + " with " + type_name(r.type));
        }
        return;
      case ExprOp::Lt:
      case ExprOp::Le:
      case ExprOp::Gt:
      case ExprOp::Ge:
        for (const Typed* side : {&l, &r}) {
          if (side->type != Type::Number && side->type != Type::Any) {
            fail(side->offset, "'" + spelled + "' compares numbers, not " + type_name(side->type));
          }
        }
        return;
      case ExprOp::In:
        if (!scalar(l.type)) fail(l.offset, "the left of 'in' is one value, not a list");
        if (r.type != Type::List && r.type != Type::Any)
          fail(r.offset, "the right of 'in' must be a list");
        return;
      case ExprOp::Has:
        if (l.type != Type::List && l.type != Type::Any)
          fail(l.offset, "the left of 'has' must be a list");
        if (!scalar(r.type)) fail(r.offset, "the right of 'has' is one value, not a list");
        return;
      default:
        return;
    }
  }

  Typed parse_operand() {
    const Token t = current_;
    switch (t.kind) {
      case Tok::LParen: {
        Nesting guard(*this, t.offset);
        advance();
        Typed inner = parse_or();
        if (current_.kind != Tok::RParen) fail(current_.offset, "expected ')'");
        advance();
        inner.offset = t.offset;
        return inner;
      }
      case Tok::LBracket:
        return parse_list();
      case Tok::Number:
        advance();
        return Typed{expr::literal(t.number), Type::Number, t.offset};
      case Tok::String:
        advance();
        return Typed{expr::literal(t.text), Type::String, t.offset};
      case Tok::Ident: {
        advance();
        if (t.text == "true" || t.text == "false")
          return Typed{expr::literal(t.text == "true"), Type::Bool, t.offset};
        if (t.text == "null") return Typed{expr::literal(std::monostate{}), Type::Null, t.offset};
        return reference(t);
      }
      case Tok::End:
        fail(t.offset, "the rule ends too soon");
      default:
        fail(t.offset, "unexpected '" + t.text + "'");
    }
  }

  Typed parse_list() {
    const std::size_t at = current_.offset;
    advance();
    LiteralList items;
    while (current_.kind != Tok::RBracket) {
      const Token t = current_;
      if (t.kind == Tok::Number) {
        items.emplace_back(t.number);
      } else if (t.kind == Tok::String) {
        items.emplace_back(t.text);
      } else if (t.kind == Tok::Ident && (t.text == "true" || t.text == "false")) {
        items.emplace_back(t.text == "true");
      } else {
        fail(t.offset, "a list holds strings, numbers and booleans");
      }
      advance();
      if (current_.kind == Tok::Comma) {
        advance();
      } else if (current_.kind != Tok::RBracket) {
        fail(current_.offset, "expected ',' or ']'");
      }
    }
    advance();
    return Typed{expr::literal(std::move(items)), Type::List, at};
  }

  Typed agent_ref(const Token& t, Expr e, Type type) {
    if (scope_.kind == RuleKind::QueueMatch) {
      fail(t.offset,
           "'" + t.text +
               "' reads an agent; a queue's match rule sees only the interaction and the customer");
    }
    return Typed{std::move(e), type, t.offset};
  }

  Typed reference(const Token& t) {
    const std::string& name = t.text;
    auto suffix = [&](std::string_view prefix) -> std::optional<std::string> {
      if (name.size() > prefix.size() && name.starts_with(prefix))
        return name.substr(prefix.size());
      return std::nullopt;
    };
    if (auto skill = suffix("skills.")) {
      bool declared = false;
      for (const std::string& s : scope_.skills) declared = declared || s == *skill;
      if (!declared) {
        fail(t.offset + 7, "unknown skill '" + *skill + "'" + did_you_mean(*skill, scope_.skills));
      }
      return agent_ref(t, expr::skill(*skill), Type::Number);
    }
    if (auto attr = suffix("attributes.")) return agent_ref(t, expr::attribute(*attr), Type::Any);
    if (name == "languages") return agent_ref(t, expr::ref(RefKind::AgentLanguages), Type::List);
    if (name == "kind") return agent_ref(t, expr::ref(RefKind::AgentKind), Type::String);
    if (name == "id") return agent_ref(t, expr::ref(RefKind::AgentId), Type::String);
    if (auto attr = suffix("interaction.attributes.")) {
      return Typed{expr::interaction_attribute(*attr), Type::Any, t.offset};
    }
    if (name == "interaction.channel")
      return Typed{expr::ref(RefKind::InteractionChannel), Type::String, t.offset};
    if (name == "interaction.sentiment")
      return Typed{expr::ref(RefKind::InteractionSentiment), Type::Number, t.offset};
    if (name == "interaction.priority")
      return Typed{expr::ref(RefKind::InteractionPriority), Type::Number, t.offset};
    if (name == "customer.last_channel")
      return Typed{expr::ref(RefKind::CustomerLastChannel), Type::String, t.offset};
    if (name == "customer.last_agent")
      return Typed{expr::ref(RefKind::CustomerLastAgent), Type::String, t.offset};
    if (name == "customer.last_intent")
      return Typed{expr::ref(RefKind::CustomerLastIntent), Type::String, t.offset};
    if (auto window = suffix("customer.contacts_")) {
      const auto duration = parse_duration(*window);
      if (!duration || duration->count() == 0) {
        fail(t.offset, "'" + name + "': the window is a duration such as 7d, 24h or 30m");
      }
      return Typed{expr::customer_contacts(*duration), Type::Number, t.offset};
    }
    static const std::vector<std::string> kKnown = {"skills.NAME",
                                                    "attributes.NAME",
                                                    "languages",
                                                    "kind",
                                                    "id",
                                                    "interaction.channel",
                                                    "interaction.attributes.NAME",
                                                    "interaction.sentiment",
                                                    "interaction.priority",
                                                    "customer.contacts_7d",
                                                    "customer.last_channel",
                                                    "customer.last_agent",
                                                    "customer.last_intent"};
    fail(t.offset, "unknown reference '" + name + "'" + did_you_mean(name, kKnown));
  }

  std::string_view text_;
  const ExpressionScope& scope_;
  std::size_t pos_ = 0;
  int nesting_ = 0;
  Token current_;
};

}  // namespace

std::variant<Expr, ExpressionError> parse_expression(std::string_view text,
                                                     const ExpressionScope& scope) {
  try {
    Parser parser(text, scope);
    return parser.parse().expr;
  } catch (const Failure& f) {
    return f.error;
  }
}

}  // namespace sb::policy
