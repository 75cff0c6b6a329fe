// A small append-only JSON writer rather than boost::json::value and serialize(): no tree to
// allocate per event, and numbers written the way people read them (Boost 1.81 writes -0.4 as
// "-4E-1" and 5.0 as "5E0"). Tests parse every output back with Boost.JSON.
#include "engine/api/json_encode.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <type_traits>
#include <variant>

#include "engine/api/utf8.h"

namespace sb::api {
namespace {

constexpr std::size_t kTimeLength = 27;  // "2026-11-25T09:30:00.000000Z"

// Writes `value` as exactly `width` decimal digits ending just before `end`.
void put_digits(char* end, std::int64_t value, int width) {
  for (int k = 0; k < width; ++k) {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

void write_time(char* out, Timestamp time) {
  using namespace std::chrono;
  constexpr std::int64_t kFirst =
      duration_cast<microseconds>(sys_days{year{0} / January / 1}.time_since_epoch()).count();
  constexpr std::int64_t kLast =
      duration_cast<microseconds>(sys_days{year{10000} / January / 1}.time_since_epoch()).count() -
      1;
  const sys_time<microseconds> at{microseconds{std::clamp(time.us, kFirst, kLast)}};
  const sys_days day = floor<days>(at);
  const year_month_day date{day};
  const std::int64_t of_day = (at - day).count();  // microseconds, 0 .. 86'399'999'999
  const std::int64_t second = of_day / 1'000'000;
  char* p = out;
  put_digits(p + 4, static_cast<int>(date.year()), 4);
  p[4] = '-';
  put_digits(p + 7, static_cast<unsigned>(date.month()), 2);
  p[7] = '-';
  put_digits(p + 10, static_cast<unsigned>(date.day()), 2);
  p[10] = 'T';
  put_digits(p + 13, second / 3600, 2);
  p[13] = ':';
  put_digits(p + 16, second / 60 % 60, 2);
  p[16] = ':';
  put_digits(p + 19, second % 60, 2);
  p[19] = '.';
  put_digits(p + 26, of_day % 1'000'000, 6);
  p[26] = 'Z';
}

class Writer {
 public:
  explicit Writer(std::size_t reserve) { out_.reserve(reserve); }
  std::string take() { return std::move(out_); }

  Writer& begin_object() { return open('{'); }
  Writer& end_object() { return close('}'); }
  Writer& begin_array() { return open('['); }
  Writer& end_array() { return close(']'); }

  Writer& key(std::string_view name) {
    separate();
    quoted(name);
    out_ += ':';
    comma_ = false;
    return *this;
  }

  Writer& string(std::string_view s) {
    separate();
    quoted(s);
    return done();
  }
  Writer& number(double d) {
    if (!std::isfinite(d)) return null();
    separate();
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, d);
    const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
    out_ += text;
    // Shortest round-trip form; "5" reads as 5.0 ("5.0" tells a reader it is not a count).
    if (text.find_first_not_of("-0123456789") == std::string_view::npos) out_ += ".0";
    return done();
  }
  Writer& integer(std::int64_t i) { return decimal(i, false); }
  Writer& count(std::uint64_t u) { return decimal(u, false); }
  Writer& boolean(bool b) {
    separate();
    out_ += b ? "true" : "false";
    return done();
  }
  Writer& null() {
    separate();
    out_ += "null";
    return done();
  }
  // Already-encoded JSON.
  Writer& raw(std::string_view json) {
    separate();
    out_ += json;
    return done();
  }

  // The conventions of docs/api.md.
  Writer& string_or_null(std::string_view s) { return s.empty() ? null() : string(s); }
  Writer& optional_string(const std::optional<std::string>& s) { return s ? string(*s) : null(); }
  Writer& id(std::uint64_t id) { return decimal(id, true); }  // offer and event ids: "17"
  Writer& id_or_null(std::uint64_t id) { return id == 0 ? null() : decimal(id, true); }
  Writer& time(Timestamp t) {
    separate();
    out_ += '"';
    const std::size_t at = out_.size();
    out_.resize(at + kTimeLength);
    write_time(out_.data() + at, t);
    out_ += '"';
    return done();
  }
  Writer& time_or_null(const std::optional<Timestamp>& t) { return t ? time(*t) : null(); }
  Writer& seconds(Duration d) { return number(to_seconds(d)); }
  Writer& seconds_or_null(const std::optional<Duration>& d) { return d ? seconds(*d) : null(); }

 private:
  Writer& open(char c) {
    separate();
    out_ += c;
    comma_ = false;
    return *this;
  }
  Writer& close(char c) {
    out_ += c;
    return done();
  }
  Writer& done() {
    comma_ = true;
    return *this;
  }
  void separate() {
    if (comma_) out_ += ',';
  }

  template <class Integer>
  Writer& decimal(Integer i, bool as_string) {
    separate();
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, i);
    if (as_string) out_ += '"';
    out_.append(buffer, result.ptr);
    if (as_string) out_ += '"';
    return done();
  }

  // A JSON string: quotes, backslashes and control characters escaped, UTF-8 passed through,
  // any byte that is not well-formed UTF-8 replaced by U+FFFD.
  void quoted(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_ += '"';
    std::size_t plain = 0;  // start of the run not yet copied
    std::size_t i = 0;
    while (i < s.size()) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        ++i;
        continue;
      }
      std::size_t length = 1;
      if (c >= 0x80) {
        length = utf8_sequence_length(s, i);
        if (length != 0) {
          i += length;
          continue;
        }
      }
      out_.append(s.data() + plain, i - plain);
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:
          if (c < 0x20) {
            out_ += "\\u00";
            out_ += kHex[c >> 4];
            out_ += kHex[c & 0xF];
          } else {
            out_ += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
          }
      }
      plain = ++i;
    }
    out_.append(s.data() + plain, s.size() - plain);
    out_ += '"';
  }

  std::string out_;
  bool comma_ = false;
};

