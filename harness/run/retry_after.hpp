// RFC 9110 §10.2.3 Retry-After: delta-seconds ("120") or an HTTP-date
// ("Fri, 31 Dec 1999 23:59:59 GMT"), as a wait from `now`.
#pragma once

#include "harness/checks/check_catalogue.hpp"
#include "harness/transport/http_client.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace kms {

// nullopt when the value is neither form; a date in the past is a zero wait.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

// A refusal the harness waits out and resends, as clients do (docs/contract.md §9: go-retryablehttp
// honours Retry-After on 429 and 503): a 429 (RFC 6585 §4: not processed), or a 503 that says
// when to come back (RFC 9110 §15.6.4, §10.2.3). Returns the check its waits are reported
// under (rate_limited, service_unavailable); nullopt for any other exchange.
std::optional<CheckId> honoured_refusal(const Exchange& exchange);

}  // namespace kms
