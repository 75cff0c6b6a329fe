#include "engine/common/flat_id_index.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace sb {
namespace {

struct Records {
  std::vector<std::string> ids;
};

struct IdOfRecord {
  const Records* records = nullptr;
  std::string_view operator()(std::uint32_t i) const { return records->ids[i]; }
};

TEST_CASE("flat id index: find, insert and erase") {
  Records records;
  FlatIdIndex<IdOfRecord> index{IdOfRecord{&records}};
  CHECK(index.find("a") == FlatIdIndex<IdOfRecord>::kAbsent);
  CHECK_FALSE(index.erase("a"));
  records.ids = {"a", "b", ""};
  index.insert("a", 0);
  index.insert("b", 1);
  index.insert("", 2);  // the empty id is a key like any other
  CHECK(index.size() == 3);
  CHECK(index.find("a") == 0);
  CHECK(index.find("b") == 1);
  CHECK(index.find("") == 2);
  CHECK(index.find("c") == FlatIdIndex<IdOfRecord>::kAbsent);
  CHECK(index.erase("a"));
  CHECK_FALSE(index.contains("a"));
  CHECK(index.find("b") == 1);
  CHECK(index.size() == 2);
  index.clear();
  CHECK(index.empty());
  CHECK(index.find("b") == FlatIdIndex<IdOfRecord>::kAbsent);
}

// Random inserts, erases and look-ups against std::unordered_map, at sizes that cross many
// growths and with runs long enough for the backward shift of erase to matter.
TEST_CASE("flat id index agrees with std::unordered_map under random operations") {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    Records records;
    FlatIdIndex<IdOfRecord> index{IdOfRecord{&records}};
    std::unordered_map<std::string, std::uint32_t> reference;
    const std::uint32_t key_space = seed == 1 ? 64 : 20'000;
    for (int step = 0; step < 200'000; ++step) {
      const std::string key = "id-" + std::to_string(rng() % key_space);
      const std::uint32_t op = rng() % 10;
      if (op < 5) {
        if (reference.count(key) == 0) {
          const auto i = static_cast<std::uint32_t>(records.ids.size());
          records.ids.push_back(key);
          index.insert(key, i);
          reference.emplace(key, i);
        }
      } else if (op < 8) {
        const bool had = reference.erase(key) == 1;
        REQUIRE(index.erase(key) == had);
      } else {
        auto found = reference.find(key);
        const std::uint32_t expected =
            found == reference.end() ? FlatIdIndex<IdOfRecord>::kAbsent : found->second;
        REQUIRE(index.find(key) == expected);
      }
      REQUIRE(index.size() == reference.size());
    }
    for (const auto& entry : reference) REQUIRE(index.find(entry.first) == entry.second);
  }
}

}  // namespace
}  // namespace sb
