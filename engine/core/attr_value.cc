#include "engine/core/attr_value.h"

#include <algorithm>

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

AttrValue AttrValue::lookup(const AttributeValue& v, const SymbolTable& symbols) {
  AttrValue out;
  if (const auto* s = std::get_if<std::string>(&v)) {
    out.kind = Kind::String;
    out.sym = symbols.find(*s);
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
  // By name, not by symbol number: symbols are numbered in order of first use, which a replica
  // that saw other rejected commands may not share.
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  return out;
}

}  // namespace sb::core
