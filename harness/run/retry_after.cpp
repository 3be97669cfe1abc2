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
    // An HTTP-date: IMF-fixdate, the form RFC 9110 requires senders to use, or one of the two
    // obsolete forms a recipient MUST accept all the same (RFC 9110 §5.6.7).
    const long long now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    std::tm tm{};
    const std::string text(value);
    auto parsed_as = [&](const char* format) {
        tm = std::tm{};
        const char* end = strptime(text.c_str(), format, &tm);
        return end && *end == '\0';
    };
    if (parsed_as("%a, %d %b %Y %H:%M:%S GMT")) {
    } else if (parsed_as("%A, %d-%b-%y %H:%M:%S GMT")) {
        // rfc850-date's two-digit year: one that appears more than 50 years in the future is
        // the most recent past year with those digits (RFC 9110 §5.6.7), not strptime's 1969-2068.
        std::time_t t = static_cast<std::time_t>(now_s);
        std::tm today{};
        gmtime_r(&t, &today);
        const int this_year = today.tm_year + 1900;
        int year = this_year / 100 * 100 + (tm.tm_year + 1900) % 100;
        if (year > this_year + 50) year -= 100;
        tm.tm_year = year - 1900;
    } else if (!parsed_as("%a %b %e %H:%M:%S %Y")) {  // asctime-date
        return std::nullopt;
    }
    // In seconds, not system_clock's nanoseconds: a valid date such as year 9999 is past what a
    // 64-bit count of nanoseconds holds (year 2262), and from_time_t() would overflow.
    const long long at = static_cast<long long>(timegm(&tm));
    if (at <= now_s) return std::chrono::seconds(0);
    return std::chrono::seconds(at - now_s);
}

std::optional<CheckId> honoured_refusal(const Exchange& exchange) {
    if (!exchange.response) return std::nullopt;
    if (exchange.response->status == 429) return CheckId::rate_limited;
    // Without Retry-After a 503 says nothing about when the request may be resent: judged as sent.
    if (exchange.response->status == 503 && exchange.response->header("Retry-After")) return CheckId::service_unavailable;
    return std::nullopt;
}

}  // namespace kms
