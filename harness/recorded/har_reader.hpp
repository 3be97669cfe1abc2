// Recorded traffic read back: the entries of a HAR 1.2 file (as kmsconf writes exchanges.har, as
// Chromium's DevTools and Playwright's recordHar write theirs) as request/response pairs that
// `kmsconf judge` judges like the exchanges of a run. A file is untrusted input: anything that
// is not HAR 1.2 as used here is refused with the JSON pointer of the first problem, never
// guessed at.
#pragma once

#include "common/http_types.hpp"

#include <chrono>
#include <cstdint>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kms {

struct RecordedExchange {
    std::string pointer;  // "/log/entries/3": where it is in its file
    std::string url;      // as recorded: "https://api-ch-gva-2.exoscale.com/v2/kms-key/<id>/replicate"
    HttpRequest request;  // method, origin-form target (path and query), headers, body bytes
    std::optional<HttpResponse> response;  // none when the client got no answer (HAR status 0)
    bool request_body_cut = false;   // the recorder kept only part of it (kmsconf: "request body cut ...")
    bool response_body_cut = false;  // likewise (kmsconf's note, or content.size above the text)
    std::chrono::nanoseconds time{0};  // the entry's total time
    std::optional<std::int64_t> started;  // startedDateTime in Unix seconds, when it reads as one
    std::string comment;               // the entry's comment: kmsconf names the case there
};

struct HarError : std::runtime_error {
    HarError(const std::string& file_label, std::string json_pointer, const std::string& what)
        : std::runtime_error(file_label + ": " + (json_pointer.empty() ? "" : "at " + json_pointer + ": ") + what),
          pointer(std::move(json_pointer)) {}
    std::string pointer;  // of the first problem; "" when the file is not JSON at all
};

// The entries of a HAR text, in file order. Throws HarError naming `file_label` and the pointer.
std::vector<RecordedExchange> parse_har(std::string_view text, const std::string& file_label);

// The same for a file; an unreadable file is a HarError too.
std::vector<RecordedExchange> read_har(const std::filesystem::path& file);

}  // namespace kms
