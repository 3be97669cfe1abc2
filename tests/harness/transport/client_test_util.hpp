// Small helpers shared by the client test files.
#pragma once

#include "harness/transport/base_url.hpp"
#include "harness/transport/http_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace kms::test {

inline BaseUrl must_parse(const std::string& text) {
    std::string error;
    auto url = parse_base_url(text, &error);
    if (!url) ADD_FAILURE() << text << ": " << error;
    return url.value_or(BaseUrl{});
}

// Short limits so that a broken client fails a test quickly instead of stalling the run.
inline ClientOptions quick_options() {
    ClientOptions o;
    o.connect_timeout = std::chrono::milliseconds(2000);
    o.read_timeout = std::chrono::milliseconds(2000);
    o.total_timeout = std::chrono::milliseconds(4000);
    return o;
}

inline HttpRequest make_request(std::string method, std::string target, std::string body = {},
                                Headers headers = {}) {
    return HttpRequest{std::move(method), std::move(target), std::move(headers), std::move(body)};
}

// Wall time of `f()`, in milliseconds.
template <class F>
long long millis_of(F&& f) {
    auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace kms::test
