// The core's measurements (Core::stats) and the events that watch them: queue service level
// and sentiment drops. Everything on the virtual clock.
#include <doctest/doctest.h>

#include "tests/support/core_harness.h"

using namespace sb;
using namespace sb::test;
using namespace std::chrono_literals;

namespace {

const QueueChannelStats& cell(const StatsSnapshot& s, const std::string& queue,
                              const std::string& channel) {
  for (const QueueChannelStats& c : s.queue_channels) {
    if (c.queue == queue && c.channel == channel) return c;
  }
  FAIL("no figures for " << queue << "/" << channel);
  throw std::logic_error("unreachable");
}

const ChannelStats& channel(const StatsSnapshot& s, const std::string& name) {
  for (const ChannelStats& c : s.channels) {
    if (c.channel == name) return c;
  }
  FAIL("no figures for channel " << name);
  throw std::logic_error("unreachable");
}

const QueueStats& queue(const StatsSnapshot& s, const std::string& name) {
  for (const QueueStats& q : s.queues) {
    if (q.name == name) return q;
  }
  FAIL("no figures for queue " << name);
  throw std::logic_error("unreachable");
}

// The bucket a value falls in (the index of the first bound >= value).
std::uint64_t in_bucket(const HistogramData& h, double bound) {
  for (std::size_t k = 0; k < h.bounds.size(); ++k) {
    if (h.bounds[k] == bound) return h.counts[k];
  }
  FAIL("no bound " << bound);
  return 0;
}

Attributes intent(const std::string& name) { return {{"intent", name}}; }

}  // namespace

TEST_CASE("answers, abandons and waits are counted per queue and channel") {
  Harness h;
  h.add_agent({.id = "a1", .channels = {{"voice", 1}}});
  h.create("i1", "voice", "c1");  // offered at once
  h.advance(4s);
  h.accept("i1");
  h.create("i2", "voice", "c2");  // a1 is busy: it waits
  h.advance(12s);
  {
    const StatsSnapshot s = h.core().stats();
    const QueueChannelStats& general = cell(s, "general", "voice");
    CHECK(general.waiting == 1);
    CHECK(general.oldest_wait == 12s);
    CHECK(queue(s, "general").agents_eligible == 1);  // a1 is busy but could take it
  }
  h.advance(18s);
  h.ok(CancelInteraction{"i2", ""});  // abandoned after 30 s, past the 20 s threshold
  h.advance(100s);
  h.complete("i1");

  const StatsSnapshot s = h.core().stats();
  const QueueChannelStats& general = cell(s, "general", "voice");
  CHECK(general.entered == 2);
  CHECK(general.answered == 1);
  CHECK(general.abandoned == 1);
  CHECK(general.waiting == 0);
  CHECK(general.oldest_wait == 0s);
  CHECK(in_bucket(general.wait_answered, 5) == 1);
  CHECK(general.wait_answered.sum == doctest::Approx(4));
  CHECK(in_bucket(general.wait_abandoned, 30) == 1);
  CHECK(in_bucket(general.handle_time, 180) == 1);  // 130 s: accepted at 4 s, completed at 134 s
  REQUIRE(general.service_level.has_value());
  CHECK(*general.service_level == doctest::Approx(0.5));  // 1 within / (1 + 1 late abandon)
  REQUIRE(general.average_speed_of_answer_s.has_value());
  CHECK(*general.average_speed_of_answer_s == doctest::Approx(4));
  CHECK(queue(s, "general").sla_target == doctest::Approx(0.8));

  const ChannelStats& voice = channel(s, "voice");
  const auto offers = [&](OfferResult r) { return voice.offers[static_cast<std::size_t>(r)]; };
  CHECK(offers(OfferResult::Created) == 1);
  CHECK(offers(OfferResult::Accepted) == 1);
  CHECK(voice.agents[static_cast<std::size_t>(AgentBucket::Available)] == 1);
  CHECK(voice.transfers_per_interaction.count == 2);  // both ended
  CHECK(s.commands_applied[2] == 2);                  // interaction.create
}

TEST_CASE("the rolling window forgets outcomes older than the window") {
  Harness h;
  h.add_agent({.id = "a1", .channels = {{"chat", 1}}});
  h.create("i1", "chat", "c1");
  h.advance(25s);
  h.accept("i1");  // answered late: the threshold is 20 s
  CHECK(*cell(h.core().stats(), "general", "chat").service_level == doctest::Approx(0));
  h.advance(16min);
  CHECK_FALSE(cell(h.core().stats(), "general", "chat").service_level.has_value());
  CHECK(cell(h.core().stats(), "general", "chat").answered == 1);  // totals stay
}

