// Retry-After parser: any header value (a server's) is a wait of zero or more seconds, or
// nothing; never undefined behaviour (dates far in the future, huge delta-seconds) nor a
// negative wait. The caller then bounds the wait; this target checks that the value it gets
// is well defined, and turns it into milliseconds as the case runner does.
#include "fuzz/fuzz_input.hpp"
#include "fuzz/fuzz_target.hpp"
#include "harness/run/retry_after.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A fixed "now" (2026-03-31T00:00:00Z) keeps every run of an input the same.
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1774915200));
    auto wait = kms::parse_retry_after(kms::fuzz::as_text(data, size), now);
    if (!wait) return 0;
    kms::fuzz::require(wait->count() >= 0, "a Retry-After wait is never negative");
    return 0;
}
