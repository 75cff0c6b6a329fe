// Attribute values as the core stores them: strings interned to symbols, so that comparing
// an agent's team with a literal is an integer compare. Core-thread only.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "engine/common/symbol_table.h"
#include "switchboard/types.h"

namespace sb::core {

// The core interns these first, so that `kind == "bot"` compares symbols.
inline constexpr Symbol kSymHuman = 0;
inline constexpr Symbol kSymBot = 1;

// 12 bytes, aligned to 4, so that an attribute (key and value) takes 16: the payload is a union
// read by kind, and a number is kept as its bits (a double member would align the entry to 8).
struct AttrValue {
  enum class Kind : std::uint8_t { Null, String, Number, Bool };
  union {
    Symbol sym = kNoSymbol;  // Kind::String
    bool boolean;            // Kind::Bool
    std::uint32_t number_bits[2];
  };
  Kind kind = Kind::Null;

  double number() const {
    double d;
    std::memcpy(&d, number_bits, sizeof d);
    return d;
  }
  void set_number(double d) {
    // Element assignment makes number_bits the union's active member.
    const auto bits = std::bit_cast<std::array<std::uint32_t, 2>>(d);
    number_bits[0] = bits[0];
    number_bits[1] = bits[1];
  }

  static AttrValue of(const AttributeValue& v, SymbolTable& symbols);
  // As `of`, but an unknown string gets kNoSymbol (equal to no literal) and nothing is interned.
  static AttrValue lookup(const AttributeValue& v, const SymbolTable& symbols);
  AttributeValue to_public(const SymbolTable& symbols) const;
  friend bool operator==(const AttrValue& a, const AttrValue& b) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
      case Kind::Null:
        return true;
      case Kind::String:
        return a.sym == b.sym;
      case Kind::Number:
        return a.number() == b.number();
      case Kind::Bool:
        return a.boolean == b.boolean;
    }
    return false;
  }
};

struct AttrEntry {
  Symbol key = kNoSymbol;
  AttrValue value;
};

static_assert(sizeof(AttrEntry) == 16);

// Attributes sorted by key symbol, unique keys.
using AttrMap = std::vector<AttrEntry>;

inline const AttrValue* find_attr(const AttrMap& map, Symbol key) {
  auto it = std::lower_bound(map.begin(), map.end(), key,
                             [](const AttrEntry& e, Symbol k) { return e.key < k; });
  return it != map.end() && it->key == key ? &it->value : nullptr;
}

// Sets or replaces one attribute, keeping the map sorted.
inline void set_attr(AttrMap& map, Symbol key, AttrValue value) {
  auto it = std::lower_bound(map.begin(), map.end(), key,
                             [](const AttrEntry& e, Symbol k) { return e.key < k; });
  if (it != map.end() && it->key == key) {
    it->value = value;
  } else {
    map.insert(it, AttrEntry{key, value});
  }
}

Attributes to_public(const AttrMap& map, const SymbolTable& symbols);

}  // namespace sb::core
