// Interns strings (skill names, attribute keys and values, languages, channels) into dense
// 32-bit symbols so that the routing hot path compares integers, not strings. Owned by one
// thread (the core); not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sb {

using Symbol = std::uint32_t;
inline constexpr Symbol kNoSymbol = 0xFFFFFFFFu;

class SymbolTable {
 public:
  // Returns the symbol of `text`, creating it if needed. Symbols are never freed.
  Symbol intern(std::string_view text);
  // Returns the symbol of `text`, or kNoSymbol if it was never interned.
  Symbol find(std::string_view text) const;
  const std::string& name(Symbol s) const { return names_[s]; }
  std::size_t size() const { return names_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::deque<std::string> names_;  // deque: stable addresses for the map's views
  std::unordered_map<std::string_view, Symbol, Hash, std::equal_to<>> index_;
};

}  // namespace sb
