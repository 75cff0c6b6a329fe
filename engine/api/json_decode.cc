// Decoding in three layers: a strict parse (Boost.JSON's SAX parser with a handler that builds
// the value and refuses duplicate keys and numbers that do not fit, naming the field), value
// readers that check one JSON value each (a string, a number, a map of skills, ...), and
// `Fields`, which reads the members of one object by name and calls every member it was not
// asked for an unknown field. Each command's fields are read by one function that both the HTTP
// body and the WebSocket message use; they differ only in where the ids come from.
#include "engine/api/json_decode.h"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>
#include <charconv>
#include <cmath>
#include <exception>
#include <limits>
#include <utility>

#include "engine/api/utf8.h"

namespace sb::api {
namespace {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// Errors. Messages name the field, so that they read well on their own in a log.

std::optional<std::string> field_or_none(std::string path) {
  if (path.empty()) return std::nullopt;
  return path;
}

std::string subject(const std::string& path) { return path.empty() ? "the body" : path; }

ApiError make(int status, std::string_view code, std::string path, std::string message) {
  return ApiError{
      status, std::string(code), field_or_none(std::move(path)), std::move(message), {}};
}

ApiError malformed(std::string message, std::string path = {}) {
  return make(400, "malformed_json", std::move(path), std::move(message));
}

// `rule` completes "<field> ...", e.g. "must be a string".
ApiError invalid(std::string path, std::string_view rule) {
  std::string message = subject(path) + " " + std::string(rule);
  return make(400, "invalid_field", std::move(path), std::move(message));
}

ApiError missing(std::string path) {
  std::string message = path + " is required";
  return make(400, "missing_field", std::move(path), std::move(message));
}

ApiError unknown(std::string path) {
  std::string message = "unknown field '" + path + "'";
  return make(400, "unknown_field", std::move(path), std::move(message));
}

ApiError over_limit(std::string path, std::size_t max, std::string_view what) {
  std::string message =
      subject(path) + " takes at most " + std::to_string(max) + " " + std::string(what);
  return make(400, "limit_exceeded", std::move(path), std::move(message));
}

ApiError too_long(std::string path, std::size_t max) {
  std::string message = subject(path) + " is longer than " + std::to_string(max) + " bytes";
  return make(400, "limit_exceeded", std::move(path), std::move(message));
}

ApiError bad_request(std::string path, std::string message) {
  return make(400, "bad_request", std::move(path), std::move(message));
}

std::string join(std::string_view base, std::string_view name) {
  if (base.empty()) return std::string(name);
  std::string out;
  out.reserve(base.size() + 1 + name.size());
  out.append(base).append(1, '.').append(name);
  return out;
}

std::string index(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

// ---------------------------------------------------------------------------------------------
// The strict parse.

// Builds the value as boost::json::parser does, keeping the path to the current value so that
// what it refuses names the field: a key given twice in one object (Boost would keep the last),
// a number too large for a double or an integer too large for 64 bits (Boost would round it).
class StrictHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  void start(json::storage_ptr storage) { stack_.reset(std::move(storage)); }
  json::value release() { return stack_.release(); }
  std::optional<ApiError>& problem() { return problem_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

  bool on_object_begin(json::error_code&) {
    frames_.push_back({true, keys_.size(), 0});
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code& ec) {
    const std::size_t first_key = frames_.back().first_key;
    if (const std::string* key = repeated_key(first_key)) {
      return fail(ec, invalid(join(path(frames_.size() - 1), *key), "is given twice"));
    }
    keys_.resize(first_key);
    frames_.pop_back();
    stack_.push_object(n);
    return value_done();
  }
  bool on_array_begin(json::error_code&) {
    frames_.push_back({false, keys_.size(), 0});
    return true;
  }
  bool on_array_end(std::size_t n, json::error_code&) {
    frames_.pop_back();
    stack_.push_array(n);
    return value_done();
  }

  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_part_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    key_part_.append(s.data(), s.size());
    keys_.push_back(std::move(key_part_));
    key_part_.clear();
    stack_.push_key(keys_.back());
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_string(s);
    return value_done();
  }

  bool on_number_part(json::string_view s, json::error_code&) {
    number_part_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_part_.clear();
    stack_.push_int64(i);
    return value_done();
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_part_.clear();
    stack_.push_uint64(u);
    return value_done();
  }
  bool on_double(double d, json::string_view s, json::error_code& ec) {
    number_part_.append(s.data(), s.size());
    // Boost hands an integer over 64 bits to on_double, rounded: refuse it rather than round.
    const bool integer = number_part_.find_first_of(".eE") == std::string::npos;
    number_part_.clear();
    if (integer || !std::isfinite(d)) {
      const std::string at = path(frames_.size());
      return fail(ec, malformed(subject(at) + " is a number out of range", at));
    }
    stack_.push_double(d);
    return value_done();
  }
  bool on_bool(bool b, json::error_code&) {
    stack_.push_bool(b);
    return value_done();
  }
  bool on_null(json::error_code&) {
    stack_.push_null();
    return value_done();
  }

 private:
  struct Frame {
    bool object = false;
    std::size_t first_key = 0;  // this object's keys are keys_[first_key..]
    std::size_t count = 0;      // values done, for an array
  };

  bool value_done() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().count;
    return true;
  }

