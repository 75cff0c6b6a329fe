#include "engine/app/read_file.h"

#include <fstream>
#include <sstream>

namespace sb::app {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace sb::app
