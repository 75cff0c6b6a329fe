// Wiring of the journal for `serve` and `replay`: how a journaled policy source is compiled
// again, and recovery of a core from a data directory with it. Main-thread only.
#pragma once

#include <optional>
#include <string>

#include "engine/journal/recovery.h"

namespace sb::app {

// Compiles a journaled policy source (the YAML loader, without the policy's own tests: they
// passed when it was installed).
journal::PolicyCompiler journal_policy_compiler();

// Why `dir` cannot be read as an existing data directory ("no such data directory", "not a
// directory"), or nullopt. `replay` reads what is there; `serve` creates it.
std::optional<std::string> existing_data_dir_problem(const std::string& dir);

}  // namespace sb::app