TEST_CASE("offers by result, and agents set away after missed offers") {
  Policy p = basic_policy();
  p.offers.max_consecutive_misses = 2;
  Harness h(p);
  h.add_agent({.id = "a1", .channels = {{"chat", 1}}});
  h.add_agent({.id = "a2", .channels = {{"chat", 1}}});
  h.create("i1", "chat", "c1");
  const std::string first = h.agent_of("i1");
  h.reject("i1");  // goes to the other agent
  h.advance(31s);  // that offer expires
  const StatsSnapshot s = h.core().stats();
  const ChannelStats& chat = channel(s, "chat");
  CHECK(chat.offers[static_cast<std::size_t>(OfferResult::Created)] >= 2);
  CHECK(chat.offers[static_cast<std::size_t>(OfferResult::Rejected)] == 1);
  CHECK(chat.offers[static_cast<std::size_t>(OfferResult::Expired)] >= 1);
  h.create("i2", "chat", "c2");
  h.advance(31s);
  h.advance(31s);
  CHECK(h.core().stats().agents_set_away >= 1);
}

TEST_CASE("omnichannel: repeats, channel switches, affinity hits and journeys") {
  Harness h;
  h.add_agent({.id = "a1", .channels = {{"chat", 3}, {"voice", 1}}});
  h.create("chat1", "chat", "erin", intent("refund"));
  h.accept("chat1");
  h.advance(5min);
  h.ok(CompleteInteraction{"chat1", "follow_up"});
  h.advance(1h);
  h.create("call1", "voice", "erin", intent("refund"));  // the same need, another channel
  h.accept("call1");
  h.advance(10min);
  h.complete("call1");  // resolved
  h.create("chat2", "chat", "frank", intent("refund"));
  h.accept("chat2");
  h.advance(2min);
  h.complete("chat2");  // resolved at first contact

  StatsSnapshot s = h.core().stats();
  CHECK(channel(s, "voice").repeat_contacts == 1);
  CHECK(channel(s, "chat").repeat_contacts == 0);
  REQUIRE(s.channel_switches.size() == 1);
  CHECK(s.channel_switches[0].from == "chat");
  CHECK(s.channel_switches[0].to == "voice");
  CHECK(s.channel_switches[0].count == 1);
  CHECK(channel(s, "voice").affinity_hits == 1);  // a1 served erin's chat
  CHECK(channel(s, "chat").affinity_hits == 0);
  CHECK(s.journeys.resolved == 0);  // nothing is final before the repeat window passes

  h.advance(72h);
  s = h.core().stats();
  CHECK(s.journeys.resolved == 2);
  CHECK(s.journeys.unresolved == 0);
  CHECK(s.journeys.autonomous == 0);
  CHECK(channel(s, "voice").resolutions == 1);
  CHECK(channel(s, "voice").first_contact_resolutions == 0);
  CHECK(channel(s, "chat").resolutions == 1);
  CHECK(channel(s, "chat").first_contact_resolutions == 1);
  CHECK(s.journeys.contacts.count == 2);
  CHECK(in_bucket(s.journeys.contacts, 2) == 1);
  CHECK(in_bucket(s.journeys.contacts, 1) == 1);
  CHECK(in_bucket(s.journeys.channel_switches, 1) == 1);
  // erin: from the chat's creation to the call's end, 1 h 15 min; frank: 2 min.
  CHECK(s.journeys.resolution_time.sum == doctest::Approx(75 * 60 + 2 * 60));
}

TEST_CASE("a repeat after the window starts a new journey; an unresolved one closes as such") {
  Harness h;
  h.add_agent({.id = "a1", .channels = {{"chat", 3}}});
  h.create("c1", "chat", "gus", intent("tech"));
  h.ok(CancelInteraction{"c1", ""});  // gave up
  h.advance(73h);
  h.create("c2", "chat", "gus", intent("tech"));
  const StatsSnapshot s = h.core().stats();
  CHECK(channel(s, "chat").repeat_contacts == 0);
  CHECK(s.journeys.unresolved == 1);
}

TEST_CASE("bots: autonomous resolutions and escalations to humans") {
  Policy p = basic_policy();
  Harness h(p);
  h.add_agent({.id = "bot", .channels = {{"chat", 10}}, .kind = AgentKind::Bot});
  h.create("b1", "chat", "hana", intent("faq"));
  REQUIRE(h.agent_of("b1") == "bot");
  h.accept("b1");
  h.complete("b1");
  h.create("b2", "chat", "ivan", intent("faq"));
  h.accept("b2");
  h.add_agent({.id = "human", .channels = {{"chat", 3}}});
  h.ok(TransferInteraction{"b2", "general", ""});
  h.advance(72h + 1s);
  const StatsSnapshot s = h.core().stats();
  CHECK(channel(s, "chat").bot_escalations == 1);
  CHECK(s.journeys.resolved == 1);
  CHECK(s.journeys.autonomous == 1);
  CHECK(cell(s, "general", "chat").transferred == 1);
}

