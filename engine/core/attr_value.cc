#include "engine/core/attr_value.h"

#include <algorithm>

namespace sb::core {

namespace {

// One conversion for both: `symbol_of` interns (of) or only looks up (lookup).
template <typename SymbolOf>
AttrValue convert(const AttributeValue& v, SymbolOf&& symbol_of) {
  AttrValue out;
  if (const auto* s = std::get_if<std::string>(&v)) {
    out.kind = AttrValue::Kind::String;
    out.sym = symbol_of(*s);
  } else if (const auto* d = std::get_if<double>(&v)) {
    out.kind = AttrValue::Kind::Number;
    out.set_number(*d);
  } else {
    out.kind = AttrValue::Kind::Bool;
    out.boolean = std::get<bool>(v);
  }
  return out;
}

}  // namespace

AttrValue AttrValue::of(const AttributeValue& v, SymbolTable& symbols) {
  return convert(v, [&symbols](const std::string& s) { return symbols.intern(s); });
}

AttrValue AttrValue::lookup(const AttributeValue& v, const SymbolTable& symbols) {
  return convert(v, [&symbols](const std::string& s) { return symbols.find(s); });
}

AttributeValue AttrValue::to_public(const SymbolTable& symbols) const {
  switch (kind) {
    case Kind::String:
      return symbols.name(sym);
    case Kind::Number:
      return number();
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
