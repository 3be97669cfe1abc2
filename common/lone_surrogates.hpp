// Where a JSON text escapes a lone surrogate: a \uD800-\uDBFF escape not followed by a
// \uDC00-\uDFFF one, or a \uDC00-\uDFFF escape not preceded by a high one. RFC 8259 §7 lets
// the grammar write them, §8.2 says the string then holds no Unicode and what a receiver does
// is "unpredictable"; RapidJSON 1.1.0 refuses a lone high one but decodes a lone low one to the
// bytes ED B0 80..ED BF BF, which are not UTF-8 (RFC 3629 §3). One walker for both readers that
// care: the strict reader refuses them (common/strict_json.cpp), the harness reads a server's
// as U+FFFD with a note (harness/contract/json_text.cpp).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace kms {

// Byte offsets of the backslash of each lone surrogate escape, in order. Escapes are walked from
// the start, so "\\ud800" (an escaped backslash, then text) is none; every escape is 6 bytes.
std::vector<std::size_t> lone_surrogate_escapes(std::string_view text);

}  // namespace kms
