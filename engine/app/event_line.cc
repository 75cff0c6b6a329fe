#include "engine/app/event_line.h"

#include <boost/json/serialize.hpp>
#include <cstdio>
#include <string_view>

namespace sb::app {
namespace json = boost::json;
namespace {

constexpr std::string_view kTypePrefix = "switchboard.";

// "2026-11-25T09:30:00.123456Z" -> "09:30:00.123"; anything else is kept as it is.
std::string short_time(std::string_view rfc3339) {
  if (rfc3339.size() >= 23 && rfc3339[10] == 'T' && rfc3339[19] == '.')
    return std::string(rfc3339.substr(11, 12));
  return std::string(rfc3339);
}

bool needs_quotes(std::string_view s) {
  return s.empty() || s.find_first_of(" \t=\"\n") != std::string_view::npos;
}

std::string scalar_text(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: {
      const std::string_view s = v.get_string();
      return needs_quotes(s) ? json::serialize(v) : std::string(s);
    }
    case json::kind::double_: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", v.get_double());
      return buf;
    }
    default:
      return json::serialize(v);
  }
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void append_field(std::string& line, std::string_view key, const std::string& value) {
  line += ' ';
  line += key;
  line += '=';
  line += value;
}

// A data field as key=value; the name loses `_id`, a time field `_at` and its date.
void append_data_field(std::string& line, std::string_view key, const json::value& v) {
  if (v.is_null() || (v.is_string() && v.get_string().empty())) return;
  if (ends_with(key, "_id")) key.remove_suffix(3);
  if (ends_with(key, "_at") && v.is_string()) {
    key.remove_suffix(3);
    return append_field(line, key, short_time(v.get_string()));
  }
  append_field(line, key, scalar_text(v));
}

const json::value* find(const json::value& v, std::string_view key) {
  const json::object* o = v.if_object();
  return o ? o->if_contains(key) : nullptr;
}

std::string string_at(const json::value& v, std::string_view key) {
  const json::value* found = find(v, key);
  return found && found->is_string() ? std::string(found->get_string()) : std::string();
}

// offer.created carries whole objects; the line keeps what identifies the offer.
void append_offer_created(std::string& line, const json::value& data) {
  if (const json::value* offer = find(data, "offer_id")) append_data_field(line, "offer", *offer);
  const json::value* interaction = find(data, "interaction");
  if (interaction) {
    if (const json::value* id = find(*interaction, "id"))
      append_data_field(line, "interaction", *id);
  }
  const json::value* explanation = find(data, "explanation");
  const json::value* queue = explanation ? find(*explanation, "queue") : nullptr;
  if (!queue && interaction) queue = find(*interaction, "queue");
  if (queue) append_data_field(line, "queue", *queue);
  if (const json::value* expires = find(data, "expires_at"))
    append_data_field(line, "expires_at", *expires);
}

}  // namespace

bool is_cloud_event(const json::value& message) {
  return find(message, "specversion") && find(message, "type");
}

std::string event_line(const json::value& event) {
  std::string type = string_at(event, "type");
  if (type.starts_with(kTypePrefix)) type.erase(0, kTypePrefix.size());
  const std::string subject = string_at(event, "subject");
  std::string line = short_time(string_at(event, "time"));
  line += ' ';
  line += type.empty() ? "?" : type;
  line += ' ';
  line += subject.empty() ? "-" : subject;
  const json::value* data = find(event, "data");
  if (!data || !data->is_object()) return line;
  if (type == "offer.created") {
    append_offer_created(line, *data);
    return line;
  }
  for (const auto& [key, value] : data->get_object()) {
    if (key == "agent_id" && value.is_string() && value.get_string() == subject) continue;
    append_data_field(line, key, value);
  }
  return line;
}

}  // namespace sb::app
