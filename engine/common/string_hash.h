// A fast hash of short strings (ids, attribute names and values), inline. The indices of the
// core look up several of these per command; std::hash<std::string_view>, an out-of-line
// MurmurHash, was 8 % of a routing decision's instructions (docs/benchmarks.md, session 9).
// This follows wyhash (final
// version 4: its secret, seed 0, its path for up to 16 bytes and its 16-byte loop, though not
// its three-lane loop past 48 bytes): the bytes in two 64-bit words multiplied together into 128
// bits, folded. Strings of up to 16 bytes take one multiply and the final mix. Good low bits (the
// indices take their home slot from them). The multiply keeps its inputs (wyhash's "condom"
// mode): plain, a word equal to the running state zeroes the product and erases everything
// before it, which made whole families of 48-byte ids collide by construction. Not keyed, so
// not proof against a determined flood of colliding ids, like std::hash; not for anything
// persisted (the values may change between versions).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace sb {

namespace detail {

inline constexpr std::uint64_t kSecret0 = 0xa0761d6478bd642full;
inline constexpr std::uint64_t kSecret1 = 0xe7037ed1a0b428dbull;

// The 128-bit product of a and b, its low half folded into a and its high half into b. Folded
// (XOR), not assigned: a zero factor must not erase the other.
inline void multiply_128(std::uint64_t& a, std::uint64_t& b) {
  const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  a ^= static_cast<std::uint64_t>(product);
  b ^= static_cast<std::uint64_t>(product >> 64);
}

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  multiply_128(a, b);
  return a ^ b;
}
inline std::uint64_t load_u64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline std::uint64_t load_u32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace detail

namespace detail {
// wyhash's seed 0, mixed with the secret as it does: seed ^= mix(seed ^ secret0, secret1).
inline std::uint64_t initial_seed() { return mix(kSecret0, kSecret1); }
}  // namespace detail

inline std::uint64_t hash_string(std::string_view s) {
  using detail::kSecret0;
  using detail::kSecret1;
  std::uint64_t seed = detail::initial_seed();
  const char* p = s.data();
  const std::size_t length = s.size();
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  if (length <= 16) {
    if (length >= 4) {
      // Two pairs of 4-byte reads, overlapping for fewer than 16 bytes: every byte is read,
      // none past the end.
      const std::size_t quarter = (length >> 3) << 2;
      a = (detail::load_u32(p) << 32) | detail::load_u32(p + quarter);
      b = (detail::load_u32(p + length - 4) << 32) | detail::load_u32(p + length - 4 - quarter);
    } else if (length > 0) {
      const auto byte = [p](std::size_t i) {
        return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i]));
      };
      a = (byte(0) << 16) | (byte(length >> 1) << 8) | byte(length - 1);
    }
  } else {
    std::size_t left = length;
    for (; left > 16; p += 16, left -= 16) {
      seed = detail::mix(detail::load_u64(p) ^ kSecret1, detail::load_u64(p + 8) ^ seed);
    }
    // The last 16 bytes, overlapping the block before them when fewer are left.
    a = detail::load_u64(p + left - 16);
    b = detail::load_u64(p + left - 8);
  }
  a ^= kSecret1;
  b ^= seed;
  detail::multiply_128(a, b);
  return detail::mix(a ^ kSecret0 ^ length, b ^ kSecret1);
}

}  // namespace sb
