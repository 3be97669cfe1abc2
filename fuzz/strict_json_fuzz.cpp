// The strict JSON reader (request bodies on the server, response bodies in the harness): any
// bytes are refused with a reason and offset, or give a document that serialises to JSON the
// reader accepts again (nothing it accepts is something it cannot read back). Not "identically":
// RapidJSON's default number parsing is not correctly rounded (60 digits of 1 come back one ulp
// off, fuzz/regressions/strict_json/), and its full-precision mode calls clz(0), undefined, on
// other inputs (Debian's 1.1.0); the checks compare integers only, so the fast path stays.
#include "common/strict_json.hpp"
#include "fuzz/fuzz_input.hpp"
#include "fuzz/fuzz_target.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace {

std::string serialise(const rapidjson::Value& v) {
    rapidjson::StringBuffer out;
    rapidjson::Writer<rapidjson::StringBuffer> writer(out);
    v.Accept(writer);
    return std::string(out.GetString(), out.GetSize());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using kms::fuzz::require;
    constexpr std::size_t kDepth = 32;
    const std::string_view text = kms::fuzz::as_text(data, size);
    kms::JsonParseError error;
    auto doc = kms::parse_strict_json(text, kDepth, &error);
    if (!doc) {
        require(!error.reason.empty(), "a refused document says why");
        require(error.offset <= size, "the error offset lies within the input");
        return 0;
    }
    const std::string once = serialise(*doc);
    auto again = kms::parse_strict_json(once, kDepth, &error);
    require(again.has_value(), "the serialised document is accepted again", once + " (" + error.reason + ")");
    return 0;
}
