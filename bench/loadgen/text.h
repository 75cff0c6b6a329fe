// cat(): one string from several pieces, sized once. Faster than chains of operator+, and free
// of GCC 12's false -Wrestrict warning on `"literal" + std::string` at -O3. Pure; any thread.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace sb::loadgen {

inline std::string cat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (std::string_view p : parts) size += p.size();
  std::string out;
  out.reserve(size);
  for (std::string_view p : parts) out += p;
  return out;
}

}  // namespace sb::loadgen
