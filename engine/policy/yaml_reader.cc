#include "engine/policy/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "engine/policy/did_you_mean.h"
#include "engine/policy/durations.h"

namespace sb::policy {

void YamlReader::error(const YAML::Node& at, const std::string& message, int column_offset) {
  const YAML::Mark mark = at.Mark();
  diagnostics_.push_back(
      Diagnostic{file_, mark.line + 1, mark.column + 1 + column_offset, message});
}

bool YamlReader::is_map(const YAML::Node& n, const std::string& what) {
  if (n.IsMap()) return true;
  error(n, what + " must be a mapping");
  return false;
}

bool YamlReader::is_list(const YAML::Node& n, const std::string& what) {
  if (n.IsSequence()) return true;
  error(n, what + " must be a list");
  return false;
}

void YamlReader::check_keys(const YAML::Node& map, const Keys& allowed, const std::string& where) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(it->first, "unknown key '" + key + "' in " + where + did_you_mean(key, allowed));
    }
  }
}

std::optional<std::string> YamlReader::text(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) {
    error(n, what + " must be a single value");
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<double> YamlReader::number(const YAML::Node& n, const std::string& what) {
  auto s = text(n, what);
  if (!s) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc{} || end != s->data() + s->size() || !std::isfinite(v)) {
    error(n, what + " must be a number, not '" + *s + "'");
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& n, const std::string& what,
                                                std::int64_t min, std::int64_t max) {
  auto v = number(n, what);
  if (!v) return std::nullopt;
  if (*v != std::floor(*v) || *v < static_cast<double>(min) || *v > static_cast<double>(max)) {
    error(n, what + " must be a whole number from " + std::to_string(min) + " to " +
                 std::to_string(max));
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*v);
}

std::optional<Duration> YamlReader::duration(const YAML::Node& n, const std::string& what) {
  auto s = text(n, what);
  if (!s) return std::nullopt;
  auto d = parse_duration(*s);
  if (!d) error(n, what + " must be a duration such as 500ms, 20s, 2m, 1h or 7d, not '" + *s + "'");
  return d;
}

std::optional<double> YamlReader::ratio(const YAML::Node& n, const std::string& what) {
  auto s = text(n, what);
  if (!s) return std::nullopt;
  auto r = parse_ratio(*s);
  if (!r) error(n, what + " must be a ratio such as 0.8 or 80%, not '" + *s + "'");
  return r;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& n, const std::string& what) {
  auto s = text(n, what);
  if (!s) return std::nullopt;
  if (*s == "true") return true;
  if (*s == "false") return false;
  error(n, what + " must be true or false");
  return std::nullopt;
}

std::vector<std::string> YamlReader::names(const YAML::Node& n, const std::string& what) {
  std::vector<std::string> out;
  if (!is_list(n, what)) return out;
  for (const YAML::Node& item : n) {
    if (auto s = text(item, what + " entries")) out.push_back(*s);
  }
  return out;
}

// A declared name, or an error with a hint.
bool YamlReader::declared(const YAML::Node& at, const std::string& name,
                          const std::vector<std::string>& known, const std::string& kind) {
  if (std::find(known.begin(), known.end(), name) != known.end()) return true;
  error(at, "undeclared " + kind + " '" + name + "'" + did_you_mean(name, known));
  return false;
}

Expr YamlReader::expression(const YAML::Node& n, const ExpressionScope& scope,
                            const std::string& what) {
  auto s = text(n, what);
  if (!s) return Expr{};
  auto parsed = parse_expression(*s, scope);
  if (auto* e = std::get_if<ExpressionError>(&parsed)) {
    // Quoted scalars start one column before their text.
    const int quote = n.Tag() == "!" ? 1 : 0;
    error(n, what + ": " + e->message, quote + static_cast<int>(e->offset));
    return Expr{};
  }
  return std::get<Expr>(std::move(parsed));
}

AttributeValue YamlReader::attribute(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() != "!") {  // plain scalars may be booleans or numbers; quoted ones are strings
    if (s == "true") return true;
    if (s == "false") return false;
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && end == s.data() + s.size() && std::isfinite(v)) return v;
  }
  return s;
}

Attributes YamlReader::attributes(const YAML::Node& n, const std::string& what) {
  Attributes out;
  if (!is_map(n, what)) return out;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->second.IsScalar()) {
      error(it->second, what + "." + it->first.Scalar() + " must be a single value");
      continue;
    }
    out.emplace_back(it->first.Scalar(), attribute(it->second));
  }
  return out;
}

void YamlReader::weights(const YAML::Node& n, ScoringWeights& w, const std::string& where) {
  struct Field {
    const char* key;
    double* value;
  };
  for (const Field& f : {Field{"skill", &w.skill}, Field{"idle", &w.idle}, Field{"load", &w.load},
                         Field{"affinity", &w.affinity}, Field{"sentiment", &w.sentiment}}) {
    if (!n[f.key]) continue;
    if (auto v = number(n[f.key], where + "." + f.key)) {
      if (*v < 0 || *v > 1000) {
        error(n[f.key], where + "." + f.key + " must be from 0 to 1000");
      } else {
        *f.value = *v;
      }
    }
  }
}

YAML::Node parse_yaml(const std::string& text, const std::string& file,
                      std::vector<Diagnostic>& diagnostics) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    diagnostics.push_back(Diagnostic{file, e.mark.line + 1, e.mark.column + 1, e.msg});
    return YAML::Node(YAML::NodeType::Undefined);
  }
}

}  // namespace sb::policy
