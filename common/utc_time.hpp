// A UTC instant as an RFC 3339 / ISO 8601 date-time to the second ("2026-12-02T03:16:43Z"): the
// reference server's date-time members and the reports' timestamps (valid as JSON Schema's
// `date-time`, junit-10's string and Surefire's xs:dateTime).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace kms {

std::string utc_date_time(std::int64_t unix_seconds);
std::string utc_date_time(std::chrono::system_clock::time_point t);

}  // namespace kms