TEST_CASE("a preferred-agent wait that ends without the agent is counted") {
  Policy p = basic_policy();
  p.queues[1].affinity.preferred_agent_wait = 10s;
  Harness h(p);
  h.add_agent({.id = "a1", .channels = {{"chat", 1}, {"voice", 1}}});
  h.add_agent({.id = "a2", .channels = {{"chat", 1}}}, false);
  h.create("first", "chat", "jo");
  REQUIRE(h.agent_of("first") == "a1");
  h.accept("first");
  h.complete("first");
  h.create("call", "voice", "kim");  // keeps a1 busy; voice blocks chat
  REQUIRE(h.agent_of("call") == "a1");
  h.create("again", "chat", "jo");  // held for a1
  h.advance(11s);
  CHECK(queue(h.core().stats(), "general").preferred_agent_timeouts == 1);
}

TEST_CASE("queue service level: announced below target, then recovered") {
  Policy p = basic_policy();
  p.monitoring.service_level_min_samples = 2;
  Harness h(p);
  h.create("x1", "chat", "c1");
  h.create("x2", "chat", "c2");
  h.advance(25s);
  h.ok(CancelInteraction{"x1", ""});
  CHECK(h.events_of<QueueServiceLevel>().empty());  // one sample is not enough
  h.ok(CancelInteraction{"x2", ""});
  auto announced = h.events_of<QueueServiceLevel>();
  REQUIRE(announced.size() == 1);
  CHECK(announced[0].queue == "general");
  CHECK(announced[0].below_target);
  CHECK(announced[0].service_level == doctest::Approx(0));
  CHECK(announced[0].samples == 2);
  CHECK(queue(h.core().stats(), "general").below_target);

  h.add_agent({.id = "a1", .channels = {{"chat", 3}}});
  for (int k = 0; k < 8; ++k) {
    const std::string id = "ok" + std::to_string(k);
    h.create(id, "chat", "d" + std::to_string(k));
    h.accept(id);
    h.complete(id);
  }
  announced = h.events_of<QueueServiceLevel>();
  REQUIRE(announced.size() == 2);
  CHECK_FALSE(announced[1].below_target);
  CHECK(announced[1].service_level >= 0.8);
  CHECK(event_type(Event{h.now(), announced[1]}) == "switchboard.queue.sla_recovered");
}

TEST_CASE("sentiment drops: crossing the queue's threshold, or falling sharply") {
  Harness h;
  h.create("s1", "chat", "c1", {}, 0.0);
  h.ok(UpdateInteraction{"s1", -0.6, std::nullopt, std::nullopt});
  auto drops = h.events_of<SentimentDrop>();
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].reason == "below_threshold");
  CHECK(drops[0].queue == "general");
  CHECK(drops[0].agent_id.empty());
  CHECK(drops[0].from == doctest::Approx(0));
  CHECK(drops[0].to == doctest::Approx(-0.6));
  h.ok(UpdateInteraction{"s1", -0.8, std::nullopt, std::nullopt});  // already below, small fall
  CHECK(h.events_of<SentimentDrop>().size() == 1);
  h.ok(UpdateInteraction{"s1", -0.2, std::nullopt, std::nullopt});  // a rise: nothing
  CHECK(h.events_of<SentimentDrop>().size() == 1);

  h.add_agent({.id = "a1", .channels = {{"chat", 3}}});
  h.create("s2", "chat", "c2", {}, 0.9);
  h.accept("s2");
  h.ok(UpdateInteraction{"s2", 0.4, std::nullopt, std::nullopt});
  drops = h.events_of<SentimentDrop>();
  REQUIRE(drops.size() == 2);
  CHECK(drops[1].reason == "sharp_drop");
  CHECK(drops[1].agent_id == "a1");
}

namespace {
std::uint64_t fake_ns = 0;
std::uint64_t fake_clock() { return fake_ns += 1500; }
}  // namespace

TEST_CASE("routing decisions are timed only with a stopwatch, and timing changes no state") {
  Harness timed;
  Harness untimed;
  timed.core().set_stopwatch(&fake_clock);
  for (Harness* h : {&timed, &untimed}) {
    h->add_agent({.id = "a1", .channels = {{"chat", 3}}});
    h->create("t1", "chat", "c1");
    h->create("t2", "chat", "c2");
  }
  const StatsSnapshot s = timed.core().stats();
  CHECK(s.decision_time.count >= 2);
  CHECK(s.decision_time.sum ==
        doctest::Approx(1.5e-6 * static_cast<double>(s.decision_time.count)));
  CHECK(untimed.core().stats().decision_time.count == 0);
  CHECK(timed.core().state_hash() == untimed.core().state_hash());
}
