// Shared by the fuzz targets: how raw fuzzer bytes become the inputs the code under test takes,
// and how a target states a property (a failed one aborts, which libFuzzer and the replay
// runner both report as a finding, with the message).
#pragma once

#include "common/http_types.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kms::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Aborts with `what` when `holds` is false: a property of the code under test failed.
void require(bool holds, const char* what, std::string_view detail = {});

// "<status>\n<Name>: <value>\n...\n\n<body>": the text form of a response that the response-check
// target reads (lines end at '\n'; a '\r' before it is dropped, so captured heads work as they
// are). Lenient by design: any bytes give some response, so the fuzzer explores the checks and
// not this format. The status is the first line's leading digits, at most 4 of them.
HttpResponse response_from_text(std::string_view text);

}  // namespace kms::fuzz
