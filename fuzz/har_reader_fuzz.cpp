// The HAR reader (kmsconf judge's input): any bytes are refused with a HarError that names the
// file and, past the JSON parse, a JSON pointer into /log; or read as entries, each with its
// pointer and an origin-form target.
#include "fuzz/fuzz_input.hpp"
#include "fuzz/fuzz_target.hpp"
#include "harness/recorded/har_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using kms::fuzz::require;
    const std::string_view text = kms::fuzz::as_text(data, size);
    try {
        const auto entries = kms::parse_har(text, "fuzzed.har");
        for (std::size_t i = 0; i < entries.size(); ++i) {
            require(entries[i].pointer == "/log/entries/" + std::to_string(i), "each entry names its place",
                    entries[i].pointer);
            require(!entries[i].request.target.empty() && entries[i].request.target.front() == '/',
                    "a target in origin form", entries[i].request.target);
        }
    } catch (const kms::HarError& e) {
        const std::string what = e.what();
        require(what.rfind("fuzzed.har: ", 0) == 0, "a refusal names the file", what);
        require(e.pointer.empty() || e.pointer.rfind("/log", 0) == 0, "a pointer into the HAR's log", e.pointer);
    }
    return 0;
}