// ---------------------------------------------------------------------------------------------
// Pieces shared by several shapes.

void write_error_object(Writer& w, const ApiError& e) {
  w.begin_object().key("code").string(e.code).key("field").optional_string(e.field);
  w.key("message").string(e.message);
  if (!e.details.empty()) {
    w.key("details").begin_array();
    for (const std::string& line : e.details) w.string(line);
    w.end_array();
  }
  w.end_object();
}

void write_attributes(Writer& w, const Attributes& attributes) {
  w.begin_object();
  for (const auto& [name, value] : attributes) {
    w.key(name);
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string>) {
            w.string(v);
          } else if constexpr (std::is_same_v<V, bool>) {
            w.boolean(v);
          } else {
            w.number(v);
          }
        },
        value);
  }
  w.end_object();
}

// The fields of an interaction's summary, inside an object the caller opened.
void write_summary_fields(Writer& w, const InteractionSummary& s) {
  w.key("id").string(s.id).key("channel").string(s.channel);
  w.key("customer_id").string_or_null(s.customer_id);
  w.key("attributes");
  write_attributes(w, s.attributes);
  w.key("sentiment").number(s.sentiment).key("priority").number(s.priority);
  w.key("queue").string_or_null(s.queue).key("created_at").time(s.created_at);
}

void write_score(Writer& w, const ScoreBreakdown& s) {
  w.begin_object().key("agent_id").string(s.agent_id).key("total").number(s.total);
  w.key("skill").number(s.skill).key("idle").number(s.idle).key("load").number(s.load);
  w.key("affinity").number(s.affinity).key("sentiment").number(s.sentiment).end_object();
}

void write_explanation(Writer& w, const Explanation& e) {
  w.begin_object().key("queue").string(e.queue).key("step").integer(e.step);
  w.key("reason").string(e.reason).key("candidates").integer(e.candidates);
  w.key("chosen");
  write_score(w, e.chosen);
  w.key("runner_up");
  if (e.runner_up) {
    write_score(w, *e.runner_up);
  } else {
    w.null();
  }
  w.end_object();
}