  bool fail(json::error_code& ec, ApiError error) {
    problem_ = std::move(error);
    ec = json::error::exception;
    return false;
  }

  // The dotted path to the current value inside the outermost `levels` containers.
  std::string path(std::size_t levels) const {
    std::string out;
    for (std::size_t i = 0; i < levels; ++i) {
      const Frame& frame = frames_[i];
      if (!frame.object) {
        out = index(out, frame.count);
        continue;
      }
      const std::size_t end = i + 1 < frames_.size() ? frames_[i + 1].first_key : keys_.size();
      if (end > frame.first_key) out = join(out, keys_[end - 1]);
    }
    return out;
  }

  // The first key, in document order, that repeats an earlier key of the same object.
  const std::string* repeated_key(std::size_t first) {
    if (keys_.size() - first < 2) return nullptr;
    order_.clear();
    for (std::size_t k = first; k < keys_.size(); ++k) order_.push_back(k);
    std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
      return keys_[a] != keys_[b] ? keys_[a] < keys_[b] : a < b;
    });
    std::size_t repeat = keys_.size();
    for (std::size_t k = 1; k < order_.size(); ++k) {
      if (keys_[order_[k]] == keys_[order_[k - 1]]) repeat = std::min(repeat, order_[k]);
    }
    return repeat < keys_.size() ? &keys_[repeat] : nullptr;
  }

  json::value_stack stack_;
  std::vector<Frame> frames_;
  std::vector<std::string> keys_;  // of every open object, outermost first
  std::vector<std::size_t> order_;
  std::string key_part_;
  std::string number_part_;
  std::optional<ApiError> problem_;
};

// A parsed document and the arena it lives in (one allocation-free block for small bodies).
struct Document {
  unsigned char buffer[4096];
  json::monotonic_resource arena{buffer};
  std::optional<json::value> root;
};

std::string describe(const json::error_code& ec, std::size_t at, std::string_view text,
                     const DecodeLimits& limits) {
  if (const std::size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    return "not valid UTF-8 at byte " + std::to_string(bad);
  }
  if (ec == json::error::too_deep) {
    return "nested deeper than " + std::to_string(limits.max_depth) + " levels";
  }
  if (ec == json::error::exponent_overflow) {
    return "a number out of range at byte " + std::to_string(at);
  }
  return "not valid JSON: " + ec.message() + " at byte " + std::to_string(at);
}

