// UTF-8 validation for the JSON codec: the decoder names the first bad byte of a refused body,
// the encoder replaces bad bytes so that it never writes invalid JSON. Pure, safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace sb::api {

// The length (1 to 4) of the well-formed UTF-8 sequence that starts at text[at], or 0 if the
// bytes there are not one (overlong forms, surrogates and code points over U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);

// The offset of the first byte that is not part of well-formed UTF-8, or npos if there is none.
std::size_t first_invalid_utf8(std::string_view text);

}  // namespace sb::api
