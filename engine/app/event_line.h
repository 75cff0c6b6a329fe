// One stream message as `switchboard tail` prints it: a CloudEvent becomes a short human line,
// `TIME TYPE SUBJECT key=value…` (e.g. `09:30:00.123 offer.created a1 offer=17
// interaction=chat-991 queue=billing expires=09:30:30.123`). Pure functions; any thread.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace sb::app {

// True if the message is a CloudEvent (it has `specversion` and `type`).
bool is_cloud_event(const boost::json::value& message);

// The human line of a CloudEvent, without a trailing newline. Times are shown as HH:MM:SS.mmm
// (UTC, as sent); the type loses its `switchboard.` prefix; data fields follow as key=value
// with `_id` and `_at` dropped from their names, nulls and empty strings left out, and the
// agent id left out when it is the subject. Values with spaces, `=` or quotes are written as
// JSON strings.
std::string event_line(const boost::json::value& event);

}  // namespace sb::app
