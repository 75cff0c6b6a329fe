// SB_ASSERT checks invariants in debug builds; SB_CHECK is always on, for state corruption that
// must crash loudly rather than limp on. Neither is ever used on client input.
#pragma once

namespace sb::detail {
[[noreturn]] void check_failed(const char* expr, const char* file, int line);
}

#define SB_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::sb::detail::check_failed(#cond, __FILE__, __LINE__))

#ifdef NDEBUG
#define SB_ASSERT(cond) static_cast<void>(0)
#else
#define SB_ASSERT(cond) SB_CHECK(cond)
#endif