std::optional<ApiError> parse(std::string_view text, const DecodeLimits& limits, Document& doc) {
  json::parse_options options;
  options.max_depth = limits.max_depth;
  try {
    json::basic_parser<StrictHandler> parser(options);
    parser.handler().start(json::storage_ptr(&doc.arena));
    json::error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (auto& problem = parser.handler().problem()) return std::move(*problem);
    if (ec) return malformed(describe(ec, used, text, limits));
    if (used < text.size()) {
      return malformed("extra data after the JSON value at byte " + std::to_string(used));
    }
    doc.root.emplace(parser.handler().release());
    return std::nullopt;
  } catch (const std::exception& e) {  // allocation failures inside Boost.JSON
    return malformed(std::string("could not be parsed: ") + e.what());
  }
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// ---------------------------------------------------------------------------------------------
// Value readers: each checks one JSON value at `path` and reports the first problem in `ctx`.

struct Ctx {
  const DecodeLimits& limits;
  std::optional<ApiError> error;

  bool fail(ApiError e) {
    error = std::move(e);
    return false;
  }
};

bool read_string(Ctx& ctx, const json::value& v, const std::string& path, std::size_t min_length,
                 std::size_t max_length, std::string& out) {
  const json::string* s = v.if_string();
  if (s == nullptr) return ctx.fail(invalid(path, "must be a string"));
  if (s->size() < min_length) return ctx.fail(invalid(path, "must not be empty"));
  if (s->size() > max_length) return ctx.fail(too_long(path, max_length));
  out.assign(s->data(), s->size());
  return true;
}

// A name (skill, channel, queue, language, attribute) or free text (reason, outcome).
bool read_name(Ctx& ctx, const json::value& v, const std::string& path, std::string& out) {
  return read_string(ctx, v, path, 1, ctx.limits.max_string_length, out);
}
bool read_text(Ctx& ctx, const json::value& v, const std::string& path, std::string& out) {
  return read_string(ctx, v, path, 0, ctx.limits.max_string_length, out);
}
bool read_id(Ctx& ctx, const json::value& v, const std::string& path, std::string& out) {
  return read_string(ctx, v, path, 1, ctx.limits.max_id_length, out);
}

// Any JSON number, as a double (integers are exact up to 2^53).
std::optional<double> as_double(const json::value& v) {
  switch (v.kind()) {
    case json::kind::int64:
      return static_cast<double>(v.get_int64());
    case json::kind::uint64:
      return static_cast<double>(v.get_uint64());
    case json::kind::double_:
      return v.get_double();
    default:
      return std::nullopt;
  }
}

struct Range {
  double min;
  double max;
  std::string_view text;  // "from -1 to 1"
};

bool read_number(Ctx& ctx, const json::value& v, const std::string& path, const Range& range,
                 double& out) {
  const std::optional<double> d = as_double(v);
  if (!d) return ctx.fail(invalid(path, "must be a number " + std::string(range.text)));
  if (!(*d >= range.min && *d <= range.max)) {
    return ctx.fail(invalid(path, "must be a number " + std::string(range.text)));
  }
  out = *d;
  return true;
}

// A JSON integer (not 8.0) in [min, max].
bool read_integer(Ctx& ctx, const json::value& v, const std::string& path, std::int64_t min,
                  std::int64_t max, std::int64_t& out) {
  const std::string rule =
      "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  std::int64_t i = 0;
  if (const std::int64_t* p = v.if_int64()) {
    i = *p;
  } else if (const std::uint64_t* u = v.if_uint64()) {
    if (*u > static_cast<std::uint64_t>(max)) return ctx.fail(invalid(path, rule));
    i = static_cast<std::int64_t>(*u);
  } else {
    return ctx.fail(invalid(path, rule));
  }
  if (i < min || i > max) return ctx.fail(invalid(path, rule));
  out = i;
  return true;
}

// One of a few words; `rule` lists them ("must be human or bot").
template <class T, std::size_t N>
bool read_choice(Ctx& ctx, const json::value& v, const std::string& path,
                 const std::pair<std::string_view, T> (&choices)[N], std::string_view rule,
                 T& out) {
  const json::string* s = v.if_string();
  if (s != nullptr) {
    for (const auto& [word, value] : choices) {
      if (std::string_view(*s) == word) {
        out = value;
        return true;
      }
    }
  }
  return ctx.fail(invalid(path, rule));
}

// An object of at most `max` members, each name 1..max_string_length bytes, each value read by
// read_value(name, value, path).
template <class ReadValue>
bool read_map(Ctx& ctx, const json::value& v, const std::string& path, std::size_t max,
              std::string_view what, ReadValue read_value) {
  const json::object* object = v.if_object();
  if (object == nullptr) return ctx.fail(invalid(path, "must be an object"));
  if (object->size() > max) return ctx.fail(over_limit(path, max, what));
  for (const json::key_value_pair& member : *object) {
    const std::string_view name = member.key();
    if (name.empty()) return ctx.fail(invalid(path, "has an empty name"));
    if (name.size() > ctx.limits.max_string_length) {
      return ctx.fail(make(400, "limit_exceeded", path,
                           path + " has a name longer than " +
                               std::to_string(ctx.limits.max_string_length) + " bytes"));
    }
    if (!read_value(name, member.value(), join(path, name))) return false;
  }
  return true;
}

// An array of at most `max` elements, each read by read_element(value, path).
template <class ReadElement>
bool read_list(Ctx& ctx, const json::value& v, const std::string& path, std::size_t max,
               std::string_view what, ReadElement read_element) {
  const json::array* array = v.if_array();
  if (array == nullptr) return ctx.fail(invalid(path, "must be an array"));
  if (array->size() > max) return ctx.fail(over_limit(path, max, what));
  for (std::size_t i = 0; i < array->size(); ++i) {
    if (!read_element((*array)[i], index(path, i))) return false;
  }
  return true;
}

bool read_attributes(Ctx& ctx, const json::value& v, const std::string& path, Attributes& out) {
  return read_map(ctx, v, path, ctx.limits.max_attributes, "attributes",
                  [&](std::string_view name, const json::value& value, const std::string& at) {
                    AttributeValue attribute;
                    if (const std::optional<double> d = as_double(value)) {
                      attribute = *d;
                    } else if (const bool* b = value.if_bool()) {
                      attribute = *b;
                    } else if (value.is_string()) {
                      if (!read_text(ctx, value, at, attribute.emplace<std::string>())) {
                        return false;
                      }
                    } else {
                      return ctx.fail(invalid(at, "must be a string, a number or a boolean"));
                    }
                    out.emplace_back(std::string(name), std::move(attribute));
                    return true;
                  });
}

// The core's bounds (engine/core/core_agents.cc): proficiency 0..10, capacity 0..100.
constexpr std::int64_t kMaxProficiency = 10;
constexpr std::int64_t kMaxCapacity = 100;

bool read_skills(Ctx& ctx, const json::value& v, const std::string& path,
                 std::vector<std::pair<std::string, int>>& out) {
  return read_map(ctx, v, path, ctx.limits.max_skills, "skills",
                  [&](std::string_view name, const json::value& value, const std::string& at) {
                    std::int64_t level = 0;
                    if (!read_integer(ctx, value, at, 0, kMaxProficiency, level)) return false;
                    out.emplace_back(std::string(name), static_cast<int>(level));
                    return true;
                  });
}

bool read_channels(Ctx& ctx, const json::value& v, const std::string& path,
                   std::vector<std::pair<std::string, std::uint32_t>>& out) {
  return read_map(ctx, v, path, ctx.limits.max_channels, "channels",
                  [&](std::string_view name, const json::value& value, const std::string& at) {
                    std::int64_t capacity = 0;
                    if (!read_integer(ctx, value, at, 0, kMaxCapacity, capacity)) return false;
                    out.emplace_back(std::string(name), static_cast<std::uint32_t>(capacity));
                    return true;
                  });
}

// Names of at most `max_length` bytes; "*" is one like any other.
bool read_names(Ctx& ctx, const json::value& v, const std::string& path, std::size_t max,
                std::string_view what, std::size_t max_length, std::vector<std::string>& out) {
  return read_list(ctx, v, path, max, what, [&](const json::value& value, const std::string& at) {
    return read_string(ctx, value, at, 1, max_length, out.emplace_back());
  });
}

// ---------------------------------------------------------------------------------------------
// Fields: the members of one JSON object, read by name.

enum class Need { Required, Optional };

class Fields {
 public:
  Fields(Ctx& ctx, const json::object& object)
      : ctx_(ctx), object_(object), read_(object.size(), false) {}

  Ctx& ctx() { return ctx_; }

  // Calls read(value, path) with the value of `member`. An absent member is missing_field if
  // required; an optional one may also be null, which means absent (as in responses).
  template <class Read>
  bool with(std::string_view member, Need need, Read read) {
    const auto found = object_.find(member);
    if (found == object_.end() || (need == Need::Optional && found->value().is_null())) {
      if (found != object_.end()) read_[static_cast<std::size_t>(found - object_.begin())] = true;
      return need == Need::Optional || ctx_.fail(missing(std::string(member)));
    }
    read_[static_cast<std::size_t>(found - object_.begin())] = true;
    return read(found->value(), std::string(member));
  }

  // Shorthands for the common member kinds.
  bool id(std::string_view member, Need need, std::string& out) {
    return with(member, need, [&](const json::value& v, const std::string& at) {
      return read_id(ctx_, v, at, out);
    });
  }
  bool name(std::string_view member, Need need, std::string& out) {
    return with(member, need, [&](const json::value& v, const std::string& at) {
      return read_name(ctx_, v, at, out);
    });
  }
  bool text(std::string_view member, std::string& out) {
    return with(member, Need::Optional, [&](const json::value& v, const std::string& at) {
      return read_text(ctx_, v, at, out);
    });
  }
  bool attributes(std::string_view member, Attributes& out) {
    return with(member, Need::Optional, [&](const json::value& v, const std::string& at) {
      return read_attributes(ctx_, v, at, out);
    });
  }
  template <class Number>
  bool number(std::string_view member, const Range& range, Number& out) {
    return with(member, Need::Optional, [&](const json::value& v, const std::string& at) {
      double d = 0;
      if (!read_number(ctx_, v, at, range, d)) return false;
      out = d;
      return true;
    });
  }

  // Every member not read is unknown: the first one, in document order, is the error.
  bool finish() {
    for (std::size_t i = 0; i < read_.size(); ++i) {
      if (!read_[i]) return ctx_.fail(unknown(std::string(object_.begin()[i].key())));
    }
    return true;
  }

 private:
  Ctx& ctx_;
  const json::object& object_;
  std::vector<bool> read_;
};

// ---------------------------------------------------------------------------------------------
// The fields of each command, shared by HTTP bodies and WebSocket messages.

constexpr Range kSentiment{-1, 1, "from -1 to 1"};
constexpr Range kPriority{-1e6, 1e6, "from -1000000 to 1000000"};

constexpr std::pair<std::string_view, AgentKind> kKinds[] = {{"human", AgentKind::Human},
                                                             {"bot", AgentKind::Bot}};
constexpr std::pair<std::string_view, Presence> kPresences[] = {
    {"available", Presence::Available}, {"away", Presence::Away}, {"offline", Presence::Offline}};

bool read_upsert(Fields& f, UpsertAgent& c) {
  Ctx& ctx = f.ctx();
  return f.with("skills", Need::Optional,
                [&](const json::value& v, const std::string& at) {
                  return read_skills(ctx, v, at, c.skills);
                }) &&
         f.with("languages", Need::Optional,
                [&](const json::value& v, const std::string& at) {
                  return read_names(ctx, v, at, ctx.limits.max_languages, "languages",
                                    ctx.limits.max_string_length, c.languages);
                }) &&
         f.with("channels", Need::Optional,
                [&](const json::value& v, const std::string& at) {
                  return read_channels(ctx, v, at, c.channels);
                }) &&
         f.attributes("attributes", c.attributes) &&
         f.with("kind", Need::Optional, [&](const json::value& v, const std::string& at) {
           return read_choice(ctx, v, at, kKinds, "must be human or bot", c.kind);
         });
}

bool read_state(Fields& f, SetAgentState& c) {
  return f.with("state", Need::Required, [&](const json::value& v, const std::string& at) {
    return read_choice(f.ctx(), v, at, kPresences, "must be available, away or offline", c.state);
  }) && f.text("reason", c.reason);
}

bool read_create(Fields& f, CreateInteraction& c) {
  return f.id("id", Need::Required, c.interaction_id) &&
         f.name("channel", Need::Required, c.channel) &&
         f.id("customer_id", Need::Required, c.customer_id) &&
         f.attributes("attributes", c.attributes) &&
         f.number("sentiment", kSentiment, c.sentiment) &&
         f.number("priority", kPriority, c.priority);
}

bool read_update(Fields& f, UpdateInteraction& c) {
  return f.number("sentiment", kSentiment, c.sentiment) &&
         f.with("attributes", Need::Optional,
                [&](const json::value& v, const std::string& at) {
                  return read_attributes(f.ctx(), v, at, c.attributes.emplace());
                }) &&
         f.number("priority", kPriority, c.priority);
}

bool read_cancel(Fields& f, CancelInteraction& c) { return f.text("reason", c.reason); }

bool read_transfer(Fields& f, TransferInteraction& c) {
  if (!f.name("queue", Need::Optional, c.queue) || !f.id("agent_id", Need::Optional, c.agent_id)) {
    return false;
  }
  if (!c.queue.empty() && !c.agent_id.empty()) {
    return f.ctx().fail(
        make(400, "invalid_field", "agent_id", "transfer to a queue or to an agent, not both"));
  }
  return true;
}

bool read_complete(Fields& f, CompleteInteraction& c) {
  return f.with("outcome", Need::Optional, [&](const json::value& v, const std::string& at) {
    return read_name(f.ctx(), v, at, c.outcome);
  });
}

bool read_accept(Fields&, AcceptOffer&) { return true; }

bool read_reject(Fields& f, RejectOffer& c) { return f.text("reason", c.reason); }

bool read_subscribe(Fields& f, Subscribe& s) {
  Ctx& ctx = f.ctx();
  return f.with("agents", Need::Optional, [&](const json::value& v, const std::string& at) {
    return read_names(ctx, v, at, ctx.limits.max_subscriptions, "agents", ctx.limits.max_id_length,
                      s.agents);
  }) && f.with("queues", Need::Optional, [&](const json::value& v, const std::string& at) {
    return read_names(ctx, v, at, ctx.limits.max_subscriptions, "queues",
                      ctx.limits.max_string_length, s.queues);
  });
}

// Offer ids are decimal strings: digits only, above zero, within 64 bits.
std::optional<OfferId> parse_offer_id(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  OfferId id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id == 0) return std::nullopt;
  return id;
}

