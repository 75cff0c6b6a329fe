// Customer journeys: per customer id, the last N contacts across every channel, so that routing
// can prefer a previous agent and offers carry the customer's history. Memory is bounded: at
// most N contacts per customer, contacts older than the look-back window are dropped, and the
// least recently seen customer is evicted past the customer cap. Core-thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/common/flat_id_index.h"
#include "engine/common/symbol_table.h"
#include "switchboard/time.h"

namespace sb {
class ByteWriter;
class ByteReader;
}  // namespace sb

namespace sb::core {

struct Contact {
  std::uint64_t seq = 0;  // unique across the store; interactions find their contact by it
  std::string interaction_id;
  Timestamp created_at;
  Timestamp answered_at;  // .us == 0: not answered
  Timestamp ended_at;     // .us == 0: not ended
  // The journey this contact belongs to (same customer and intent, repeats within the repeat
  // window): measurements only, never read by routing.
  Timestamp journey_start;
  Symbol channel = kNoSymbol;
  Symbol queue = kNoSymbol;
  std::uint32_t agent = 0xFFFFFFFFu;  // AgentIndex, kNone if never answered
  Symbol intent = kNoSymbol;
  Symbol outcome = kNoSymbol;
  float sentiment = 0;
  std::uint16_t journey_contacts = 1;
  std::uint16_t journey_switches = 0;
  bool journey_human = false;  // a human agent answered one of its contacts
};

struct Customer {
  std::string id;
  std::vector<Contact> contacts;  // oldest first
  Timestamp last_seen;
  std::uint32_t lru_prev = 0xFFFFFFFFu;
  std::uint32_t lru_next = 0xFFFFFFFFu;
  bool live = false;
};

class JourneyStore {
 public:
  static constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;
  JourneyStore() = default;
  // The index reads ids through a pointer to slots_: a copy would read the original's.
  JourneyStore(const JourneyStore&) = delete;
  JourneyStore& operator=(const JourneyStore&) = delete;

  void configure(std::uint32_t max_contacts, Duration lookback, std::uint32_t max_customers);

  // The slot of `customer_id`, created if needed, marked most recently seen. `found`: its slot
  // if the caller has just looked it up with find() (a live customer), sparing a second probe.
  std::uint32_t touch(std::string_view customer_id, Timestamp now, std::uint32_t found = kNoSlot);
  // The slot of `customer_id`, or kNoSlot; does not change recency.
  std::uint32_t find(std::string_view customer_id) const;
  // The customer in `slot` if it still holds `customer_id` (slots are reused after eviction).
  // Inline, as find_contact: routing and every measurement of an interaction go through them.
  const Customer* get(std::uint32_t slot, std::string_view customer_id) const {
    if (slot >= slots_.size() || !slots_[slot].live || slots_[slot].id != customer_id)
      return nullptr;
    return &slots_[slot];
  }
  Customer* get(std::uint32_t slot, std::string_view customer_id) {
    return const_cast<Customer*>(std::as_const(*this).get(slot, customer_id));
  }

  // Appends a contact (dropping the oldest past the cap or the window); returns its seq.
  std::uint64_t add_contact(std::uint32_t slot, Contact contact, Timestamp now);
  Contact* find_contact(std::uint32_t slot, std::string_view customer_id, std::uint64_t seq) {
    Customer* c = get(slot, customer_id);
    if (c == nullptr) return nullptr;
    // Newest first: the contacts looked up are those of live interactions, the latest ones.
    for (auto k = c->contacts.rbegin(); k != c->contacts.rend(); ++k) {
      if (k->seq == seq) return &*k;
    }
    return nullptr;
  }
  // The live customer in `slot` (whoever it is now), or nullptr.
  const Customer* in_slot(std::uint32_t slot) const {
    return slot < slots_.size() && slots_[slot].live ? &slots_[slot] : nullptr;
  }

  Duration lookback() const { return lookback_; }
  std::size_t customers() const { return index_.size(); }
  // State snapshots (core_state.cc): everything but the index, which load rebuilds. `load`
  // wants a fresh store and checks symbols against `symbols` and agents against `agents`; false
  // when the bytes are malformed.
  void save(ByteWriter& w) const;
  bool load(ByteReader& r, std::size_t symbols, std::size_t agents);

  // Visits live customers in slot order (deterministic).
  template <typename F>
  void for_each(F&& f) const {
    for (const Customer& c : slots_) {
      if (c.live) f(c);
    }
  }

 private:
  void lru_unlink(std::uint32_t slot);
  void lru_push_back(std::uint32_t slot);
  void evict_oldest();
  void prune(Customer& c, Timestamp now);

  std::uint32_t max_contacts_ = 10;
  Duration lookback_ = std::chrono::hours(24 * 30);
  std::uint32_t max_customers_ = 1'000'000;
  std::uint64_t next_seq_ = 1;
  std::vector<Customer> slots_;
  std::vector<std::uint32_t> free_;
  struct IdOfSlot {
    const std::vector<Customer>* slots = nullptr;
    std::string_view operator()(std::uint32_t slot) const { return (*slots)[slot].id; }
  };
  FlatIdIndex<IdOfSlot> index_{IdOfSlot{&slots_}};
  std::uint32_t lru_head_ = 0xFFFFFFFFu;
  std::uint32_t lru_tail_ = 0xFFFFFFFFu;
};

}  // namespace sb::core
