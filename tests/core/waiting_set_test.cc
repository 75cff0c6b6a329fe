#include "engine/core/waiting_set.h"

#include <doctest/doctest.h>

#include <random>
#include <set>
#include <vector>

namespace sb::core {
namespace {

std::vector<WaitKey> contents(const WaitingSet& set) {
  std::vector<WaitKey> out;
  for (const WaitKey& key : set) out.push_back(key);
  return out;
}

TEST_CASE("waiting set: routing order, then erase from anywhere") {
  InteractionTable table;
  WaitingSet set(&table);
  CHECK(set.empty());
  CHECK(set.begin() == set.end());
  // (order key, queued at, arrival): higher order first, then the longest wait, then arrival.
  const double order[] = {1, 5, 1, 5, 3};
  const std::int64_t queued[] = {10, 30, 5, 20, 1};
  for (std::uint64_t k = 0; k < 5; ++k) {
    Interaction& it = table.emplace_back();
    it.order_key = order[k];
    it.queued_at = Timestamp{queued[k]};
    it.wait_seq = k;
    set.insert(static_cast<InteractionIndex>(k));
  }
  CHECK(set.size() == 5);
  std::vector<InteractionIndex> got;
  for (const WaitKey& key : set) got.push_back(key.interaction);
  CHECK(got == std::vector<InteractionIndex>{3, 1, 4, 2, 0});
  set.erase(1);
  set.erase(2);
  got.clear();
  for (const WaitKey& key : set) got.push_back(key.interaction);
  CHECK(got == std::vector<InteractionIndex>{3, 4, 0});
  CHECK(set.size() == 3);
}

// Random inserts and erases against std::set with the same order: the same members in the same
// order after every step, including ties on the order key and on the wait.
TEST_CASE("waiting set agrees with std::set under random operations") {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    InteractionTable table;
    WaitingSet set(&table);
    std::set<WaitKey, WaitLess> reference;
    std::vector<InteractionIndex> members;
    std::uint64_t next_seq = 0;
    for (int step = 0; step < 20'000; ++step) {
      if (members.empty() || rng() % 100 < 55) {
        const auto i = static_cast<InteractionIndex>(table.size());
        Interaction& it = table.emplace_back();
        it.order_key = static_cast<double>(rng() % 4);  // many ties
        it.queued_at = Timestamp{static_cast<std::int64_t>(rng() % 50)};
        it.wait_seq = next_seq++;
        set.insert(i);
        reference.insert(set.key(i));
        members.push_back(i);
      } else {
        const std::size_t pick = rng() % members.size();
        const InteractionIndex i = members[pick];
        members[pick] = members.back();
        members.pop_back();
        REQUIRE(reference.erase(set.key(i)) == 1);
        set.erase(i);
      }
      REQUIRE(set.size() == reference.size());
      if (step % 97 == 0 || set.size() < 8) {
        REQUIRE(set.check().empty());  // parent links, treap priorities, count
        const std::vector<WaitKey> got = contents(set);
        REQUIRE(got.size() == reference.size());
        auto expected = reference.begin();
        for (const WaitKey& key : got) {
          REQUIRE(key.interaction == expected->interaction);
          ++expected;
        }
      }
    }
  }
}

}  // namespace
}  // namespace sb::core

namespace sb::core {
namespace {

// Keys arrive in order in the core (a queue's waits mostly grow), the worst case for an
// unbalanced tree: the treap must stay logarithmic, and a member of another set is not found.
TEST_CASE("waiting set stays shallow when keys arrive in order") {
  InteractionTable table;
  WaitingSet set(&table);
  WaitingSet other(&table);
  constexpr std::uint64_t kCount = 50'000;
  for (std::uint64_t k = 0; k < kCount; ++k) {
    Interaction& it = table.emplace_back();
    it.order_key = 1;
    it.queued_at = Timestamp{static_cast<std::int64_t>(k)};
    it.wait_seq = k;
    set.insert(static_cast<InteractionIndex>(k));
  }
  Interaction& outsider = table.emplace_back();
  outsider.wait_seq = kCount;
  other.insert(static_cast<InteractionIndex>(kCount));
  CHECK(set.check().empty());
  // A treap's expected depth is about 3 log2(n) (~47 here); a list would be 50,000 deep.
  CHECK(set.depth() <= 80);
  CHECK(set.contains(0));
  CHECK(set.contains(kCount - 1));
  CHECK_FALSE(set.contains(static_cast<InteractionIndex>(kCount)));
  CHECK(other.contains(static_cast<InteractionIndex>(kCount)));
  // Erasing from the front, as routing does, keeps it sound and shallow.
  for (std::uint64_t k = 0; k < kCount / 2; ++k) set.erase(static_cast<InteractionIndex>(k));
  CHECK(set.size() == kCount / 2);
  CHECK(set.check().empty());
  CHECK(set.depth() <= 80);
  CHECK((*set.begin()).interaction == kCount / 2);
}

}  // namespace
}  // namespace sb::core