constexpr std::string_view kOfferIdRule = "must be a decimal string from 1 to 18446744073709551615";

// ---------------------------------------------------------------------------------------------
// HTTP: ids from the path, the rest from the body.

enum class Body { Required, Optional };

// The body (a JSON object) read by read(fields, command) into `command`, which holds the ids.
template <class T>
Decoded<T> decode_body(std::string_view body, Body need, const DecodeLimits& limits, T command,
                       bool (*read)(Fields&, T&)) {
  if (is_blank(body)) {
    if (need == Body::Optional) return command;
    return malformed("the body is empty; a JSON object is expected");
  }
  Document doc;
  if (std::optional<ApiError> error = parse(body, limits, doc)) return std::move(*error);
  const json::object* object = doc.root->if_object();
  if (object == nullptr) return invalid("", "must be a JSON object");
  Ctx ctx{limits, std::nullopt};
  Fields fields(ctx, *object);
  if (read(fields, command) && fields.finish()) return command;
  return std::move(*ctx.error);
}

std::optional<ApiError> check_path_id(std::string_view id, const DecodeLimits& limits) {
  if (id.empty() || id.size() > limits.max_id_length) {
    return bad_request("id", "ids are 1 to " + std::to_string(limits.max_id_length) + " bytes");
  }
  if (first_invalid_utf8(id) != std::string_view::npos) {
    return bad_request("id", "ids are UTF-8");
  }
  return std::nullopt;
}

