#include "common/bench_key_pool.hpp"

#include <cstdio>

namespace kms {

namespace {
constexpr std::string_view kPrefix = "b3c0b3c0-0000-4000-8000-";
constexpr std::size_t kIndexDigits = 12;
}  // namespace

std::string bench_pool_key_id(std::uint64_t index) {
    char digits[kIndexDigits + 1];
    std::snprintf(digits, sizeof digits, "%012llx", static_cast<unsigned long long>(index % kBenchPoolSize));
    return std::string(kPrefix) + digits;
}

std::optional<std::uint64_t> bench_pool_index(std::string_view id) {
    if (id.size() != kPrefix.size() + kIndexDigits || id.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    std::uint64_t index = 0;
    for (char c : id.substr(kPrefix.size())) {
        int digit;
        if (c >= '0' && c <= '9') digit = c - '0';
        else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        else return std::nullopt;  // upper case too: the id is matched as written, one spelling per key
        index = index * 16 + static_cast<std::uint64_t>(digit);
    }
    return index;
}

}  // namespace kms
