// event_line: the one-line human form of stream events that `switchboard tail` prints.
#include "engine/app/event_line.h"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

namespace sb::app {
namespace {

std::string line_of(const char* text) { return event_line(boost::json::parse(text)); }

TEST_CASE("an offer shows its id, interaction, queue and expiry") {
  CHECK(line_of(R"({"specversion":"1.0","id":"1289","source":"switchboard",
    "type":"switchboard.offer.created","time":"2026-11-25T09:30:00.123456Z","subject":"a1",
    "data":{"offer_id":"17","agent_id":"a1","interaction":{"id":"chat-991","channel":"chat"},
      "journey":[],"explanation":{"queue":"billing","step":0},
      "expires_at":"2026-11-25T09:30:30.123456Z"}})") ==
        "09:30:00.123 offer.created a1 offer=17 interaction=chat-991 queue=billing "
        "expires=09:30:30.123");
}

TEST_CASE("other events list their data; nulls and the subject agent are left out") {
  CHECK(line_of(R"({"specversion":"1.0","type":"switchboard.interaction.assigned",
    "time":"2026-11-25T09:30:01.000000Z","subject":"a1",
    "data":{"interaction_id":"chat-991","agent_id":"a1","queue":"billing","offer_id":"17",
      "waited_s":1.5}})") ==
        "09:30:01.000 interaction.assigned a1 interaction=chat-991 queue=billing offer=17 "
        "waited_s=1.5");
  CHECK(line_of(R"({"specversion":"1.0","type":"switchboard.agent.state",
    "time":"2026-11-25T09:30:02.000000Z","subject":"a2",
    "data":{"agent_id":"a2","presence":"away","reason":"lunch break"}})") ==
        R"(09:30:02.000 agent.state a2 presence=away reason="lunch break")");
  CHECK(line_of(R"({"specversion":"1.0","type":"switchboard.agent.state",
    "time":"2026-11-25T09:30:04.000000Z","subject":"a2",
    "data":{"agent_id":"a2","presence":"available","reason":""}})") ==
        "09:30:04.000 agent.state a2 presence=available");
  CHECK(line_of(R"({"specversion":"1.0","type":"switchboard.interaction.queued",
    "time":"2026-11-25T09:30:03.000000Z","subject":"billing",
    "data":{"interaction_id":"c1","queue":"billing","step":0,"held_for_agent":null}})") ==
        "09:30:03.000 interaction.queued billing interaction=c1 queue=billing step=0");
}

TEST_CASE("odd events still make a line") {
  CHECK(is_cloud_event(boost::json::parse(R"({"specversion":"1.0","type":"x"})")));
  CHECK_FALSE(is_cloud_event(boost::json::parse(R"({"op":"reply"})")));
  CHECK(line_of(R"({"specversion":"1.0","type":"custom","time":"soon"})") == "soon custom -");
}

}  // namespace
}  // namespace sb::app
