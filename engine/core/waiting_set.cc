#include "engine/core/waiting_set.h"

#include <algorithm>
#include <utility>

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

bool WaitingSet::contains(InteractionIndex i) const {
  if (root_ == kNone || i == kNone) return false;
  if (i != root_ && links(i).parent == kNone) return false;
  while (links(i).parent != kNone) i = links(i).parent;
  return i == root_;
}

std::vector<std::string> WaitingSet::check() const {
  std::vector<std::string> bad;
  if (root_ == kNone) {
    if (size_ != 0) bad.push_back("an empty waiting set counts " + std::to_string(size_));
    return bad;
  }
  if (links(root_).parent != kNone) bad.push_back("the waiting set's root has a parent");
  std::size_t seen = 0;
  std::vector<InteractionIndex> stack{root_};
  while (!stack.empty() && bad.size() < 16) {
    const InteractionIndex at = stack.back();
    stack.pop_back();
    ++seen;
    for (const InteractionIndex child : {links(at).left, links(at).right}) {
      if (child == kNone) continue;
      if (links(child).parent != at) {
        bad.push_back("waiting set: a child's parent link does not point back");
      }
      if (priority(child) > priority(at)) {
        bad.push_back("waiting set: a child outranks its parent in the treap");
      }
      stack.push_back(child);
    }
  }
  if (seen != size_) {
    bad.push_back("a waiting set counts " + std::to_string(size_) + " and holds " +
                  std::to_string(seen));
  }
  return bad;
}

std::size_t WaitingSet::depth() const {
  std::size_t deepest = 0;
  std::vector<std::pair<InteractionIndex, std::size_t>> stack;
  if (root_ != kNone) stack.emplace_back(root_, 1);
  while (!stack.empty()) {
    const auto [at, level] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, level);
    if (links(at).left != kNone) stack.emplace_back(links(at).left, level + 1);
    if (links(at).right != kNone) stack.emplace_back(links(at).right, level + 1);
  }
  return deepest;
}

void WaitingSet::erase(InteractionIndex i) {
  SB_CHECK(size_ > 0 && (root_ == i || links(i).parent != kNone));
  SB_ASSERT(contains(i));  // a member of another set would corrupt both
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
