// `switchboard check POLICY.yaml...`: validate and compile each policy and run its tests. Prints
// every problem as FILE:LINE:COLUMN: message on `err`, a summary per file on `out`; returns the
// exit code (0: all valid and all tests pass, 1 otherwise).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace sb::app {

int run_check(const std::vector<std::string>& files, std::FILE* out, std::FILE* err);

}  // namespace sb::app
