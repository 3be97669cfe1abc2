#include "harness/cases/request_builder.hpp"
#include "common/text.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

const Variables kVars{"a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "de-fra-1"};

TEST(Placeholders, Expand) {
    EXPECT_EQ(expand_placeholders("/kms-key/${key}/replicate", kVars), "/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate");
    EXPECT_EQ(expand_placeholders(R"({"zone":"${zone}"})", kVars), R"({"zone":"de-fra-1"})");
    EXPECT_EQ(expand_placeholders("${repeat:3:ab}", kVars), "ababab");
    EXPECT_EQ(expand_placeholders("${repeat:10000:[}", kVars).size(), 10000u);
    EXPECT_TRUE(is_uuid(expand_placeholders("${random-uuid}", kVars)));
    EXPECT_EQ(expand_placeholders("${key:upper}", kVars), "A02BAF5A-A3E4-49A0-857B-8A08D276C1C0");
    EXPECT_EQ(expand_placeholders("${key:no-hyphens}", kVars), "a02baf5aa3e449a0857b8a08d276c1c0");
    EXPECT_EQ(expand_placeholders("${key:braced}", kVars), "{a02baf5a-a3e4-49a0-857b-8a08d276c1c0}");
    EXPECT_EQ(expand_placeholders("${key:urn}", kVars), "urn:uuid:a02baf5a-a3e4-49a0-857b-8a08d276c1c0");
    EXPECT_EQ(expand_placeholders("${key:short}", kVars).size(), 35u);
    EXPECT_EQ(expand_placeholders("${key:long}", kVars).size(), 37u);
    EXPECT_EQ(expand_placeholders("no placeholders {} $ {", kVars), "no placeholders {} $ {");
}

TEST(Placeholders, Errors) {
    EXPECT_THROW(expand_placeholders("${nope}", kVars), PlaceholderError);
    EXPECT_THROW(expand_placeholders("${key", kVars), PlaceholderError);
    EXPECT_THROW(expand_placeholders("${repeat:x:a}", kVars), PlaceholderError);
    EXPECT_THROW(expand_placeholders("${repeat:100000000:ab}", kVars), PlaceholderError);
}

Case replicate_case() {
    Case c;
    c.suite = "s";
    c.id = "c";
    c.request.body = R"({"zone":"${zone}"})";
    return c;
}

TEST(BuildRequest, DefaultsAndBasePath) {
    BaseUrl base{false, "127.0.0.1", 8080, "/v2"};
    auto r = build_request(replicate_case(), kVars, base, Signer{});
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate");
    EXPECT_EQ(r.body, R"({"zone":"de-fra-1"})");
    EXPECT_EQ(find_header(r.headers, "content-type"), "application/json");
    EXPECT_FALSE(find_header(r.headers, "Authorization"));
}

TEST(BuildRequest, HeaderOverridesAndRemoval) {
    Case c = replicate_case();
    c.request.headers = {{"Content-Type", std::nullopt}, {"X-Test", "${zone}"}};
    c.request.query = "a=1";
    auto r = build_request(c, kVars, BaseUrl{false, "h", 80, ""}, Signer{});
    EXPECT_FALSE(find_header(r.headers, "Content-Type"));
    EXPECT_EQ(find_header(r.headers, "X-Test"), "de-fra-1");
    EXPECT_EQ(r.target, "/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate?a=1");
}

TEST(BuildRequest, SignsWithCredentialsAndCorruptsOnPurpose) {
    Signer signer;
    signer.credentials = Exo2Credentials{"EXOxxxxxxxxxxxxxxxxxxxxxxxx", std::string(43, 'X')};
    signer.unix_now = [] { return std::int64_t{3376684800 - 600}; };
    BaseUrl base{false, "127.0.0.1", 8080, "/v2"};
    auto r = build_request(replicate_case(), kVars, base, signer);
    // The contract's derived vector for exactly this request and expiry.
    EXPECT_EQ(find_header(r.headers, "Authorization"),
              "EXO2-HMAC-SHA256 credential=EXOxxxxxxxxxxxxxxxxxxxxxxxx,expires=3376684800,"
              "signature=DninQKqr3IcnmpTkaOU4t5kccsWHLOhCA8EcX1HIvDU=");
    const Exo2Credentials& creds = *signer.credentials;
    auto verdict_of = [&](AuthMode mode) {
        Case c = replicate_case();
        c.request.auth = mode;
        auto req = build_request(c, kVars, base, signer);
        return verify_exo2(creds, find_header(req.headers, "Authorization"), req.method, req.target, req.body,
                           3376684800 - 600);
    };
    EXPECT_EQ(verdict_of(AuthMode::signed_request), Exo2Verdict::ok);
    EXPECT_EQ(verdict_of(AuthMode::unsigned_request), Exo2Verdict::missing);
    EXPECT_EQ(verdict_of(AuthMode::bad_signature), Exo2Verdict::bad_signature);
    EXPECT_EQ(verdict_of(AuthMode::expired), Exo2Verdict::expired);
    EXPECT_EQ(verdict_of(AuthMode::other_key), Exo2Verdict::unknown_key);
    EXPECT_FALSE(auth_mode_runnable(AuthMode::expired, Signer{}));
}

TEST(BuildRequest, ExpiredSignatureIsBeyondAnyClockSkewAllowance) {
    // Servers accept signatures for a while past expires (clock skew, often minutes): an
    // expires 60 s ago may rightly pass. The expired case's lies a day back.
    Signer signer;
    signer.credentials = Exo2Credentials{"EXOxxxxxxxxxxxxxxxxxxxxxxxx", std::string(43, 'X')};
    constexpr std::int64_t now = 3376684800;  // a constant: the lambda needs no capture
    signer.unix_now = [] { return now; };
    Case c = replicate_case();
    c.request.auth = AuthMode::expired;
    const std::string header =
        find_header(build_request(c, kVars, BaseUrl{false, "127.0.0.1", 8080, "/v2"}, signer).headers, "Authorization")
            .value_or("");
    auto at = header.find("expires=");
    ASSERT_NE(at, std::string::npos) << header;
    const std::int64_t expires = std::stoll(header.substr(at + 8));
    EXPECT_LE(expires, now - 3600) << header;
    EXPECT_EQ(verify_exo2(*signer.credentials, header, "POST", "/v2/kms-key/" + kVars.key + "/replicate",
                          R"({"zone":"de-fra-1"})", now),
              Exo2Verdict::expired);
}

}  // namespace
}  // namespace kms
