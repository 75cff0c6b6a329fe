#include "engine/common/string_hash.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace sb {
namespace {

TEST_CASE("string hash: equal strings hash equal wherever they are stored") {
  // Every length through three 8-byte blocks, so each tail path (none, 1-3, 4-8 bytes) and the
  // block loop are covered; the copy sits at another address, past a different offset.
  const std::string text = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (std::size_t n = 0; n <= 24; ++n) {
    const std::string a = text.substr(0, n);
    const std::string b = "#" + a;
    CAPTURE(n);
    CHECK(hash_string(a) == hash_string(std::string_view(b).substr(1)));
  }
}

TEST_CASE("string hash: reads only the bytes of the view") {
  // The same view inside different surroundings: a read past either end would change the hash
  // (and AddressSanitizer would report it on the heap copies).
  for (std::size_t n = 0; n <= 17; ++n) {
    const std::string middle(n, 'k');
    const std::string left = "XXXXXXXX" + middle + "YYYYYYYY";
    const std::string right = "ZZZZZZZZ" + middle + "WWWWWWWW";
    CAPTURE(n);
    CHECK(hash_string(std::string_view(left).substr(8, n)) ==
          hash_string(std::string_view(right).substr(8, n)));
    const std::vector<char> exact(middle.begin(), middle.end());
    CHECK(hash_string(std::string_view(exact.data(), exact.size())) ==
          hash_string(std::string_view(left).substr(8, n)));
  }
}

TEST_CASE("string hash: the ids an index meets spread over the low bits") {
  // Indices take the home slot from the low bits: ids that differ in one digit, a length or a
  // byte's position must not pile up. 100,000 sequential ids into 2^18 buckets: a uniform hash
  // puts about 17 % of them in a bucket already taken; far more means a weak mix.
  // Short ids (one multiply) and long ones (the 16-byte block loop).
  for (const std::string prefix : {"ix-", "customer-0000000000-"}) {
    std::set<std::uint64_t> full;
    std::vector<std::uint32_t> buckets(1u << 18, 0);
    std::size_t collisions = 0;
    for (int k = 0; k < 100'000; ++k) {
      const std::string id = prefix + std::to_string(k);
      const std::uint64_t h = hash_string(id);
      full.insert(h);
      if (buckets[h & ((1u << 18) - 1)]++ != 0) ++collisions;
    }
    CAPTURE(prefix);
    CHECK(full.size() == 100'000);
    CHECK(collisions < 100'000 * 22 / 100);
  }
  // Length matters even where the bytes are the same: "", "\0", "\0\0", ...
  std::set<std::uint64_t> zeros;
  for (std::size_t n = 0; n <= 16; ++n) zeros.insert(hash_string(std::string(n, '\0')));
  CHECK(zeros.size() == 17);
  // A byte's position matters: permutations of the same bytes differ.
  CHECK(hash_string("ab") != hash_string("ba"));
  CHECK(hash_string("abcdefgh") != hash_string("bacdefgh"));
  CHECK(hash_string("abcdefghi") != hash_string("abcdefgih"));
}

}  // namespace
}  // namespace sb