void write_contact(Writer& w, const JourneyContact& c) {
  w.begin_object().key("interaction_id").string(c.interaction_id);
  w.key("channel").string(c.channel).key("queue").string_or_null(c.queue);
  w.key("agent_id").string_or_null(c.agent_id).key("intent").string_or_null(c.intent);
  w.key("created_at").time(c.created_at).key("answered_at").time_or_null(c.answered_at);
  w.key("ended_at").time_or_null(c.ended_at).key("outcome").string_or_null(c.outcome);
  w.key("sentiment").number(c.sentiment).end_object();
}

void write_agent(Writer& w, const AgentView& a) {
  w.begin_object().key("id").string(a.id).key("kind").string(to_string(a.kind));
  w.key("presence").string(to_string(a.presence)).key("reason").string(a.reason);
  w.key("skills").begin_object();
  for (const auto& [name, level] : a.skills) w.key(name).integer(level);
  w.end_object().key("languages").begin_array();
  for (const std::string& language : a.languages) w.string(language);
  w.end_array().key("attributes");
  write_attributes(w, a.attributes);
  w.key("channels").begin_object();
  for (const ChannelLoad& c : a.channels) {
    w.key(c.channel).begin_object().key("capacity").integer(c.capacity);
    w.key("load").integer(c.load).key("free").integer(c.free).end_object();
  }
  w.end_object().key("idle_since").time(a.idle_since);
  w.key("consecutive_misses").integer(a.consecutive_misses);
  w.key("consecutive_negative").integer(a.consecutive_negative).end_object();
}

void write_queue(Writer& w, const QueueView& q) {
  w.begin_object().key("name").string(q.name).key("active").boolean(q.active);
  w.key("priority").number(q.priority).key("waiting").integer(q.waiting);
  w.key("oldest_wait_s").seconds(q.oldest_wait).key("entered").count(q.entered);
  w.key("answered").count(q.answered).key("answered_within_sla").count(q.answered_within_sla);
  w.key("abandoned").count(q.abandoned).key("abandoned_within_sla").count(q.abandoned_within_sla);
  w.key("transferred_out").count(q.transferred_out).key("overflowed").count(q.overflowed);
  w.key("sla_breaches").count(q.sla_breaches).key("service_level").number(q.service_level);
  w.key("sla_target").number(q.sla_target).key("sla_threshold_s").seconds(q.sla_threshold);
  w.key("estimated_wait_s").seconds_or_null(q.estimated_wait);
  w.key("service_rate_per_s").number(q.service_rate_per_s);
  w.key("eligible_agents_available").integer(q.eligible_agents_available).end_object();
}

// ---------------------------------------------------------------------------------------------
// Events.

struct EventData {
  Writer& w;

