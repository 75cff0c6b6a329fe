#include "engine/api/utf8.h"

#include <cstdint>

namespace sb::api {
namespace {

bool in(std::uint8_t byte, std::uint8_t lo, std::uint8_t hi) { return byte >= lo && byte <= hi; }

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const std::size_t left = text.size() - at;
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[at + k]); };
  const std::uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  // The second byte's range depends on the lead (RFC 3629, section 4); later ones are 80..BF.
  std::size_t length = 0;
  std::uint8_t lo = 0x80;
  std::uint8_t hi = 0xBF;
  if (in(lead, 0xC2, 0xDF)) {
    length = 2;
  } else if (in(lead, 0xE0, 0xEF)) {
    length = 3;
    if (lead == 0xE0) lo = 0xA0;  // no overlong forms
    if (lead == 0xED) hi = 0x9F;  // no surrogates
  } else if (in(lead, 0xF0, 0xF4)) {
    length = 4;
    if (lead == 0xF0) lo = 0x90;  // no overlong forms
    if (lead == 0xF4) hi = 0x8F;  // nothing over U+10FFFF
  } else {
    return 0;
  }
  if (left < length || !in(byte(1), lo, hi)) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (!in(byte(k), 0x80, 0xBF)) return 0;
  }
  return length;
}

std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t length = utf8_sequence_length(text, at);
    if (length == 0) return at;
    at += length;
  }
  return std::string_view::npos;
}

}  // namespace sb::api
