#include "bench/loadgen/reply.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <charconv>

namespace sb::loadgen {
namespace json = boost::json;

std::optional<Reply> parse_reply(std::string_view message) {
  boost::system::error_code ec;
  const json::value v = json::parse(message, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  if (!o) return std::nullopt;
  const json::value* op = o->if_contains("op");
  const json::value* id = o->if_contains("request_id");
  const json::value* status = o->if_contains("status");
  if (!op || !id || !id->is_string() || !status || !status->is_int64()) return std::nullopt;
  const std::string_view text = id->get_string();
  Reply r;
  if (text.size() < 2) return std::nullopt;
  r.tag = text.front();
  const auto [end, fec] = std::from_chars(text.data() + 1, text.data() + text.size(), r.n);
  if (fec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  r.status = static_cast<unsigned>(status->get_int64());
  return r;
}

}  // namespace sb::loadgen
