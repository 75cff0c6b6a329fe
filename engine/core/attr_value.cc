#include "engine/core/attr_value.h"

namespace sb::core {

AttrValue AttrValue::of(const AttributeValue& v, SymbolTable& symbols) {
  AttrValue out;
  if (const auto* s = std::get_if<std::string>(&v)) {
    out.kind = Kind::String;
    out.sym = symbols.intern(*s);
  } else if (const auto* d = std::get_if<double>(&v)) {
    out.kind = Kind::Number;
    out.number = *d;
  } else {
    out.kind = Kind::Bool;
    out.boolean = std::get<bool>(v);
  }
  return out;
}

AttributeValue AttrValue::to_public(const SymbolTable& symbols) const {
  switch (kind) {
    case Kind::String:
      return symbols.name(sym);
    case Kind::Number:
      return number;
    case Kind::Bool:
      return boolean;
    case Kind::Null:
      break;
  }
  return false;
}

Attributes to_public(const AttrMap& map, const SymbolTable& symbols) {
  Attributes out;
  out.reserve(map.size());
  for (const AttrEntry& e : map) out.emplace_back(symbols.name(e.key), e.value.to_public(symbols));
  return out;
}

}  // namespace sb::core
