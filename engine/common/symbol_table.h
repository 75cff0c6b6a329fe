// Interns strings (skill names, attribute keys and values, languages, channels) into dense
// 32-bit symbols so that the routing hot path compares integers, not strings. Owned by one
// thread (the core); not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "engine/common/flat_id_index.h"

namespace sb {

using Symbol = std::uint32_t;
inline constexpr Symbol kNoSymbol = 0xFFFFFFFFu;

class SymbolTable {
 public:
  SymbolTable() = default;
  // The index reads names through a pointer to names_: a copy would read the original's.
  SymbolTable(const SymbolTable&) = delete;
  SymbolTable& operator=(const SymbolTable&) = delete;

  // Returns the symbol of `text`, creating it if needed. Symbols are never freed.
  Symbol intern(std::string_view text);
  // Returns the symbol of `text`, or kNoSymbol if it was never interned.
  Symbol find(std::string_view text) const { return index_.find(text); }
  const std::string& name(Symbol s) const { return names_[s]; }
  std::size_t size() const { return names_.size(); }

 private:
  struct NameOf {
    const std::deque<std::string>* names = nullptr;
    std::string_view operator()(std::uint32_t symbol) const { return (*names)[symbol]; }
  };
  std::deque<std::string> names_;
  FlatIdIndex<NameOf> index_{NameOf{&names_}};
};

}  // namespace sb