// The decode of a command addressed by a path id held in `id_member` of T.
template <class T>
Decoded<T> decode_with_id(std::string_view id, std::string T::*id_member, std::string_view body,
                          Body need, const DecodeLimits& limits, bool (*read)(Fields&, T&)) {
  if (std::optional<ApiError> error = check_path_id(id, limits)) return std::move(*error);
  T command;
  command.*id_member = std::string(id);
  return decode_body(body, need, limits, std::move(command), read);
}

template <class T>
Decoded<T> decode_with_offer(std::string_view offer_id, std::string_view body,
                             const DecodeLimits& limits, bool (*read)(Fields&, T&)) {
  const std::optional<OfferId> id = parse_offer_id(offer_id);
  if (!id) return bad_request("offer_id", "offer_id " + std::string(kOfferIdRule));
  T command;
  command.offer_id = *id;
  return decode_body(body, Body::Optional, limits, std::move(command), read);
}

// ---------------------------------------------------------------------------------------------
// WebSocket: the ids are members of the message too.

bool read_no_id(Fields&, CreateInteraction&) { return true; }

bool read_agent_id(Fields& f, UpsertAgent& c) { return f.id("id", Need::Required, c.agent_id); }
bool read_agent_id(Fields& f, SetAgentState& c) { return f.id("id", Need::Required, c.agent_id); }
template <class T>
bool read_interaction_id(Fields& f, T& c) {
  return f.id("id", Need::Required, c.interaction_id);
}
template <class T>
bool read_offer_id(Fields& f, T& c) {
  return f.with("offer_id", Need::Required, [&](const json::value& v, const std::string& at) {
    const json::string* s = v.if_string();
    const std::optional<OfferId> id = s ? parse_offer_id(*s) : std::nullopt;
    if (!id) return f.ctx().fail(invalid(at, kOfferIdRule));
    c.offer_id = *id;
    return true;
  });
}

