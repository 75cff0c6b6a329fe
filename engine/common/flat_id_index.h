// An index from string ids to the dense indices of the records that hold them, which stores no
// keys: each slot is a 32-bit hash tag and a record index, and a match is confirmed by reading
// the key back from the record. 8 bytes a slot (a node map costs ~56 bytes an entry), and a
// look-up is one probe run in one array, usually one cache line. The core may use nothing but
// the standard library, so this is ours rather than Boost.Unordered's flat map, which would
// also store each key a second time.
//
// Open addressing, linear probing, at most 3/4 full; erase shifts the run back, so there are no
// tombstones and a long-lived index never degrades. The home slot comes from the tag, so growing
// reads no key. Not thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/common/string_hash.h"

namespace sb {

// KeyOf: a callable `std::string_view (std::uint32_t index) const` that returns the id the
// record at `index` holds. A record must keep its id while it is in the index.
template <typename KeyOf>
class FlatIdIndex {
 public:
  static constexpr std::uint32_t kAbsent = 0xFFFFFFFFu;

  explicit FlatIdIndex(KeyOf key_of = KeyOf{}) : key_of_(std::move(key_of)) {}

  // The record index of `key`, or kAbsent.
  std::uint32_t find(std::string_view key) const {
    const std::size_t s = slot_of(key);
    return s == kNoSlot ? kAbsent : slots_[s].index;
  }
  bool contains(std::string_view key) const { return slot_of(key) != kNoSlot; }

  // Adds `key` -> `index`. The key must not be in the index yet, and the record at `index` must
  // already hold it.
  void insert(std::string_view key, std::uint32_t index) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    place(Slot{tag_of(key), index});
    ++size_;
  }

  // Removes `key`, which its record must still hold; false if it was not there.
  bool erase(std::string_view key) {
    std::size_t hole = slot_of(key);
    if (hole == kNoSlot) return false;
    // Backward shift: pull each later member of the run into the hole when the hole lies
    // between its home and where it sits, so that every member stays reachable from its home.
    for (std::size_t next = (hole + 1) & mask_; slots_[next].tag != 0; next = (next + 1) & mask_) {
      const std::size_t home = slots_[next].tag & mask_;
      if (((next - home) & mask_) >= ((next - hole) & mask_)) {
        slots_[hole] = slots_[next];
        hole = next;
      }
    }
    slots_[hole] = Slot{};
    --size_;
    return true;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() {
    slots_.clear();
    slots_.shrink_to_fit();
    mask_ = 0;
    size_ = 0;
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;  // 0: empty
    std::uint32_t index = 0;
  };
  static constexpr std::size_t kNoSlot = ~std::size_t{0};

  static std::uint32_t tag_of(std::string_view key) {
    const std::uint64_t h = hash_string(key);
    const auto tag = static_cast<std::uint32_t>(h ^ (h >> 32));
    return tag == 0 ? 1 : tag;
  }

  std::size_t slot_of(std::string_view key) const {
    if (size_ == 0) return kNoSlot;
    const std::uint32_t tag = tag_of(key);
    for (std::size_t s = tag & mask_;; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.tag == 0) return kNoSlot;
      if (slot.tag == tag && key_of_(slot.index) == key) return s;
    }
  }

  void place(Slot slot) {
    std::size_t s = slot.tag & mask_;
    while (slots_[s].tag != 0) s = (s + 1) & mask_;
    slots_[s] = slot;
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.tag != 0) place(slot);
    }
  }

  KeyOf key_of_;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace sb
