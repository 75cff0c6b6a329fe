#include "engine/core/journey_store.h"

#include <algorithm>

#include "engine/common/assert.h"

namespace sb::core {
namespace {}

void JourneyStore::configure(std::uint32_t max_contacts, Duration lookback,
                             std::uint32_t max_customers) {
  max_contacts_ = std::max<std::uint32_t>(1, max_contacts);
  lookback_ = lookback;
  max_customers_ = std::max<std::uint32_t>(1, max_customers);
  while (index_.size() > max_customers_) evict_oldest();
}

std::uint32_t JourneyStore::find(std::string_view customer_id) const {
  return index_.find(customer_id);
}

std::uint32_t JourneyStore::touch(std::string_view customer_id, Timestamp now,
                                  std::uint32_t found) {
  if (found == kNoSlot) found = index_.find(customer_id);
  if (found != kNoSlot) {
    SB_ASSERT(found < slots_.size() && slots_[found].live && slots_[found].id == customer_id);
    Customer& c = slots_[found];
    c.last_seen = now;
    lru_unlink(found);
    lru_push_back(found);
    return found;
  }
  if (index_.size() >= max_customers_) evict_oldest();
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Customer& c = slots_[slot];
  c.id = customer_id;
  c.contacts.clear();
  c.last_seen = now;
  c.live = true;
  index_.insert(c.id, slot);
  lru_push_back(slot);
  return slot;
}

std::uint64_t JourneyStore::add_contact(std::uint32_t slot, Contact contact, Timestamp now) {
  SB_CHECK(slot < slots_.size() && slots_[slot].live);
  Customer& c = slots_[slot];
  prune(c, now);
  if (c.contacts.size() >= max_contacts_) c.contacts.erase(c.contacts.begin());
  contact.seq = next_seq_++;
  c.contacts.push_back(std::move(contact));
  return c.contacts.back().seq;
}

void JourneyStore::prune(Customer& c, Timestamp now) {
  const Timestamp cutoff = now - lookback_;
  auto keep = std::find_if(c.contacts.begin(), c.contacts.end(),
                           [&](const Contact& k) { return k.created_at >= cutoff; });
  c.contacts.erase(c.contacts.begin(), keep);
}

void JourneyStore::lru_unlink(std::uint32_t slot) {
  Customer& c = slots_[slot];
  if (c.lru_prev != kNoSlot)
    slots_[c.lru_prev].lru_next = c.lru_next;
  else
    lru_head_ = c.lru_next;
  if (c.lru_next != kNoSlot)
    slots_[c.lru_next].lru_prev = c.lru_prev;
  else
    lru_tail_ = c.lru_prev;
  c.lru_prev = c.lru_next = kNoSlot;
}

void JourneyStore::lru_push_back(std::uint32_t slot) {
  Customer& c = slots_[slot];
  c.lru_prev = lru_tail_;
  c.lru_next = kNoSlot;
  if (lru_tail_ != kNoSlot)
    slots_[lru_tail_].lru_next = slot;
  else
    lru_head_ = slot;
  lru_tail_ = slot;
}

void JourneyStore::evict_oldest() {
  const std::uint32_t slot = lru_head_;
  SB_CHECK(slot != kNoSlot);
  lru_unlink(slot);
  Customer& c = slots_[slot];
  index_.erase(c.id);
  c.live = false;
  c.id.clear();
  c.contacts.clear();
  c.contacts.shrink_to_fit();
  free_.push_back(slot);
}

}  // namespace sb::core
