// The simulator's randomness: a seeded xoshiro256** generator and inverse-CDF sampling of our
// own, so that a seed gives the same run on every standard library (std:: distributions are
// implementation-defined). Not thread-safe: one generator per simulation.
#pragma once

#include <cmath>
#include <cstdint>

namespace sb::sim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (std::uint64_t& s : s_) s = splitmix(seed);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1), 53 bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe under a logarithm.
  double open_unit() { return 1.0 - unit(); }
  bool chance(double p) { return unit() < p; }
  // Uniform in [0, n), n > 0 (Lemire's multiply-shift; the bias is below 2^-64 * n).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  // Exponential with this mean.
  double exponential(double mean) { return -mean * std::log(open_unit()); }
  // Standard normal (Box-Muller; the second value is dropped to keep the stream simple).
  double normal() {
    const double r = std::sqrt(-2.0 * std::log(open_unit()));
    return r * std::cos(6.283185307179586 * unit());
  }

  // A generator for an independent stream (per stream of arrivals, per agent group, ...).
  Rng fork() { return Rng(next()); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  std::uint64_t s_[4];
};

}  // namespace sb::sim
