#include "engine/app/server_config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <functional>
#include <map>

#include "engine/policy/did_you_mean.h"
#include "engine/policy/durations.h"

namespace sb::app {
namespace {

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  void error(const YAML::Node& at, const std::string& message) {
    const YAML::Mark mark = at.Mark();
    errors_.push_back(file_ + ":" + std::to_string(mark.line + 1) + ":" +
                      std::to_string(mark.column + 1) + ": " + message);
  }

  // Calls the handler of each key of `map`; unknown keys are errors with a hint.
  void fields(const YAML::Node& map, const std::string& where,
              const std::map<std::string, std::function<void(const YAML::Node&)>>& handlers) {
    if (!map.IsMap()) return error(map, where + " must be a mapping");
    std::vector<std::string> known;
    for (const auto& [name, _] : handlers) known.push_back(name);
    for (const auto& entry : map) {
      const std::string key = entry.first.as<std::string>();
      auto found = handlers.find(key);
      if (found == handlers.end()) {
        error(entry.first,
              "unknown key '" + key + "' in " + where + policy::did_you_mean(key, known));
        continue;
      }
      found->second(entry.second);
    }
  }

  std::optional<std::string> string(const YAML::Node& node, const std::string& what) {
    if (!node.IsScalar()) {
      error(node, what + " must be a string");
      return std::nullopt;
    }
    return node.Scalar();
  }

  template <typename T>
  void number(const YAML::Node& node, const std::string& what, T& out, double min, double max) {
    double value = 0;
    const std::string text = node.IsScalar() ? node.Scalar() : std::string();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!node.IsScalar() || ec != std::errc() || end != text.data() + text.size() || value < min ||
        value > max) {
      return error(node, what + " must be a number from " +
                             std::to_string(static_cast<long long>(min)) + " to " +
                             std::to_string(static_cast<long long>(max)));
    }
    out = static_cast<T>(value);
  }

  void boolean(const YAML::Node& node, const std::string& what, bool& out) {
    const std::string text = node.IsScalar() ? node.Scalar() : std::string();
    if (text != "true" && text != "false") return error(node, what + " must be true or false");
    out = text == "true";
  }

  template <typename D>
  void duration(const YAML::Node& node, const std::string& what, D& out) {
    auto parsed = node.IsScalar() ? policy::parse_duration(node.Scalar()) : std::nullopt;
    if (!parsed) return error(node, what + " must be a duration such as 500ms, 10s or 1m");
    out = std::chrono::duration_cast<D>(*parsed);
  }

  std::vector<std::string> errors_;

 private:
  std::string file_;
};

void read_limits(Reader& r, const YAML::Node& node, ServerConfig& c) {
  constexpr double kMib = 1024.0 * 1024.0;
  r.fields(
      node, "limits",
      {
          {"body_bytes_max",
           [&](auto& n) {
             r.number(n, "body_bytes_max", c.limits.body_bytes_max, 256, 64 * kMib);
           }},
          {"policy_bytes_max",
           [&](auto& n) {
             r.number(n, "policy_bytes_max", c.limits.policy_bytes_max, 1024, 64 * kMib);
           }},
          {"header_bytes_max",
           [&](auto& n) {
             r.number(n, "header_bytes_max", c.limits.header_bytes_max, 1024, kMib);
           }},
          {"ws_message_bytes_max",
           [&](auto& n) {
             r.number(n, "ws_message_bytes_max", c.limits.ws_message_bytes_max, 256, 64 * kMib);
           }},
          {"ws_queue_messages_max",
           [&](auto& n) {
             r.number(n, "ws_queue_messages_max", c.limits.ws_queue_messages_max, 1, 1e7);
           }},
          {"connections_max",
           [&](auto& n) { r.number(n, "connections_max", c.limits.connections_max, 1, 1e7); }},
          {"inbound_queue_max",
           [&](auto& n) { r.number(n, "inbound_queue_max", c.inbound_queue_max, 1, 1e8); }},
          {"json_depth_max",
           [&](auto& n) { r.number(n, "json_depth_max", c.decode.max_depth, 2, 64); }},
          {"request_timeout",
           [&](auto& n) { r.duration(n, "request_timeout", c.limits.request_timeout); }},
          {"idle_timeout", [&](auto& n) { r.duration(n, "idle_timeout", c.limits.idle_timeout); }},
          {"write_timeout",
           [&](auto& n) { r.duration(n, "write_timeout", c.limits.write_timeout); }},
      });
}

void read_tokens(Reader& r, const YAML::Node& node, ServerConfig& c) {
  if (!node.IsSequence()) return r.error(node, "auth.tokens must be a list");
  for (const YAML::Node& item : node) {
    api::TokenConfig token;
    bool has_hash = false;
    bool has_role = false;
    r.fields(item, "a token",
             {
                 {"name", [&](auto& n) { token.name = r.string(n, "name").value_or(""); }},
                 {"sha256",
                  [&](auto& n) {
                    token.sha256 = r.string(n, "sha256").value_or("");
                    has_hash = true;
                    const bool hex = token.sha256.size() == 64 &&
                                     token.sha256.find_first_not_of("0123456789abcdefABCDEF") ==
                                         std::string::npos;
                    if (!hex)
                      r.error(n, "sha256 must be 64 hex digits: printf %s TOKEN | sha256sum");
                  }},
                 {"role",
                  [&](auto& n) {
                    has_role = true;
                    auto role = api::parse_role(r.string(n, "role").value_or(""));
                    if (!role) return r.error(n, "role must be observer, platform or admin");
                    token.role = *role;
                  }},
             });
    if (item.IsMap() && (!has_hash || !has_role)) r.error(item, "a token needs sha256 and role");
    c.tokens.push_back(std::move(token));
  }
}

