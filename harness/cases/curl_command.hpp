// A curl command line that sends exactly the request a case sent, for failure messages and
// --dry-run. The Authorization header is always redacted: reproducing a signed request means
// re-signing it, and the signature must not end up in CI logs.
#pragma once

#include "harness/transport/base_url.hpp"
#include "common/http_types.hpp"

#include <string>

namespace kms {

// `max_body` bounds how much body is written literally; a longer body is produced with a
// shell pipeline that regenerates the same bytes when it is a repetition, else cut and marked.
std::string curl_command(const BaseUrl& base, const HttpRequest& request, std::size_t max_body = 4096);

// POSIX shell single quoting: 'it'\''s'. For command lines people paste.
std::string shell_quote(std::string_view s);

}  // namespace kms
