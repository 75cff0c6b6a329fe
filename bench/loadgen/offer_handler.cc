#include "bench/loadgen/offer_handler.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "bench/loadgen/reply.h"
#include "bench/loadgen/text.h"

namespace sb::loadgen {
namespace json = boost::json;

namespace {

constexpr std::string_view kOfferCreated = "switchboard.offer.created";

const json::value* member(const json::value* v, std::string_view key) {
  const json::object* o = v ? v->if_object() : nullptr;
  return o ? o->if_contains(key) : nullptr;
}

std::string_view string_member(const json::value* v, std::string_view key) {
  const json::value* m = member(v, key);
  return m && m->is_string() ? std::string_view(m->get_string()) : std::string_view();
}

}  // namespace

OfferHandler::OfferHandler(boost::asio::io_context& ioc, RunState& run, int control_sessions)
    : run_(run) {
  WsConn::Callbacks events;
  events.on_open = [this] {
    events_->send(R"({"op":"subscribe","agents":["*"],"queues":["*"],"request_id":"s0"})");
  };
  events.on_message = [this](std::string_view m) { on_event(m); };
  events.on_error = [this](const std::string& what) {
    run_.events_lost = true;
    run_.recorder.error(cat({"event session ", what}));
  };
  events_ = std::make_shared<WsConn>(ioc, run_.target, std::move(events));
  for (int i = 0; i < control_sessions; ++i) {
    WsConn::Callbacks control;
    control.on_open = [this] { ++open_controls_; };
    control.on_message = [this](std::string_view m) { on_control_reply(m); };
    control.on_error = [this](const std::string& what) {
      if (run_.sending) run_.recorder.error(cat({"control session ", what}));
    };
    controls_.push_back(std::make_shared<WsConn>(ioc, run_.target, std::move(control)));
  }
}

void OfferHandler::start() {
  events_->start();
  for (const auto& c : controls_) c->start();
}

void OfferHandler::close() {
  events_->close();
  for (const auto& c : controls_) c->close();
}

void OfferHandler::on_event(std::string_view message) {
  if (message.find(kOfferCreated) == std::string_view::npos) {
    if (subscribed_) return;
    const std::optional<Reply> reply = parse_reply(message);
    if (reply && reply->tag == 's') {
      if (reply->status == 200)
        subscribed_ = true;
      else
        run_.recorder.error(cat({"subscribe ", std::to_string(reply->status)}));
    }
    return;
  }
  const auto now = Clock::now();
  boost::system::error_code ec;
  const json::value event = json::parse(message, ec);
  if (ec || string_member(&event, "type") != kOfferCreated) return;
  const json::value* data = member(&event, "data");
  const std::string_view offer_id = string_member(data, "offer_id");
  const std::string_view id = string_member(member(data, "interaction"), "id");
  const std::optional<std::uint64_t> n = run_.interaction_number(id);
  if (!n || offer_id.empty()) return;
  run_.recorder.offered(*n, now);
  controls_[*n % controls_.size()]->send(
      cat({R"({"op":"offer.accept","request_id":"a)", std::to_string(*n), R"(","offer_id":")",
           offer_id, R"("})"}));
}

void OfferHandler::on_control_reply(std::string_view message) {
  const std::optional<Reply> reply = parse_reply(message);
  if (!reply) return;
  const bool ok = reply->status >= 200 && reply->status < 300;
  if (reply->tag == 'a') {
    if (!ok) {
      run_.recorder.error(cat({"accept ", std::to_string(reply->status)}));
      return;  // the offer expired or was withdrawn: the interaction is routed again
    }
    controls_[reply->n % controls_.size()]->send(
        cat({R"({"op":"interaction.complete","request_id":"d)", std::to_string(reply->n),
             R"(","id":")", run_.interaction_id(reply->n), R"("})"}));
  } else if (reply->tag == 'd') {
    if (!ok) run_.recorder.error(cat({"complete ", std::to_string(reply->status)}));
    if (const std::optional<int> owner = run_.recorder.completed(reply->n); owner && run_.release)
      run_.release(*owner);
  }
}

}  // namespace sb::loadgen
