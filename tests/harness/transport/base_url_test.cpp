#include "harness/transport/base_url.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace kms {
namespace {

BaseUrl parse_ok(const std::string& text) {
    std::string error;
    auto url = parse_base_url(text, &error);
    EXPECT_TRUE(url.has_value()) << text << ": " << error;
    return url.value_or(BaseUrl{});
}

TEST(BaseUrl, HttpsDefaultsAndPath) {
    auto u = parse_ok("https://api-ch-gva-2.exoscale.com/v2");
    EXPECT_TRUE(u.tls);
    EXPECT_EQ(u.host, "api-ch-gva-2.exoscale.com");
    EXPECT_EQ(u.port, 443);
    EXPECT_EQ(u.path, "/v2");
    EXPECT_EQ(u.host_header(), "api-ch-gva-2.exoscale.com");
    EXPECT_EQ(u.origin(), "https://api-ch-gva-2.exoscale.com");
    EXPECT_EQ(u.to_string(), "https://api-ch-gva-2.exoscale.com/v2");
}

TEST(BaseUrl, HttpDefaultPortNoPath) {
    auto u = parse_ok("http://localhost");
    EXPECT_FALSE(u.tls);
    EXPECT_EQ(u.port, 80);
    EXPECT_EQ(u.path, "");
    EXPECT_EQ(u.to_string(), "http://localhost");
}

TEST(BaseUrl, ExplicitPortsAndTrailingSlashes) {
    auto u = parse_ok("http://127.0.0.1:8080/v2/");
    EXPECT_EQ(u.port, 8080);
    EXPECT_EQ(u.path, "/v2");
    EXPECT_EQ(u.host_header(), "127.0.0.1:8080");
    EXPECT_EQ(parse_ok("https://h:1/").path, "");
    EXPECT_EQ(parse_ok("https://h:65535//").port, 65535);
    // A default port written out is still the default: Host omits it.
    EXPECT_EQ(parse_ok("https://h:443").host_header(), "h");
    EXPECT_EQ(parse_ok("http://h:443").host_header(), "h:443");
}

TEST(BaseUrl, SchemeIsCaseInsensitive) {
    EXPECT_TRUE(parse_ok("HTTPS://h").tls);
    EXPECT_FALSE(parse_ok("Http://h").tls);
}

TEST(BaseUrl, Ipv6Literals) {
    auto u = parse_ok("https://[::1]:8443/v2");
    EXPECT_EQ(u.host, "::1");
    EXPECT_EQ(u.port, 8443);
    EXPECT_EQ(u.host_header(), "[::1]:8443");
    EXPECT_EQ(u.to_string(), "https://[::1]:8443/v2");
    auto v = parse_ok("http://[2001:db8::2]");
    EXPECT_EQ(v.host, "2001:db8::2");
    EXPECT_EQ(v.port, 80);
    EXPECT_EQ(v.host_header(), "[2001:db8::2]");
}

struct Bad {
    const char* text;
    const char* error_mentions;
};

// Keeps test names readable (CTest lists the parameter's printout).
void PrintTo(const Bad& b, std::ostream* os) { *os << '"' << b.text << '"'; }

class BaseUrlRejects : public testing::TestWithParam<Bad> {};

TEST_P(BaseUrlRejects, WithClearError) {
    std::string error;
    auto url = parse_base_url(GetParam().text, &error);
    EXPECT_FALSE(url.has_value()) << GetParam().text;
    EXPECT_NE(error.find(GetParam().error_mentions), std::string::npos) << "error: " << error;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BaseUrlRejects,
    testing::Values(Bad{"", "no scheme"}, Bad{"api.exoscale.com/v2", "no scheme"},
                    Bad{"ftp://h/v2", "unsupported scheme 'ftp'"}, Bad{"ws://h", "unsupported scheme"},
                    Bad{"https://user:pw@h/v2", "userinfo"}, Bad{"https://@h", "userinfo"},
                    Bad{"https://h/v2#frag", "fragment"}, Bad{"https://h/v2?x=1", "query"},
                    Bad{"https://h?x", "query"}, Bad{"https://", "empty host"}, Bad{"https:///v2", "empty host"},
                    Bad{"https://:443/v2", "empty host"}, Bad{"https://h:0", "out of range"},
                    Bad{"https://h:65536", "out of range"}, Bad{"https://h:99999999999", "out of range"},
                    Bad{"https://h:", "empty port"}, Bad{"https://h:80x", "not a number"},
                    Bad{"https://h:-1", "not a number"}, Bad{"https://[::1", "unterminated"},
                    Bad{"https://[zz::1]:80", "invalid IPv6"}, Bad{"https://[]:80", "invalid IPv6"},
                    Bad{"https://[::1]x", "after IPv6"}, Bad{"https://h h/v2", "invalid character in host"},
                    Bad{"https://h/v 2", "invalid character in path"}));

}  // namespace
}  // namespace kms
