#include "engine/client/endpoint.h"

#include <charconv>

namespace sb::client {
namespace {

struct Scheme {
  std::string_view prefix;
  bool tls;
  std::uint16_t port;
};

constexpr Scheme kSchemes[] = {
    {"http://", false, 80}, {"https://", true, 443}, {"ws://", false, 80}, {"wss://", true, 443}};

// Splits off the scheme; false if it is not one of kSchemes.
bool take_scheme(std::string_view& rest, Scheme& scheme) {
  for (const Scheme& s : kSchemes) {
    if (rest.substr(0, s.prefix.size()) == s.prefix) {
      scheme = s;
      rest.remove_prefix(s.prefix.size());
      return true;
    }
  }
  return false;
}

// The authority (host[:port]) of a URL without its scheme.
std::string_view authority_of(std::string_view rest) {
  return rest.substr(0, rest.find_first_of("/?#"));
}

bool parse_port(std::string_view text, std::uint16_t& port) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
    return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// Splits host[:port] or [v6][:port]; false (with `error`) when malformed.
bool split_authority(std::string_view authority, Endpoint& e, std::string& error) {
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "unterminated IPv6 address in the URL";
      return false;
    }
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      error = "unexpected characters after the IPv6 address in the URL";
      return false;
    }
    if (!after.empty()) port = after.substr(1);
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) {
    error = "the URL has no host";
    return false;
  }
  if (authority.find('@') != std::string_view::npos) {
    error = "user information in the URL is not supported (use --token)";
    return false;
  }
  if (authority.back() == ':' || (!port.empty() && !parse_port(port, e.port))) {
    error = "the port in the URL must be a number from 1 to 65535";
    return false;
  }
  e.host = std::string(host);
  return true;
}

}  // namespace

Endpoint parse_url(std::string_view url, std::string& error) {
  error.clear();
  Endpoint e;
  Scheme scheme;
  std::string_view rest = url;
  if (!take_scheme(rest, scheme)) {
    error = "the URL must start with http://, https://, ws:// or wss://";
    return e;
  }
  e.tls = scheme.tls;
  e.port = scheme.port;
  split_authority(authority_of(rest), e, error);
  return e;
}

std::string url_target(std::string_view url) {
  Scheme scheme;
  std::string_view rest = url;
  if (!take_scheme(rest, scheme)) return {};
  rest.remove_prefix(authority_of(rest).size());
  if (rest.empty() || rest.front() == '#') return {};
  std::string target(rest.front() == '?' ? "/" : "");
  target += rest.substr(0, rest.find('#'));
  return target;
}

}  // namespace sb::client
