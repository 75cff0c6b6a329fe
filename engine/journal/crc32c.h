// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected), the checksum of every journal record.
// With SSE4.2 (any x86-64 of the last fifteen years) the crc32 instruction, 8 bytes at a time;
// elsewhere a table, a byte at a time (a few hundred MB/s).
// Pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sb::journal {

// The table path, whatever the CPU has (for the tests that compare both).
std::uint32_t crc32c_extend_portable(std::uint32_t crc, const void* data, std::size_t size);

// Extends `crc` (the CRC of what came before; 0 to start) over `size` bytes at `data`.
std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t size);

inline std::uint32_t crc32c(std::string_view bytes) {
  return crc32c_extend(0, bytes.data(), bytes.size());
}

}  // namespace sb::journal
