#include "common/utc_time.hpp"

#include <ctime>

namespace kms {

std::string utc_date_time(std::int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}

std::string utc_date_time(std::chrono::system_clock::time_point t) {
    return utc_date_time(static_cast<std::int64_t>(std::chrono::system_clock::to_time_t(t)));
}

}  // namespace kms
