// Test helper: the metric names a PromQL expression reads, with the label names its matchers
// use — a small lexer, enough for the dashboard's and the alerts' expressions (not a parser: it
// does not check syntax; promtool does). Grafana variables ($queue, $__rate_interval) may appear
// in strings and ranges.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sb::ops_test {

struct MetricRef {
  std::string name;
  std::vector<std::string> labels;  // label names in its {…} matcher, in order
  bool operator==(const MetricRef&) const = default;
};

// Every metric selector in `expr`, in order of appearance.
std::vector<MetricRef> metric_refs(std::string_view expr);

// One line of docs/metrics.txt: NAME TYPE [LABEL,LABEL...].
struct MetricSpec {
  std::string type;  // counter, gauge, histogram
  std::set<std::string> labels;
};
using MetricContract = std::map<std::string, MetricSpec>;

// Parses docs/metrics.txt ('#' comments and blank lines skipped). Malformed lines go to `errors`.
MetricContract parse_contract(std::string_view text, std::vector<std::string>& errors);

// Why `ref` breaks the contract (unknown name, a histogram read without _bucket/_sum/_count, a
// label it does not have), or an empty string if it does not.
std::string contract_violation(const MetricContract& contract, const MetricRef& ref);

}  // namespace sb::ops_test
