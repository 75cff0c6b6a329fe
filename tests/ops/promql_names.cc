#include "tests/ops/promql_names.h"

#include <cctype>
#include <sstream>

namespace sb::ops_test {
namespace {

bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

// Words that are never metric names: operators, modifiers, aggregations (which may be followed by
// `by (...)` rather than by a parenthesis) and the number literals.
const std::set<std::string, std::less<>> kKeywords = {
    "and",     "or",       "unless",     "bool",        "offset", "on",           "ignoring",
    "by",      "without",  "group_left", "group_right", "sum",    "min",          "max",
    "avg",     "group",    "stddev",     "stdvar",      "count",  "count_values", "topk",
    "bottomk", "quantile", "inf",        "nan",         "atan2"};
// Keywords followed by a parenthesised list of label names.
const std::set<std::string, std::less<>> kLabelLists = {"on",      "ignoring",   "by",
                                                        "without", "group_left", "group_right"};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  std::vector<MetricRef> run() {
    std::vector<MetricRef> out;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i_;
      } else if (c == '"' || c == '\'' || c == '`') {
        skip_string();
      } else if (c == '[') {
        skip_past(']');
      } else if (c == '{') {
        matchers();  // a selector without a name ({__name__=~"..."}): nothing to check
      } else if (c == '#') {
        skip_past('\n');
      } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
        while (i_ < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.'))
          ++i_;
      } else if (c == '$') {  // a Grafana variable outside a string or range
        ++i_;
        while (i_ < s_.size() && (ident_char(s_[i_]) || s_[i_] == '{' || s_[i_] == '}')) ++i_;
      } else if (ident_start(c)) {
        word(out);
      } else {
        ++i_;
      }
    }
    return out;
  }

 private:
  void word(std::vector<MetricRef>& out) {
    const std::size_t start = i_;
    while (i_ < s_.size() && ident_char(s_[i_])) ++i_;
    const std::string name(s_.substr(start, i_ - start));
    const char next = peek();
    if (kLabelLists.contains(name)) {
      if (next == '(') skip_past(')');
      return;
    }
    if (kKeywords.contains(name) || next == '(') return;  // a keyword or a function
    MetricRef ref{name, {}};
    if (next == '{') ref.labels = matchers();
    out.push_back(std::move(ref));
  }

  // At '{' (after spaces): the label names of the matcher list; leaves i_ past the '}'.
  std::vector<std::string> matchers() {
    std::vector<std::string> labels;
    while (i_ < s_.size() && s_[i_] != '{') ++i_;
    ++i_;
    while (i_ < s_.size() && s_[i_] != '}') {
      const char c = s_[i_];
      if (c == '"' || c == '\'' || c == '`') {
        skip_string();
      } else if (ident_start(c)) {
        const std::size_t start = i_;
        while (i_ < s_.size() && ident_char(s_[i_])) ++i_;
        labels.emplace_back(s_.substr(start, i_ - start));
      } else {
        ++i_;
      }
    }
    ++i_;
    return labels;
  }

  char peek() {
    std::size_t j = i_;
    while (j < s_.size() && std::isspace(static_cast<unsigned char>(s_[j]))) ++j;
    if (j < s_.size() && (s_[j] == '(' || s_[j] == '{')) i_ = j;
    return j < s_.size() ? s_[j] : '\0';
  }

  void skip_string() {
    const char quote = s_[i_++];
    while (i_ < s_.size() && s_[i_] != quote) i_ += (s_[i_] == '\\' && quote != '`') ? 2 : 1;
    ++i_;
  }

  void skip_past(char end) {
    while (i_ < s_.size() && s_[i_] != end) {
      if (s_[i_] == '"' || s_[i_] == '\'' || s_[i_] == '`') {
        skip_string();
      } else {
        ++i_;
      }
    }
    ++i_;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::vector<MetricRef> metric_refs(std::string_view expr) { return Lexer(expr).run(); }

MetricContract parse_contract(std::string_view text, std::vector<std::string>& errors) {
  MetricContract contract;
  std::istringstream in{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, type, labels, extra;
    fields >> name >> type >> labels >> extra;
    if (type != "counter" && type != "gauge" && type != "histogram") {
      errors.push_back("line " + std::to_string(number) +
                       ": type must be counter, gauge or histogram");
      continue;
    }
    if (!extra.empty()) errors.push_back("line " + std::to_string(number) + ": extra text");
    if (contract.contains(name))
      errors.push_back("line " + std::to_string(number) + ": " + name + " twice");
    MetricSpec spec{type, {}};
    std::istringstream label_list(labels);
    for (std::string label; std::getline(label_list, label, ',');) spec.labels.insert(label);
    contract[name] = std::move(spec);
  }
  return contract;
}

std::string contract_violation(const MetricContract& contract, const MetricRef& ref) {
  std::string base = ref.name;
  bool bucket = false;
  auto found = contract.find(base);
  if (found == contract.end()) {
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (!base.ends_with(suffix)) continue;
      auto histogram = contract.find(base.substr(0, base.size() - suffix.size()));
      if (histogram != contract.end() && histogram->second.type == "histogram") {
        found = histogram;
        bucket = suffix == "_bucket";
      }
    }
  } else if (found->second.type == "histogram") {
    return ref.name + " is a histogram: read its _bucket, _sum or _count";
  }
  if (found == contract.end()) return ref.name + " is not in docs/metrics.txt";
  for (const std::string& label : ref.labels) {
    const bool target_label = label == "job" || label == "instance" || label == "__name__";
    if (target_label || found->second.labels.contains(label) || (bucket && label == "le")) continue;
    return ref.name + " has no label '" + label + "'";
  }
  return "";
}

}  // namespace sb::ops_test
