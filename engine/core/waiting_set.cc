#include "engine/core/waiting_set.h"

#include "engine/common/assert.h"

namespace sb::core {

std::uint64_t WaitingSet::priority(InteractionIndex i) const {
  // splitmix64 of the arrival number: uniform enough to keep the treap balanced.
  std::uint64_t z = (*interactions_)[i].wait_seq + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

InteractionIndex WaitingSet::leftmost(InteractionIndex i) const {
  while (links(i).left != kNone) i = links(i).left;
  return i;
}

InteractionIndex WaitingSet::successor(InteractionIndex i) const {
  if (links(i).right != kNone) return leftmost(links(i).right);
  InteractionIndex parent = links(i).parent;
  while (parent != kNone && links(parent).right == i) {
    i = parent;
    parent = links(i).parent;
  }
  return parent;
}

void WaitingSet::rotate_up(InteractionIndex x) {
  WaitLinks& xl = links(x);
  const InteractionIndex p = xl.parent;
  WaitLinks& pl = links(p);
  const InteractionIndex g = pl.parent;
  if (pl.left == x) {
    pl.left = xl.right;
    if (xl.right != kNone) links(xl.right).parent = p;
    xl.right = p;
  } else {
    pl.right = xl.left;
    if (xl.left != kNone) links(xl.left).parent = p;
    xl.left = p;
  }
  pl.parent = x;
  xl.parent = g;
  if (g == kNone) {
    root_ = x;
  } else if (links(g).left == p) {
    links(g).left = x;
  } else {
    links(g).right = x;
  }
}

void WaitingSet::insert(InteractionIndex i) {
  links(i) = WaitLinks{};
  ++size_;
  if (root_ == kNone) {
    root_ = i;
    return;
  }
  const WaitKey k = key(i);
  const WaitLess less;
  InteractionIndex at = root_;
  while (true) {
    InteractionIndex& child = less(k, key(at)) ? links(at).left : links(at).right;
    if (child == kNone) {
      child = i;
      links(i).parent = at;
      break;
    }
    at = child;
  }
  const std::uint64_t mine = priority(i);
  while (links(i).parent != kNone && mine > priority(links(i).parent)) rotate_up(i);
}

void WaitingSet::erase(InteractionIndex i) {
  SB_CHECK(size_ > 0 && (root_ == i || links(i).parent != kNone));
  // Rotate the higher-priority child above `i` until `i` is a leaf, then cut it off.
  while (true) {
    const WaitLinks& l = links(i);
    if (l.left == kNone && l.right == kNone) break;
    const InteractionIndex child = l.left == kNone                        ? l.right
                                   : l.right == kNone                     ? l.left
                                   : priority(l.left) > priority(l.right) ? l.left
                                                                          : l.right;
    rotate_up(child);
  }
  const InteractionIndex parent = links(i).parent;
  if (parent == kNone) {
    root_ = kNone;
  } else if (links(parent).left == i) {
    links(parent).left = kNone;
  } else {
    links(parent).right = kNone;
  }
  links(i) = WaitLinks{};
  --size_;
}

}  // namespace sb::core
