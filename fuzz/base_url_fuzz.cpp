// --base-url parser: any text is either refused with a message or gives a URL whose printed form
// parses back to the same URL (the reports and rerun commands print it; the client uses it).
#include "fuzz/fuzz_input.hpp"
#include "fuzz/fuzz_target.hpp"
#include "harness/transport/base_url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using kms::fuzz::require;
    std::string error;
    auto url = kms::parse_base_url(kms::fuzz::as_text(data, size), &error);
    if (!url) {
        require(!error.empty(), "a refused base URL says why");
        return 0;
    }
    require(!url->host.empty() && url->port != 0, "an accepted base URL has a host and a port");
    const std::string printed = url->to_string();
    auto again = kms::parse_base_url(printed, &error);
    require(again.has_value(), "the printed base URL parses again", printed + ": " + error);
    require(again->tls == url->tls && again->host == url->host && again->port == url->port && again->path == url->path,
            "the printed base URL parses to the same URL", printed);
    require(again->to_string() == printed, "printing is stable", printed);
    (void)url->host_header();
    (void)url->origin();
    return 0;
}