  void operator()(const OfferCreated& e) const {
    w.key("offer_id").id(e.offer_id).key("agent_id").string(e.agent_id);
    w.key("interaction").begin_object();
    write_summary_fields(w, e.interaction);
    w.end_object().key("journey").begin_array();
    for (const JourneyContact& c : e.journey) write_contact(w, c);
    w.end_array().key("explanation");
    write_explanation(w, e.explanation);
    w.key("expires_at").time(e.expires_at);
  }
  void operator()(const OfferEnded& e) const {
    w.key("offer_id").id(e.offer_id).key("agent_id").string(e.agent_id);
    w.key("interaction_id").string(e.interaction_id);
  }
  void operator()(const InteractionQueued& e) const {
    w.key("interaction_id").string(e.interaction_id).key("queue").string(e.queue);
    w.key("step").integer(e.step).key("held_for_agent").string_or_null(e.held_for_agent);
  }
  void operator()(const InteractionAssigned& e) const {
    w.key("interaction_id").string(e.interaction_id).key("agent_id").string(e.agent_id);
    w.key("queue").string_or_null(e.queue).key("offer_id").id_or_null(e.offer_id);
    w.key("waited_s").seconds(e.waited);
  }
  void operator()(const InteractionAbandoned& e) const {
    w.key("interaction_id").string(e.interaction_id).key("queue").string_or_null(e.queue);
    w.key("waited_s").seconds(e.waited);
  }
  void operator()(const InteractionEnded& e) const {
    w.key("interaction_id").string(e.interaction_id).key("agent_id").string_or_null(e.agent_id);
    w.key("state").string(to_string(e.state)).key("outcome").string_or_null(e.outcome);
  }
  void operator()(const InteractionTransferred& e) const {
    w.key("interaction_id").string(e.interaction_id);
    w.key("from_queue").string_or_null(e.from_queue).key("to_queue").string_or_null(e.to_queue);
    w.key("to_agent").string_or_null(e.to_agent);
  }
  void operator()(const AgentStateChanged& e) const {
    w.key("agent_id").string(e.agent_id).key("presence").string(to_string(e.presence));
    w.key("reason").string(e.reason);
  }
  void operator()(const SlaBreach& e) const {
    w.key("interaction_id").string(e.interaction_id).key("queue").string(e.queue);
    w.key("threshold_s").seconds(e.threshold);
  }
  void operator()(const QueueServiceLevel& e) const {
    w.key("queue").string(e.queue).key("below_target").boolean(e.below_target);
    w.key("service_level").number(e.service_level).key("target").number(e.target);
    w.key("window_s").seconds(e.window).key("samples").count(e.samples);
  }
  void operator()(const SentimentDrop& e) const {
    w.key("interaction_id").string(e.interaction_id).key("queue").string_or_null(e.queue);
    w.key("agent_id").string_or_null(e.agent_id).key("from").number(e.from);
    w.key("to").number(e.to).key("threshold").number(e.threshold);
    w.key("reason").string(e.reason);
  }
  void operator()(const PolicyInstalled& e) const {
    w.key("version").count(e.version).key("requeued").integer(e.requeued);
  }
};

struct ScopeOf {
  EventScope operator()(const OfferCreated& e) const {
    return {e.agent_id, e.interaction.queue, {}, false};
  }
  EventScope operator()(const OfferEnded& e) const { return {e.agent_id, {}, {}, false}; }
  EventScope operator()(const InteractionQueued& e) const { return {{}, e.queue, {}, false}; }
  EventScope operator()(const InteractionAssigned& e) const {
    return {e.agent_id, e.queue, {}, false};
  }
  EventScope operator()(const InteractionAbandoned& e) const { return {{}, e.queue, {}, false}; }
  EventScope operator()(const InteractionEnded& e) const { return {e.agent_id, {}, {}, false}; }
  EventScope operator()(const InteractionTransferred& e) const {
    return {e.to_agent, e.to_queue, e.from_queue, false};
  }
  EventScope operator()(const AgentStateChanged& e) const { return {e.agent_id, {}, {}, false}; }
  EventScope operator()(const SlaBreach& e) const { return {{}, e.queue, {}, false}; }
  EventScope operator()(const QueueServiceLevel& e) const { return {{}, e.queue, {}, false}; }
  EventScope operator()(const SentimentDrop& e) const { return {e.agent_id, e.queue, {}, false}; }
  EventScope operator()(const PolicyInstalled&) const { return {{}, {}, {}, true}; }
};

// The interaction an event concerns, if any.
std::string_view interaction_of(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> std::string_view {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, OfferCreated>) {
          return e.interaction.id;
        } else if constexpr (std::is_same_v<E, AgentStateChanged> ||
                             std::is_same_v<E, QueueServiceLevel> ||
                             std::is_same_v<E, PolicyInstalled>) {
          return {};
        } else {
          return e.interaction_id;
        }
      },
      body);
}

std::string_view subject_of(const Event& event, const EventScope& scope) {
  for (std::string_view s : {scope.agent, scope.queue, scope.other_queue}) {
    if (!s.empty()) return s;
  }
  return interaction_of(event.body);
}

}  // namespace

std::string encode_error(const ApiError& error) {
  Writer w(128 + error.message.size());
  w.begin_object().key("error");
  write_error_object(w, error);
  w.end_object();
  return w.take();
}