template <class T, bool (*ReadId)(Fields&, T&), bool (*ReadBody)(Fields&, T&)>
bool read_command(Fields& f, WsRequest& request) {
  T command;
  if (!ReadId(f, command) || !ReadBody(f, command)) return false;
  request.body.emplace<Command>(std::move(command));
  return true;
}

bool read_subscription(Fields& f, WsRequest& request) {
  return read_subscribe(f, request.body.emplace<Subscribe>());
}

struct WsOp {
  std::string_view name;
  bool (*read)(Fields&, WsRequest&);
};

constexpr WsOp kOps[] = {
    {"subscribe", read_subscription},
    {"agent.upsert", read_command<UpsertAgent, read_agent_id, read_upsert>},
    {"agent.state", read_command<SetAgentState, read_agent_id, read_state>},
    {"interaction.create", read_command<CreateInteraction, read_no_id, read_create>},
    {"interaction.update",
     read_command<UpdateInteraction, read_interaction_id<UpdateInteraction>, read_update>},
    {"interaction.cancel",
     read_command<CancelInteraction, read_interaction_id<CancelInteraction>, read_cancel>},
    {"interaction.transfer",
     read_command<TransferInteraction, read_interaction_id<TransferInteraction>, read_transfer>},
    {"interaction.complete",
     read_command<CompleteInteraction, read_interaction_id<CompleteInteraction>, read_complete>},
    {"offer.accept", read_command<AcceptOffer, read_offer_id<AcceptOffer>, read_accept>},
    {"offer.reject", read_command<RejectOffer, read_offer_id<RejectOffer>, read_reject>},
};

