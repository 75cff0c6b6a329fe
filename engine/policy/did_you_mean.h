// "Did you mean" hints for unknown names in policies: the closest known name by edit distance.
// Pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sb::policy {

// The candidate closest to `name` (at most 2 edits away, or a third of its length), or "".
std::string closest(std::string_view name, const std::vector<std::string>& candidates);
// " (did you mean 'X'?)" or "".
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace sb::policy
