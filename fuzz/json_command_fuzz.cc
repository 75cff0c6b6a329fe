// libFuzzer target: any bytes as a WebSocket message and as the body of every HTTP command. The
// decoders must never crash, throw or hang; what they accept must keep the limits they promise;
// what they refuse must be a 400 that encodes to valid JSON. The bytes are also fed to the
// encoder as strings, whose output must always parse.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/api/json_decode.h"
#include "engine/api/json_encode.h"
#include "engine/common/assert.h"

namespace {

using namespace sb;
using namespace sb::api;

const DecodeLimits kLimits;

void check_json(const std::string& text) {
  boost::json::error_code ec;
  (void)boost::json::parse(text, ec);
  SB_CHECK(!ec);
}

void check_refusal(const ApiError& e) {
  SB_CHECK(e.status == 400);
  SB_CHECK(!e.code.empty() && !e.message.empty());
  check_json(encode_error(e));
}

bool fits(std::string_view s, std::size_t max) { return s.size() <= max; }

void check_attributes(const Attributes& attributes) {
  SB_CHECK(attributes.size() <= kLimits.max_attributes);
  for (const auto& [name, value] : attributes) {
    SB_CHECK(!name.empty() && fits(name, kLimits.max_string_length));
    if (const auto* s = std::get_if<std::string>(&value)) {
      SB_CHECK(fits(*s, kLimits.max_string_length));
    }
  }
}

struct CheckCommand {
  void operator()(const UpsertAgent& c) const {
    SB_CHECK(!c.agent_id.empty() && fits(c.agent_id, kLimits.max_id_length));
    SB_CHECK(c.skills.size() <= kLimits.max_skills);
    for (const auto& [name, level] : c.skills) SB_CHECK(level >= 0 && level <= 10);
    SB_CHECK(c.languages.size() <= kLimits.max_languages);
    for (const auto& [name, capacity] : c.channels) SB_CHECK(capacity <= 100);
    check_attributes(c.attributes);
  }
  void operator()(const CreateInteraction& c) const {
    SB_CHECK(!c.interaction_id.empty() && fits(c.interaction_id, kLimits.max_id_length));
    SB_CHECK(!c.customer_id.empty() && !c.channel.empty());
    SB_CHECK(c.sentiment >= -1 && c.sentiment <= 1);
    SB_CHECK(c.priority >= -1e6 && c.priority <= 1e6);
    check_attributes(c.attributes);
  }
  void operator()(const UpdateInteraction& c) const {
    SB_CHECK(!c.sentiment || (*c.sentiment >= -1 && *c.sentiment <= 1));
    SB_CHECK(!c.priority || (*c.priority >= -1e6 && *c.priority <= 1e6));
    if (c.attributes) check_attributes(*c.attributes);
  }
  void operator()(const TransferInteraction& c) const {
    SB_CHECK(c.queue.empty() || c.agent_id.empty());
  }
  void operator()(const AcceptOffer& c) const { SB_CHECK(c.offer_id != 0); }
  void operator()(const RejectOffer& c) const {
    SB_CHECK(c.offer_id != 0 && fits(c.reason, kLimits.max_string_length));
  }
  template <class Other>
  void operator()(const Other&) const {}
};

template <class T>
void check(const Decoded<T>& decoded) {
  if (const auto* e = std::get_if<ApiError>(&decoded)) return check_refusal(*e);
  CheckCommand{}(std::get<T>(decoded));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto ws = decode_ws_message(text, kLimits);
  if (const auto* e = std::get_if<WsDecodeError>(&ws)) {
    check_refusal(e->error);
    SB_CHECK(!e->request_id || fits(*e->request_id, kLimits.max_id_length));
    check_json(encode_ws_error(e->request_id, e->error));
  } else {
    const WsRequest& request = std::get<WsRequest>(ws);
    SB_CHECK(!request.op.empty());
    if (const auto* command = std::get_if<Command>(&request.body)) {
      std::visit(CheckCommand{}, *command);
    } else {
      const Subscribe& s = std::get<Subscribe>(request.body);
      SB_CHECK(s.agents.size() <= kLimits.max_subscriptions);
      SB_CHECK(s.queues.size() <= kLimits.max_subscriptions);
    }
  }

  check(decode_upsert_agent("a1", text, kLimits));
  check(decode_agent_state("a1", text, kLimits));
  check(decode_create_interaction(text, kLimits));
  check(decode_update_interaction("i1", text, kLimits));
  check(decode_cancel("i1", text, kLimits));
  check(decode_transfer("i1", text, kLimits));
  check(decode_complete("i1", text, kLimits));
  check(decode_accept("17", text, kLimits));
  check(decode_reject("17", text, kLimits));
  // The input as path ids.
  check(decode_accept(text, "", kLimits));
  check(decode_cancel(text, "", kLimits));

  // Whatever bytes reach the encoder, its output is JSON.
  const std::string s(text);
  check_json(encode_error(ApiError{400, s, s, s, {s}}));
  Reply reply;
  reply.interaction_id = s;
  reply.queue = s;
  check_json(encode_interaction_reply(reply));
  return 0;
}