const WsOp* find_op(std::string_view name) {
  for (const WsOp& op : kOps) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

std::string op_rule() {
  std::string rule = "must be one of";
  for (const WsOp& op : kOps) rule.append(&op == kOps ? " " : ", ").append(op.name);
  return rule;
}

}  // namespace

Decoded<UpsertAgent> decode_upsert_agent(std::string_view agent_id, std::string_view body,
                                         const DecodeLimits& limits) {
  return decode_with_id(agent_id, &UpsertAgent::agent_id, body, Body::Required, limits,
                        read_upsert);
}

Decoded<SetAgentState> decode_agent_state(std::string_view agent_id, std::string_view body,
                                          const DecodeLimits& limits) {
  return decode_with_id(agent_id, &SetAgentState::agent_id, body, Body::Required, limits,
                        read_state);
}

Decoded<CreateInteraction> decode_create_interaction(std::string_view body,
                                                     const DecodeLimits& limits) {
  return decode_body(body, Body::Required, limits, CreateInteraction{}, read_create);
}

Decoded<UpdateInteraction> decode_update_interaction(std::string_view interaction_id,
                                                     std::string_view body,
                                                     const DecodeLimits& limits) {
  return decode_with_id(interaction_id, &UpdateInteraction::interaction_id, body, Body::Required,
                        limits, read_update);
}

