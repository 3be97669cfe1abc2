#include "harness/run/retry_after.hpp"

#include "common/text.hpp"

#include <charconv>
#include <ctime>
#include <string>

namespace kms {

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
    value = trim(value);
    if (value.empty()) return std::nullopt;
    long long seconds = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc{} && p == value.data() + value.size()) {
        if (seconds < 0) return std::nullopt;
        return std::chrono::seconds(seconds);
    }
    // IMF-fixdate, the form RFC 9110 requires senders to use.
    std::tm tm{};
    std::string text(value);
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0') return std::nullopt;
    auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
    if (at <= now) return std::chrono::seconds(0);
    return std::chrono::duration_cast<std::chrono::seconds>(at - now);
}

}  // namespace kms
