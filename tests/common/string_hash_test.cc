#include "engine/common/string_hash.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace sb {
namespace {

const std::string kText = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

TEST_CASE("string hash: equal strings hash equal wherever they are stored") {
  // Every length through more than two 16-byte blocks, so each path (empty, 1-3 bytes, 4-16,
  // the block loop once and twice) is covered. The copy sits at another address, and what
  // follows it differs, so a read past the end would change its hash.
  for (std::size_t n = 0; n <= 40; ++n) {
    const std::string a = kText.substr(0, n);
    const std::string b = "#" + a + "tail-that-differs";
    CAPTURE(n);
    CHECK(hash_string(a) == hash_string(std::string_view(b).substr(1, n)));
  }
}

TEST_CASE("string hash: reads exactly the bytes of the view") {
  for (std::size_t n = 0; n <= 40; ++n) {
    const std::string middle = kText.substr(5, n);
    const std::string left = "XXXXXXXXXXXXXXXX" + middle + "YYYYYYYYYYYYYYYY";
    const std::string right = "ZZZZZZZZZZZZZZZZ" + middle + "WWWWWWWWWWWWWWWW";
    CAPTURE(n);
    // Different surroundings: a read past either end would change the hash.
    CHECK(hash_string(std::string_view(left).substr(16, n)) ==
          hash_string(std::string_view(right).substr(16, n)));
    // An exact-size heap copy: AddressSanitizer reports any read past it.
    const std::vector<char> exact(middle.begin(), middle.end());
    CHECK(hash_string(std::string_view(exact.data(), exact.size())) ==
          hash_string(std::string_view(left).substr(16, n)));
    // Every byte inside counts: changing any one of them changes the hash.
    for (std::size_t k = 0; k < n; ++k) {
      std::string changed = middle;
      changed[k] ^= 0x20;
      CAPTURE(k);
      CHECK(hash_string(changed) != hash_string(middle));
    }
  }
}

TEST_CASE("string hash: the ids an index meets spread over the low bits of its tag") {
  // FlatIdIndex takes the home slot from the low bits of (h ^ h >> 32). 100,000 sequential ids
  // into 2^18 buckets: a uniform hash puts about 17 % of them in a bucket already taken; far
  // more means a weak mix. Short ids (one multiply) and long ones (the 16-byte block loop).
  for (const std::string prefix :
       {"ix-", "customer-0000000000-", "a-much-longer-id-prefix-of-tenant-"}) {
    std::set<std::uint64_t> full;
    std::vector<std::uint32_t> buckets(1u << 18, 0);
    std::size_t collisions = 0;
    for (int k = 0; k < 100'000; ++k) {
      const std::string id = prefix + std::to_string(k);
      const std::uint64_t h = hash_string(id);
      const auto tag = static_cast<std::uint32_t>(h ^ (h >> 32));
      full.insert(h);
      if (buckets[tag & ((1u << 18) - 1)]++ != 0) ++collisions;
    }
    CAPTURE(prefix);
    CHECK(full.size() == 100'000);
    CHECK(collisions < 100'000 * 22 / 100);
  }
  // Length matters even where the bytes are the same: "", "\0", "\0\0", ...
  std::set<std::uint64_t> zeros;
  for (std::size_t n = 0; n <= 40; ++n) zeros.insert(hash_string(std::string(n, '\0')));
  CHECK(zeros.size() == 41);
  // A byte's position matters: permutations of the same bytes differ.
  CHECK(hash_string("ab") != hash_string("ba"));
  CHECK(hash_string("abcdefgh") != hash_string("bacdefgh"));
  CHECK(hash_string("abcdefghijklmnopq") != hash_string("abcdefghijklmnoqp"));
}

TEST_CASE("string hash: a block equal to the running state does not erase what came before") {
  // A 16-byte block whose second word equals the state makes one factor of the multiply zero.
  // Were the product assigned rather than folded in, the state after it would be zero whatever
  // the first word was, and every id that differs only there would collide.
  const std::uint64_t seed = detail::initial_seed();
  std::set<std::uint64_t> hashes;
  for (char c = 'a'; c <= 'z'; ++c) {
    std::string id(16, c);  // first word: varies
    id.resize(8);
    char state[8];
    std::memcpy(state, &seed, sizeof state);  // second word: the state, in memory order
    id.append(state, sizeof state);
    id += "-and-a-tail-of-sixteen";
    hashes.insert(hash_string(id));
  }
  CHECK(hashes.size() == 26);
}

}  // namespace
}  // namespace sb
