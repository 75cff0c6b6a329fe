// Live heap bytes of the benchmark process. heap_counter.cc replaces the global operator new and
// delete (every form: array, nothrow, sized, aligned) with malloc/free that keep a running total
// of malloc_usable_size, so a before/after difference is what a piece of state really holds.
//
// Thread contract: the counter is a plain integer, because the benchmark is single-threaded and an
// atomic would tax every allocation of the timed phases. Do not allocate from other threads.
#pragma once

#include <cstdint>

namespace sb::bench {

// Bytes currently allocated through operator new (usable size, so allocator rounding counts).
std::int64_t live_heap_bytes();

}  // namespace sb::bench
