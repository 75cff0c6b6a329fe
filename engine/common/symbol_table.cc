#include "engine/common/symbol_table.h"

namespace sb {

Symbol SymbolTable::intern(std::string_view text) {
  if (auto it = index_.find(text); it != index_.end()) return it->second;
  const auto symbol = static_cast<Symbol>(names_.size());
  const std::string& stored = names_.emplace_back(text);
  index_.emplace(std::string_view(stored), symbol);
  return symbol;
}

Symbol SymbolTable::find(std::string_view text) const {
  auto it = index_.find(text);
  return it == index_.end() ? kNoSymbol : it->second;
}

}  // namespace sb
