// RFC 9110 §10.2.3 Retry-After: delta-seconds ("120") or an HTTP-date
// ("Fri, 31 Dec 1999 23:59:59 GMT"), as a wait from `now`.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace kms {

// nullopt when the value is neither form; a date in the past is a zero wait.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

}  // namespace kms
