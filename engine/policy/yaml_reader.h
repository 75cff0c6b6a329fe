// Reads typed values out of a yaml-cpp tree for the YAML files admins write (routing policies,
// simulation scenarios): every problem becomes a Diagnostic at FILE:LINE:COLUMN and reading goes
// on, so that a file's errors are all reported at once. Not thread-safe: one reader per file.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/policy/expression_parser.h"
#include "engine/policy/policy_loader.h"
#include "switchboard/policy.h"

namespace sb::policy {

class YamlReader {
 public:
  using Keys = std::vector<std::string>;

  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

  // Records `message` at the node's position (plus `column_offset` columns).
  void error(const YAML::Node& at, const std::string& message, int column_offset = 0);

  // Each of these checks a node's shape or reads a value; on failure it records an error naming
  // `what` and returns false or nullopt.
  bool is_map(const YAML::Node& n, const std::string& what);
  bool is_list(const YAML::Node& n, const std::string& what);
  // Unknown keys of `map`, each with a "did you mean" hint.
  void check_keys(const YAML::Node& map, const Keys& allowed, const std::string& where);
  std::optional<std::string> text(const YAML::Node& n, const std::string& what);
  std::optional<double> number(const YAML::Node& n, const std::string& what);
  std::optional<std::int64_t> integer(const YAML::Node& n, const std::string& what,
                                      std::int64_t min, std::int64_t max);
  std::optional<Duration> duration(const YAML::Node& n, const std::string& what);
  std::optional<double> ratio(const YAML::Node& n, const std::string& what);
  std::optional<bool> boolean(const YAML::Node& n, const std::string& what);
  std::vector<std::string> names(const YAML::Node& n, const std::string& what);
  // A declared name, or an error with a hint.
  bool declared(const YAML::Node& at, const std::string& name,
                const std::vector<std::string>& known, const std::string& kind);
  Expr expression(const YAML::Node& n, const ExpressionScope& scope, const std::string& what);
  // A plain scalar may be a boolean or a number; a quoted one is a string.
  AttributeValue attribute(const YAML::Node& n);
  Attributes attributes(const YAML::Node& n, const std::string& what);
  void weights(const YAML::Node& n, ScoringWeights& w, const std::string& where);

 private:
  std::string file_;
  std::vector<Diagnostic> diagnostics_;
};

// Parses `text` as YAML; a syntax error becomes a diagnostic and an undefined node.
YAML::Node parse_yaml(const std::string& text, const std::string& file,
                      std::vector<Diagnostic>& diagnostics);

}  // namespace sb::policy
