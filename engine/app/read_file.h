// Reads a whole file the commands are given (policies, configs, scenarios). Safe from any thread.
#pragma once

#include <optional>
#include <string>

namespace sb::app {

// The file's bytes, or nullopt if it cannot be read.
std::optional<std::string> read_file(const std::string& path);

}  // namespace sb::app