void read_journal(Reader& r, const YAML::Node& node, ServerConfig& c) {
  JournalConfig& j = c.journal;
  r.fields(
      node, "journal",
      {
          {"fsync",
           [&](auto& n) {
             auto policy = journal::parse_fsync_policy(r.string(n, "fsync").value_or(""));
             if (!policy) return r.error(n, "fsync must be always, interval or none");
             j.fsync = *policy;
           }},
          {"fsync_interval",
           [&](auto& n) {
             r.duration(n, "fsync_interval", j.fsync_interval);
             if (j.fsync_interval.count() <= 0) r.error(n, "fsync_interval must be above 0");
           }},
          {"segment_bytes",
           [&](auto& n) {
             r.number(n, "segment_bytes", j.segment_bytes, 4096, 1024.0 * 1024 * 1024);
           }},
          {"snapshot_every_commands",
           [&](auto& n) {
             r.number(n, "snapshot_every_commands", j.snapshot_every_commands, 0, 1e12);
           }},
          {"snapshot_every", [&](auto& n) { r.duration(n, "snapshot_every", j.snapshot_every); }},
          {"keep_history", [&](auto& n) { r.boolean(n, "keep_history", j.keep_history); }},
      });
}

void read_log(Reader& r, const YAML::Node& node, ServerConfig& c) {
  r.fields(node, "log",
           {
               {"level",
                [&](auto& n) {
                  const std::string level = r.string(n, "level").value_or("");
                  if (!valid_log_level(level)) {
                    return r.error(n,
                                   "level must be trace, debug, info, warn, error, critical "
                                   "or off");
                  }
                  c.log.level = level;
                }},
               {"format",
                [&](auto& n) {
                  auto format = parse_log_format(r.string(n, "format").value_or(""));
                  if (!format) return r.error(n, "format must be text or json");
                  c.log.format = *format;
                }},
           });
}

}  // namespace

std::optional<std::pair<std::string, std::uint16_t>> split_host_port(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return std::nullopt;
  }
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

std::variant<ServerConfig, std::vector<std::string>> load_server_config(std::string_view yaml,
                                                                        const std::string& file) {
  ServerConfig c;
  Reader r(file);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    return std::vector<std::string>{file + ":" + std::to_string(e.mark.line + 1) + ":" +
                                    std::to_string(e.mark.column + 1) + ": " + e.msg};
  }
  if (root.IsNull()) return c;  // an empty file: every default
  try {
    r.fields(root, "the server config",
             {
                 {"listen",
                  [&](auto& n) {
                    c.listen = r.string(n, "listen").value_or(c.listen);
                    if (!split_host_port(c.listen)) r.error(n, "listen must be HOST:PORT");
                  }},
                 {"io_threads", [&](auto& n) { r.number(n, "io_threads", c.io_threads, 1, 64); }},
                 {"data_dir", [&](auto& n) { c.data_dir = r.string(n, "data_dir").value_or(""); }},
                 {"policy_watch", [&](auto& n) { r.duration(n, "policy_watch", c.policy_watch); }},
                 {"tls",
                  [&](auto& n) {
                    api::TlsFiles tls;
                    r.fields(n, "tls",
                             {
                                 {"certificate",
                                  [&](auto& m) {
                                    tls.certificate_chain = r.string(m, "certificate").value_or("");
                                  }},
                                 {"private_key",
                                  [&](auto& m) {
                                    tls.private_key = r.string(m, "private_key").value_or("");
                                  }},
                             });
                    if (tls.certificate_chain.empty() || tls.private_key.empty()) {
                      r.error(n, "tls needs certificate and private_key (PEM files)");
                    }
                    c.tls = tls;
                  }},
                 {"auth",
                  [&](auto& n) {
                    r.fields(n, "auth", {{"tokens", [&](auto& m) { read_tokens(r, m, c); }}});
                  }},
                 {"rate_limit",
                  [&](auto& n) {
                    r.fields(
                        n, "rate_limit",
                        {
                            {"per_token_per_s",
                             [&](auto& m) {
                               r.number(m, "per_token_per_s", c.rate_limit.per_s, 0, 1e7);
                             }},
                            {"burst",
                             [&](auto& m) { r.number(m, "burst", c.rate_limit.burst, 0, 1e7); }},
                        });
                  }},
                 {"limits", [&](auto& n) { read_limits(r, n, c); }},
                 {"journal", [&](auto& n) { read_journal(r, n, c); }},
                 {"metrics",
                  [&](auto& n) {
                    r.fields(n, "metrics",
                             {{"report_interval", [&](auto& m) {
                                 r.duration(m, "report_interval", c.metrics_report_interval);
                                 if (c.metrics_report_interval < std::chrono::milliseconds(10) ||
                                     c.metrics_report_interval > std::chrono::minutes(1)) {
                                   r.error(m, "report_interval must be from 10ms to 1m");
                                 }
                               }}});
                  }},
                 {"log", [&](auto& n) { read_log(r, n, c); }},
             });
  } catch (const YAML::Exception& e) {
    r.errors_.push_back(file + ":" + std::to_string(e.mark.line + 1) + ":" +
                        std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (!r.errors_.empty()) return std::move(r.errors_);
  return c;
}

}  // namespace sb::app
