// The pieces of a state snapshot's encoding that several files share (core_state.cc writes
// the whole state; its parts are in stats_state.cc, journey_state.cc and core_state_check.cc):
// range checks, attribute maps and histograms. Core-thread only, like the state itself.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/common/byte_codec.h"
#include "engine/core/attr_value.h"
#include "engine/core/records.h"
#include "switchboard/stats.h"

namespace sb::core {

// A symbol of a table of `symbols`, or none.
inline bool symbol_ok(Symbol s, std::size_t symbols) { return s == kNoSymbol || s < symbols; }
// An index into `size` records, or none.
inline bool index_ok(std::uint32_t i, std::size_t size) { return i == kNone || i < size; }

void save_attrs(ByteWriter& w, const AttrMap& attrs);
// False when malformed: a key or string value that is no symbol, keys not strictly ascending.
bool load_attrs(ByteReader& r, AttrMap& attrs, std::size_t symbols);
void save_histogram(ByteWriter& w, const HistogramData& h);
// The bounds are the histogram's own (fixed in code); the counts must fit them.
void load_histogram(ByteReader& r, HistogramData& h);

}  // namespace sb::core
