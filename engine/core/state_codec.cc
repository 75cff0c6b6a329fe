#include "engine/core/state_codec.h"

#include <algorithm>

namespace sb::core {

void save_attrs(ByteWriter& w, const AttrMap& attrs) {
  w.count(attrs.size());
  for (const AttrEntry& e : attrs) {
    w.index(e.key);
    w.enumeration(e.value.kind);
    switch (e.value.kind) {
      case AttrValue::Kind::Null:
        break;
      case AttrValue::Kind::String:
        w.index(e.value.sym);
        break;
      case AttrValue::Kind::Number:
        w.f64(e.value.number());
        break;
      case AttrValue::Kind::Bool:
        w.boolean(e.value.boolean);
        break;
    }
  }
}

bool load_attrs(ByteReader& r, AttrMap& attrs, std::size_t symbols) {
  attrs.resize(r.count(2));
  for (AttrEntry& e : attrs) {
    e.key = r.index();
    e.value.kind = r.enumeration(AttrValue::Kind::Bool);
    switch (e.value.kind) {
      case AttrValue::Kind::Null:
        break;
      case AttrValue::Kind::String:
        e.value.sym = r.index();
        if (e.value.sym >= symbols) return false;  // a stored string is always interned
        break;
      case AttrValue::Kind::Number:
        e.value.set_number(r.f64());
        break;
      case AttrValue::Kind::Bool:
        e.value.boolean = r.boolean();
        break;
    }
    if (e.key >= symbols) return false;
  }
  // Sorted by key, each key once.
  return r.ok() && std::adjacent_find(attrs.begin(), attrs.end(), [](const auto& a, const auto& b) {
                     return a.key >= b.key;
                   }) == attrs.end();
}

void save_histogram(ByteWriter& w, const HistogramData& h) {
  w.count(h.counts.size());
  for (std::uint64_t c : h.counts) w.var(c);
  w.f64(h.sum);
  w.var(h.count);
}

void load_histogram(ByteReader& r, HistogramData& h) {
  if (r.count(1) != h.counts.size()) {
    r.fail();
    return;
  }
  for (std::uint64_t& c : h.counts) c = r.var();
  h.sum = r.f64();
  h.count = r.var();
}

}  // namespace sb::core
