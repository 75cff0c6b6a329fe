#include "bench/loadgen/run_state.h"

#include <charconv>

#include "bench/loadgen/text.h"

namespace sb::loadgen {

std::optional<std::uint64_t> RunState::interaction_number(std::string_view id) const {
  if (id.substr(0, id_prefix.size()) != id_prefix) return std::nullopt;
  id.remove_prefix(id_prefix.size());
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
  if (ec != std::errc() || end != id.data() + id.size()) return std::nullopt;
  return n;
}

std::string RunState::create_fields(std::uint64_t n) const {
  const auto customer =
      n % static_cast<std::uint64_t>(options.customers > 0 ? options.customers : 1);
  return cat({R"("id":")", interaction_id(n), R"(","channel":"chat","customer_id":"lgc-)",
              std::to_string(customer), R"(","attributes":{"intent":"load"})"});
}

}  // namespace sb::loadgen