std::string encode_agent_reply(std::string_view agent_id, const Reply& reply) {
  Writer w(64);
  w.begin_object().key("id").string(agent_id);
  w.key("presence").string(to_string(reply.presence)).end_object();
  return w.take();
}

std::string encode_interaction_reply(const Reply& reply) {
  Writer w(96);
  w.begin_object().key("id").string(reply.interaction_id);
  w.key("state").string(to_string(reply.state)).key("queue").string_or_null(reply.queue);
  w.end_object();
  return w.take();
}

std::string encode_ws_reply(const std::optional<std::string>& request_id, int status,
                            std::string_view result_json) {
  Writer w(64 + result_json.size());
  w.begin_object().key("op").string("reply").key("request_id").optional_string(request_id);
  w.key("status").integer(status).key("result").raw(result_json).end_object();
  return w.take();
}

std::string encode_ws_error(const std::optional<std::string>& request_id, const ApiError& error) {
  Writer w(160 + error.message.size());
  w.begin_object().key("op").string("error").key("request_id").optional_string(request_id);
  w.key("status").integer(error.status).key("error");
  write_error_object(w, error);
  w.end_object();
  return w.take();
}

std::string encode_agent(const AgentView& agent) {
  Writer w(512);
  write_agent(w, agent);
  return w.take();
}

std::string encode_agents(std::span<const AgentView> agents) {
  Writer w(64 + 384 * agents.size());
  w.begin_object().key("agents").begin_array();
  for (const AgentView& agent : agents) write_agent(w, agent);
  w.end_array().end_object();
  return w.take();
}

std::string encode_interaction(const InteractionView& v) {
  Writer w(1024);
  w.begin_object();
  write_summary_fields(w, v.summary);
  w.key("state").string(to_string(v.state)).key("step").integer(v.step);
  w.key("agent_id").string_or_null(v.agent_id).key("offer_id").id_or_null(v.offer_id);
  w.key("held_for_agent").string_or_null(v.held_for_agent).key("queued_at").time(v.queued_at);
  w.key("answered_at").time_or_null(v.answered_at).key("ended_at").time_or_null(v.ended_at);
  w.key("effective_priority").number(v.effective_priority).key("transfers").integer(v.transfers);
  w.key("outcome").string_or_null(v.outcome).key("explanation");
  if (v.explanation) {
    write_explanation(w, *v.explanation);
  } else {
    w.null();
  }
  w.key("estimated_wait_s").seconds_or_null(v.estimated_wait).end_object();
  return w.take();
}

std::string encode_queue(const QueueView& queue) {
  Writer w(512);
  write_queue(w, queue);
  return w.take();
}

std::string encode_queues(std::span<const QueueView> queues) {
  Writer w(64 + 512 * queues.size());
  w.begin_object().key("queues").begin_array();
  for (const QueueView& queue : queues) write_queue(w, queue);
  w.end_array().end_object();
  return w.take();
}

std::string encode_journey(std::string_view customer_id, std::span<const JourneyContact> contacts) {
  Writer w(64 + 256 * contacts.size());
  w.begin_object().key("customer_id").string(customer_id).key("contacts").begin_array();
  for (const JourneyContact& contact : contacts) write_contact(w, contact);
  w.end_array().end_object();
  return w.take();
}

std::string encode_cloud_event(const Event& event, std::uint64_t id, std::string_view source) {
  const EventScope scope = event_scope(event);
  Writer w(std::holds_alternative<OfferCreated>(event.body) ? 2048 : 384);
  w.begin_object().key("specversion").string("1.0").key("id").id(id);
  w.key("source").string(source).key("type").string(event_type(event));
  w.key("time").time(event.time).key("datacontenttype").string("application/json");
  if (!scope.broadcast) w.key("subject").string(subject_of(event, scope));
  w.key("data").begin_object();
  std::visit(EventData{w}, event.body);
  w.end_object().end_object();
  return w.take();
}

EventScope event_scope(const Event& event) { return std::visit(ScopeOf{}, event.body); }

std::string format_time(Timestamp time) {
  std::string out(kTimeLength, '\0');
  write_time(out.data(), time);
  return out;
}

}  // namespace sb::api