Decoded<CancelInteraction> decode_cancel(std::string_view interaction_id, std::string_view body,
                                         const DecodeLimits& limits) {
  return decode_with_id(interaction_id, &CancelInteraction::interaction_id, body, Body::Optional,
                        limits, read_cancel);
}

Decoded<TransferInteraction> decode_transfer(std::string_view interaction_id, std::string_view body,
                                             const DecodeLimits& limits) {
  return decode_with_id(interaction_id, &TransferInteraction::interaction_id, body, Body::Required,
                        limits, read_transfer);
}

Decoded<CompleteInteraction> decode_complete(std::string_view interaction_id, std::string_view body,
                                             const DecodeLimits& limits) {
  return decode_with_id(interaction_id, &CompleteInteraction::interaction_id, body, Body::Optional,
                        limits, read_complete);
}

Decoded<AcceptOffer> decode_accept(std::string_view offer_id, std::string_view body,
                                   const DecodeLimits& limits) {
  return decode_with_offer(offer_id, body, limits, read_accept);
}

Decoded<RejectOffer> decode_reject(std::string_view offer_id, std::string_view body,
                                   const DecodeLimits& limits) {
  return decode_with_offer(offer_id, body, limits, read_reject);
}

std::variant<WsRequest, WsDecodeError> decode_ws_message(std::string_view text,
                                                         const DecodeLimits& limits) {
  if (is_blank(text)) return WsDecodeError{malformed("the message is empty"), std::nullopt};
  Document doc;
  if (std::optional<ApiError> error = parse(text, limits, doc)) {
    return WsDecodeError{std::move(*error), std::nullopt};
  }
  const json::object* object = doc.root->if_object();
  if (object == nullptr) {
    return WsDecodeError{invalid("", "must be a JSON object"), std::nullopt};
  }
  Ctx ctx{limits, std::nullopt};
  Fields fields(ctx, *object);
  WsRequest request;
  std::string request_id;
  if (!fields.with("request_id", Need::Optional, [&](const json::value& v, const std::string& at) {
        if (!read_id(ctx, v, at, request_id)) return false;
        request.request_id = std::move(request_id);
        return true;
      })) {
    return WsDecodeError{std::move(*ctx.error), std::nullopt};
  }
  const WsOp* op = nullptr;
  const bool ok = fields.with("op", Need::Required,
                              [&](const json::value& v, const std::string& at) {
                                const json::string* s = v.if_string();
                                op = s ? find_op(*s) : nullptr;
                                return op != nullptr || ctx.fail(invalid(at, op_rule()));
                              }) &&
                  op->read(fields, request) && fields.finish();
  if (!ok) return WsDecodeError{std::move(*ctx.error), std::move(request.request_id)};
  request.op = std::string(op->name);
  return request;
}

}  // namespace sb::api
