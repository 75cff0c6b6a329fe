#include "engine/app/tail_command.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <csignal>
#include <optional>

#include "engine/app/event_line.h"
#include "engine/client/stream_client.h"

namespace sb::app {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr char kRequestId[] = "tail";
constexpr auto kPoll = 200ms;  // how often the read loop looks at the stop flag
constexpr auto kSubscribeWait = 10s;

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

// Installs the SIGINT/SIGTERM handler for the lifetime of a tail; restores the old ones.
class StopSignals {
 public:
  StopSignals() {
    g_stop = 0;
    old_int_ = std::signal(SIGINT, on_stop_signal);
    old_term_ = std::signal(SIGTERM, on_stop_signal);
  }
  ~StopSignals() {
    std::signal(SIGINT, old_int_);
    std::signal(SIGTERM, old_term_);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  void (*old_int_)(int) = SIG_DFL;
  void (*old_term_)(int) = SIG_DFL;
};

json::array names(const std::vector<std::string>& list) {
  json::array out;
  for (const std::string& name : list) out.emplace_back(name);
  return out;
}

std::string subscribe_message(const TailOptions& o) {
  const bool all = o.agents.empty() && o.queues.empty();
  json::object m;
  m["op"] = "subscribe";
  m["agents"] = all ? json::array{"*"} : names(o.agents);
  m["queues"] = all ? json::array{"*"} : names(o.queues);
  m["request_id"] = kRequestId;
  return json::serialize(m);
}

std::optional<json::value> parse(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return std::nullopt;
  return v;
}

std::string field(const json::value& v, std::string_view key) {
  const json::object* o = v.if_object();
  const json::value* f = o ? o->if_contains(key) : nullptr;
  return f && f->is_string() ? std::string(f->get_string()) : std::string();
}

// The server's answer to our subscription: nullopt while it has not come, else an error text
// ("" for success).
std::optional<std::string> subscription_answer(const json::value& m) {
  if (field(m, "request_id") != kRequestId) return std::nullopt;
  if (field(m, "op") == "reply") return std::string();
  const json::object* o = m.if_object();
  const json::value* error = o ? o->if_contains("error") : nullptr;
  return error ? json::serialize(*error) : json::serialize(m);
}

// Prints one message; events only (replies and unknown messages are skipped).
void print(const std::string& text, const json::value& m, bool as_json, std::FILE* out) {
  if (!is_cloud_event(m)) return;
  if (as_json) {
    // One event per line even if the server pretty-printed it.
    const bool one_line = text.find('\n') == std::string::npos;
    std::fprintf(out, "%s\n", one_line ? text.c_str() : json::serialize(m).c_str());
  } else {
    std::fprintf(out, "%s\n", event_line(m).c_str());
  }
  std::fflush(out);
}

// Reads until the subscription is answered; returns the exit code to give up with, if any.
std::optional<int> await_subscription(client::StreamClient& stream, const TailOptions& o,
                                      std::FILE* out, std::FILE* err) {
  const auto deadline = std::chrono::steady_clock::now() + kSubscribeWait;
  while (std::chrono::steady_clock::now() < deadline) {
    if (g_stop) return 0;
    const std::optional<std::string> text = stream.read(kPoll);
    if (!text) continue;
    const std::optional<json::value> m = parse(*text);
    if (!m) continue;
    if (const std::optional<std::string> answer = subscription_answer(*m)) {
      if (answer->empty()) return std::nullopt;
      std::fprintf(err, "switchboard tail: the subscription was refused: %s\n", answer->c_str());
      return 1;
    }
    print(*text, *m, o.json, out);
  }
  std::fprintf(err, "switchboard tail: no answer to the subscription\n");
  return 1;
}

int stream_ended(const client::StreamClient& stream, const client::ClientError& e, std::FILE* err) {
  const std::optional<int> code = stream.close_code();
  if (code && (*code == 1000 || *code == 1001)) {
    std::fprintf(err, "switchboard tail: the server closed the stream (%d%s%s)\n", *code,
                 stream.close_reason().empty() ? "" : " ", stream.close_reason().c_str());
    return 0;
  }
  std::fprintf(err, "switchboard tail: %s\n", e.what());
  return 1;
}

}  // namespace

int run_tail(const TailOptions& options, std::FILE* out, std::FILE* err) {
  std::string error;
  client::Endpoint endpoint = client::parse_url(options.url, error);
  if (!error.empty()) {
    std::fprintf(err, "switchboard tail: bad --url '%s': %s\n", options.url.c_str(), error.c_str());
    return 1;
  }
  endpoint.token = options.token;
  endpoint.ca_file = options.ca_file;
  std::string path = client::url_target(options.url);
  if (path.empty() || path == "/") path = "/v1/stream";

  StopSignals signals;
  std::optional<client::StreamClient> stream;
  try {
    stream.emplace(endpoint, path);
    stream->send(subscribe_message(options));
    if (const std::optional<int> code = await_subscription(*stream, options, out, err))
      return *code;
    while (!g_stop) {
      const std::optional<std::string> text = stream->read(kPoll);
      if (!text) continue;
      if (const std::optional<json::value> m = parse(*text)) print(*text, *m, options.json, out);
    }
    stream->close();
    return 0;
  } catch (const client::ClientError& e) {
    if (!stream) {
      std::fprintf(err, "switchboard tail: cannot open the stream at %s: %s\n", options.url.c_str(),
                   e.what());
      return 1;
    }
    return stream_ended(*stream, e, err);
  }
}

}  // namespace sb::app
