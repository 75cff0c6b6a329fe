#include <doctest/doctest.h>

#include "engine/common/byte_codec.h"
#include "engine/core/journey_store.h"
#include "tests/support/core_harness.h"

using namespace sb;
using namespace sb::test;
using namespace std::chrono_literals;

TEST_CASE("journey store keeps the last N contacts within the look-back window") {
  core::JourneyStore store;
  store.configure(3, 24h, 100);
  const std::uint32_t slot = store.touch("alice", kEpoch);
  for (int k = 0; k < 5; ++k) {
    core::Contact c;
    c.interaction_id = "i" + std::to_string(k);
    c.created_at = kEpoch + std::chrono::minutes(k);
    store.add_contact(slot, c, c.created_at);
  }
  const core::Customer* alice = store.get(slot, "alice");
  REQUIRE(alice != nullptr);
  REQUIRE(alice->contacts.size() == 3);
  CHECK(alice->contacts.front().interaction_id == "i2");
  core::Contact late;
  late.interaction_id = "late";
  late.created_at = kEpoch + 25h;
  store.add_contact(slot, late, late.created_at);
  CHECK(store.get(slot, "alice")->contacts.size() == 1);  // the old ones fell out of the window
}

TEST_CASE("journey store evicts the least recently seen customer past its cap") {
  core::JourneyStore store;
  store.configure(5, 24h, 2);
  const std::uint32_t a = store.touch("a", kEpoch);
  store.touch("b", kEpoch + 1s);
  store.touch("a", kEpoch + 2s);  // a is now more recent than b
  store.touch("c", kEpoch + 3s);
  CHECK(store.customers() == 2);
  CHECK(store.find("b") == core::kNone);
  CHECK(store.get(a, "a") != nullptr);
  const std::uint32_t d = store.touch("d", kEpoch + 4s);  // evicts a, whose slot is reused
  CHECK(store.get(a, "a") == nullptr);
  CHECK(store.get(d, "d") != nullptr);
}

TEST_CASE("customer references: contacts in a window, last channel, last agent") {
  Policy p = basic_policy();
  QueuePolicy repeat;
  repeat.name = "repeat";
  repeat.match = expr::binary(ExprOp::Ge, expr::customer_contacts(std::chrono::hours(24 * 7)),
                              expr::literal(2.0));
  repeat.steps = {EscalationStep{0s, Expr{}, 0}};
  QueuePolicy from_chat;
  from_chat.name = "from_chat";
  from_chat.match = expr::binary(ExprOp::Eq, expr::ref(RefKind::CustomerLastChannel),
                                 expr::literal(std::string("chat")));
  from_chat.steps = {EscalationStep{0s, Expr{}, 0}};
  p.queues.insert(p.queues.begin(), {repeat, from_chat});
  Harness h(p);
  h.create("first", "email", "erin");
  CHECK(h.core().interaction("first")->summary.queue == "general");
  h.create("second", "chat", "erin");
  CHECK(h.core().interaction("second")->summary.queue == "general");  // last was email
  h.create("third", "voice", "erin");
  CHECK(h.core().interaction("third")->summary.queue == "repeat");
  auto journey = h.core().journey("erin");
  REQUIRE(journey.size() == 3);
  CHECK(journey[0].interaction_id == "third");  // newest first
  CHECK(journey[2].channel == "email");
}

// A saved store whose customer has two contacts with one sequence is refused: find_contact
// would find only one of them, and interactions find their contact by it.
TEST_CASE("journey store load refuses contacts out of sequence") {
  core::JourneyStore store;
  store.configure(10, 24h, 100);
  const std::uint32_t slot = store.touch("alice", kEpoch);
  for (const char* id : {"contact-a", "contact-b"}) {
    core::Contact c;
    c.interaction_id = id;
    c.channel = 0;  // a symbol the loader is told exists
    c.created_at = kEpoch;
    store.add_contact(slot, c, kEpoch);
  }
  std::string bytes;
  ByteWriter w(bytes);
  store.save(w);
  w.finish();
  const auto loads = [](const std::string& b) {
    core::JourneyStore loaded;
    ByteReader r(b);
    return loaded.load(r, 100, 100) && r.ok();
  };
  REQUIRE(loads(bytes));
  // The second contact's sequence (2) is the byte before its id's length and text.
  const std::string second = std::string("\x09") + "contact-b";
  const std::size_t at = bytes.find(second);
  REQUIRE(at != std::string::npos);
  REQUIRE(at > 0);
  REQUIRE(bytes[at - 1] == 2);
  for (const char seq : {1, 0}) {  // the first contact's sequence again, then none
    std::string damaged = bytes;
    damaged[at - 1] = seq;
    CHECK_FALSE(loads(damaged));
  }
}
