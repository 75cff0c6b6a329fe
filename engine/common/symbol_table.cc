#include "engine/common/symbol_table.h"

namespace sb {

Symbol SymbolTable::intern(std::string_view text) {
  if (const Symbol found = index_.find(text); found != kNoSymbol) return found;
  const auto symbol = static_cast<Symbol>(names_.size());
  names_.emplace_back(text);
  index_.insert(text, symbol);
  return symbol;
}

}  // namespace sb
