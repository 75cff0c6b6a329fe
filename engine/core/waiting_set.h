// The interactions waiting in one (queue, step, channel), in the order routing takes them:
// highest order key first, then the longest wait, then the earliest to arrive. An intrusive
// treap: its links live in the interaction records, so waiting allocates nothing and costs 12
// bytes of the record instead of a 64-byte tree node. The treap's priorities are a hash of
// each interaction's wait_seq, so its shape, like everything in the core, is deterministic.
// Insert and erase are O(log n) expected; iteration walks the links in order. Core-thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/records.h"

namespace sb::core {

// An interaction's place in a waiting set, read from its record.
struct WaitKey {
  double order = 0;  // higher first
  std::int64_t queued_us = 0;
  std::uint64_t seq = 0;
  InteractionIndex interaction = kNone;
};

struct WaitLess {
  bool operator()(const WaitKey& a, const WaitKey& b) const {
    if (a.order != b.order) return a.order > b.order;
    if (a.queued_us != b.queued_us) return a.queued_us < b.queued_us;
    return a.seq < b.seq;
  }
};

class WaitingSet {
 public:
  explicit WaitingSet(InteractionTable* interactions) : interactions_(interactions) {}
  // A copy would share the links in the records with the original: only moves (for the vector
  // of sets).
  WaitingSet(const WaitingSet&) = delete;
  WaitingSet& operator=(const WaitingSet&) = delete;
  WaitingSet(WaitingSet&&) noexcept = default;
  WaitingSet& operator=(WaitingSet&&) noexcept = default;

  // Adds `i`, whose order_key, queued_at and wait_seq place it; it must be in no set.
  void insert(InteractionIndex i);
  // Removes `i`, which must be in this set (checked in debug builds: O(depth)).
  void erase(InteractionIndex i);
  // Whether `i` is in this set: O(depth).
  bool contains(InteractionIndex i) const;
  // Problems with the treap itself (empty when sound): a child whose parent link does not
  // point back, a child with a higher priority than its parent, a size that is off. For the
  // invariant checks and the tests.
  std::vector<std::string> check() const;
  // The longest path from the root, in nodes (0 when empty). For the tests.
  std::size_t depth() const;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  class Iterator {
   public:
    Iterator(const WaitingSet* set, InteractionIndex at) : set_(set), at_(at) {}
    WaitKey operator*() const { return set_->key(at_); }
    Iterator& operator++() {
      at_ = set_->successor(at_);
      return *this;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.at_ == b.at_; }

   private:
    const WaitingSet* set_;
    InteractionIndex at_;
  };
  Iterator begin() const { return Iterator(this, root_ == kNone ? kNone : leftmost(root_)); }
  Iterator end() const { return Iterator(this, kNone); }

  WaitKey key(InteractionIndex i) const {
    const Interaction& it = (*interactions_)[i];
    return WaitKey{it.order_key, it.queued_at.us, it.wait_seq, i};
  }

 private:
  WaitLinks& links(InteractionIndex i) const { return (*interactions_)[i].wait_links; }
  std::uint64_t priority(InteractionIndex i) const;
  InteractionIndex leftmost(InteractionIndex i) const;
  InteractionIndex successor(InteractionIndex i) const;
  // Moves `x` above its parent, keeping the in-order sequence.
  void rotate_up(InteractionIndex x);

  InteractionTable* interactions_;
  InteractionIndex root_ = kNone;
  std::size_t size_ = 0;
};

}  // namespace sb::core
