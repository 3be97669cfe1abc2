// EXO2-HMAC-SHA256 against the upstream vectors and the derived ones of
// docs/contract.md §7, then the server-side verdicts.
#include "common/exo2_signature.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace kms {
namespace {

const Exo2Credentials kCreds{"EXOxxxxxxxxxxxxxxxxxxxxxxxx", std::string(43, 'X')};
constexpr std::int64_t kExpires = 3376684800;  // 2077-01-01T00:00:00Z
constexpr const char* kReplicateTarget = "/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate";

struct Vector {
    const char* name;
    const char* method;
    const char* target;
    const char* body;
    const char* message;
    const char* signature;
    const char* header;
};

// Upstream: egoscale v2/api/security_test.go, requests-exoscale-auth tests. Derived: §7.
const Vector kVectors[] = {
    {"UpstreamGetZone", "GET", "/v2/zone", "", "GET /v2/zone\n\n\n\n3376684800",
     "Ntbq/p0HVmA3Zg1HHY+Lq1vjFGi7HeMrrgXDS5jRNlY=",
     "EXO2-HMAC-SHA256 credential=EXOxxxxxxxxxxxxxxxxxxxxxxxx,expires=3376684800,"
     "signature=Ntbq/p0HVmA3Zg1HHY+Lq1vjFGi7HeMrrgXDS5jRNlY="},
    {"UpstreamGetZoneQuery", "GET", "/v2/zone?k1=v1&k2=v2", "", "GET /v2/zone\n\nv1v2\n\n3376684800",
     "iqOBz13+44L5j0uJclE8hmUhQQcvtCSoPEOXYK6liqY=",
     "EXO2-HMAC-SHA256 credential=EXOxxxxxxxxxxxxxxxxxxxxxxxx,signed-query-args=k1;k2,expires=3376684800,"
     "signature=iqOBz13+44L5j0uJclE8hmUhQQcvtCSoPEOXYK6liqY="},
    {"UpstreamPostLoadBalancer", "POST", "/v2/load-balancer", "{\"name\": \"foo\"}",
     "POST /v2/load-balancer\n{\"name\": \"foo\"}\n\n\n3376684800", "duldkM0+pgWRtUznj0rMrZauzsYOtSVLn1LCGcs7CcE=",
     "EXO2-HMAC-SHA256 credential=EXOxxxxxxxxxxxxxxxxxxxxxxxx,expires=3376684800,"
     "signature=duldkM0+pgWRtUznj0rMrZauzsYOtSVLn1LCGcs7CcE="},
    {"DerivedReplicate", "POST", kReplicateTarget, "{\"zone\":\"de-fra-1\"}",
     "POST /v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate\n{\"zone\":\"de-fra-1\"}\n\n\n3376684800",
     "DninQKqr3IcnmpTkaOU4t5kccsWHLOhCA8EcX1HIvDU=",
     "EXO2-HMAC-SHA256 credential=EXOxxxxxxxxxxxxxxxxxxxxxxxx,expires=3376684800,"
     "signature=DninQKqr3IcnmpTkaOU4t5kccsWHLOhCA8EcX1HIvDU="},
    {"DerivedPostNoSpace", "POST", "/v2/load-balancer", "{\"name\":\"foo\"}",
     "POST /v2/load-balancer\n{\"name\":\"foo\"}\n\n\n3376684800", "y2xzRvQuzxGRld/2l3B9bGMUeB3rkZHxM+2r1FAJdxA=",
     "EXO2-HMAC-SHA256 credential=EXOxxxxxxxxxxxxxxxxxxxxxxxx,expires=3376684800,"
     "signature=y2xzRvQuzxGRld/2l3B9bGMUeB3rkZHxM+2r1FAJdxA="},
};

// Keeps test names readable (CTest lists the parameter's printout).
void PrintTo(const Vector& v, std::ostream* os) { *os << v.name; }

class Exo2Vectors : public testing::TestWithParam<Vector> {};

TEST_P(Exo2Vectors, MessageSignatureAndHeaderMatch) {
    const Vector& v = GetParam();
    std::string message = exo2_message(v.method, v.target, v.body, kExpires);
    EXPECT_EQ(message, v.message);
    EXPECT_EQ(exo2_signature(kCreds.secret, message), v.signature);
    EXPECT_EQ(exo2_authorization(kCreds, v.method, v.target, v.body, kExpires), v.header);
}

TEST_P(Exo2Vectors, OwnHeaderVerifies) {
    const Vector& v = GetParam();
    EXPECT_EQ(verify_exo2(kCreds, std::string_view(v.header), v.method, v.target, v.body, kExpires - 600),
              Exo2Verdict::ok);
}

INSTANTIATE_TEST_SUITE_P(Section7, Exo2Vectors, testing::ValuesIn(kVectors),
                         [](const testing::TestParamInfo<Vector>& p) { return std::string(p.param.name); });

TEST(Exo2Message, SignedNamesFollowGoRules) {
    std::vector<std::string> names;
    // Multi-valued "m" is left out; the empty value of "e" is one value; names sorted bytewise.
    std::string msg = exo2_message("GET", "/v2/x?z=3&m=1&m=2&e=&B=b%20c", "", 7, &names);
    EXPECT_EQ(names, (std::vector<std::string>{"B", "e", "z"}));
    EXPECT_EQ(msg, "GET /v2/x\n\nb c3\n\n7");
}

TEST(Exo2Message, BodyBytesAreSignedVerbatim) {
    std::string body("a\0b\n", 4);
    EXPECT_EQ(exo2_message("POST", "/p", body, 1), std::string("POST /p\na\0b\n\n\n\n1", 16));
}

TEST(Exo2Signature, EmptySecretStillProducesAnHmac) {
    // HMAC-SHA256 with an empty key is well defined: a 32-byte MAC is 44 base64 characters.
    EXPECT_EQ(exo2_signature("", "m").size(), 44u);
}

TEST(Exo2Parse, RoundTripsItsOwnHeaders) {
    auto h = exo2_authorization(kCreds, "GET", "/v2/zone?k1=v1&k2=v2", "", kExpires);
    auto a = parse_exo2_authorization(h);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->credential, kCreds.key);
    EXPECT_EQ(a->signed_query_args, (std::vector<std::string>{"k1", "k2"}));
    EXPECT_EQ(a->expires, kExpires);
    EXPECT_EQ(a->signature, "iqOBz13+44L5j0uJclE8hmUhQQcvtCSoPEOXYK6liqY=");

    auto plain = parse_exo2_authorization(kVectors[0].header);
    ASSERT_TRUE(plain.has_value());
    EXPECT_TRUE(plain->signed_query_args.empty());
    EXPECT_EQ(plain->signature, "Ntbq/p0HVmA3Zg1HHY+Lq1vjFGi7HeMrrgXDS5jRNlY=");
}

TEST(Exo2Parse, RejectsMalformedHeaders) {
    const char* bad[] = {
        "",
        "EXO2-HMAC-SHA256",
        "Bearer abc",
        "EXO2-HMAC-SHA1 credential=k,expires=1,signature=s",
        "exo2-hmac-sha256 credential=k,expires=1,signature=s",
        "EXO2-HMAC-SHA256 expires=1,signature=s",             // no credential
        "EXO2-HMAC-SHA256 credential=k,signature=s",          // no expires
        "EXO2-HMAC-SHA256 credential=k,expires=1",            // no signature
        "EXO2-HMAC-SHA256 credential=k,expires=soon,signature=s",
        "EXO2-HMAC-SHA256 credential=k,expires=1x,signature=s",
        "EXO2-HMAC-SHA256 credential=k,expires=,signature=s",
        "EXO2-HMAC-SHA256 credential=k,expires=1,signature=s,extra=1",
        "EXO2-HMAC-SHA256 credential=k, expires=1,signature=s",  // spaces are not allowed
        "EXO2-HMAC-SHA256 credential=k,,expires=1,signature=s",
        "EXO2-HMAC-SHA256 credential=,expires=1,signature=s",
        "EXO2-HMAC-SHA256 credential=k,expires=1,signature=",
        "EXO2-HMAC-SHA256 credential=k,expires=1,signature=s,",            // trailing comma
        "EXO2-HMAC-SHA256 expires=1,credential=k,signature=s",             // out of order
        "EXO2-HMAC-SHA256 credential=k,expires=1,signed-query-args=a,signature=s",
        "EXO2-HMAC-SHA256 credential=k,credential=j,expires=1,signature=s",  // repeated
        "EXO2-HMAC-SHA256 credential=k,expires=1,expires=9,signature=s",
        "EXO2-HMAC-SHA256 credential=k,expires=1,signature=s,signature=t",
        "EXO2-HMAC-SHA256 credential=k,signed-query-args=,expires=1,signature=s",
        "EXO2-HMAC-SHA256 credential=k,signed-query-args=a;;b,expires=1,signature=s",
        "EXO2-HMAC-SHA256 credential=k,signed-query-args=a;,expires=1,signature=s",
        "EXO2-HMAC-SHA256 credential=k,expires=-1,signature=s",
        "EXO2-HMAC-SHA256 credential=k,expires=+1,signature=s",
        "EXO2-HMAC-SHA256 credential=k,expires=99999999999999999999,signature=s",  // overflows int64
    };
    for (const char* h : bad) EXPECT_FALSE(parse_exo2_authorization(h).has_value()) << "accepted: " << h;
}

// One known-good request, varied one way per verdict.
class Exo2Verify : public testing::Test {
protected:
    const std::string target = std::string(kReplicateTarget) + "?a=1&b=2";
    const std::string body = "{\"zone\":\"de-fra-1\"}";
    const std::int64_t now = 1'700'000'000;
    std::string header = exo2_authorization(kCreds, "POST", target, body, now + 600);

    Exo2Verdict verify(std::optional<std::string_view> h, std::string_view t, std::string_view b,
                       std::int64_t at) const {
        return verify_exo2(kCreds, h, "POST", t, b, at);
    }
};

TEST_F(Exo2Verify, Ok) { EXPECT_EQ(verify(header, target, body, now), Exo2Verdict::ok); }

TEST_F(Exo2Verify, Missing) { EXPECT_EQ(verify(std::nullopt, target, body, now), Exo2Verdict::missing); }

TEST_F(Exo2Verify, Malformed) {
    EXPECT_EQ(verify(std::string_view("EXO2-HMAC-SHA256 nonsense"), target, body, now), Exo2Verdict::malformed);
    EXPECT_EQ(verify(std::string_view(""), target, body, now), Exo2Verdict::malformed);
}

TEST_F(Exo2Verify, UnknownKey) {
    Exo2Credentials other{"EXOother", kCreds.secret};
    auto h = exo2_authorization(other, "POST", target, body, now + 600);
    EXPECT_EQ(verify(h, target, body, now), Exo2Verdict::unknown_key);
}

TEST_F(Exo2Verify, Expired) {
    EXPECT_EQ(verify(header, target, body, now + 600), Exo2Verdict::expired);  // expires == now
    EXPECT_EQ(verify(header, target, body, now + 601), Exo2Verdict::expired);
    EXPECT_EQ(verify(header, target, body, now + 599), Exo2Verdict::ok);
}

TEST_F(Exo2Verify, BadSignatureWrongSecret) {
    Exo2Credentials wrong{kCreds.key, "not-the-secret"};
    auto h = exo2_authorization(wrong, "POST", target, body, now + 600);
    EXPECT_EQ(verify(h, target, body, now), Exo2Verdict::bad_signature);
}

TEST_F(Exo2Verify, TamperedBody) {
    EXPECT_EQ(verify(header, target, "{\"zone\":\"ch-gva-2\"}", now), Exo2Verdict::bad_signature);
    EXPECT_EQ(verify(header, target, body + " ", now), Exo2Verdict::bad_signature);
}

TEST_F(Exo2Verify, TamperedQueryAndPath) {
    EXPECT_EQ(verify(header, std::string(kReplicateTarget) + "?a=1&b=3", body, now), Exo2Verdict::bad_signature);
    EXPECT_EQ(verify(header, "/v2/kms-key/other/replicate?a=1&b=2", body, now), Exo2Verdict::bad_signature);
    EXPECT_EQ(verify_exo2(kCreds, header, "PUT", target, body, now), Exo2Verdict::bad_signature);
}

TEST_F(Exo2Verify, SignedQueryArgsMismatch) {
    // An extra single-valued parameter changes the implied name list even before the values.
    EXPECT_EQ(verify(header, target + "&c=3", body, now), Exo2Verdict::bad_signature);
    // A header whose list omits a name, with a signature that is otherwise right for the values.
    std::vector<std::string> names;
    auto message = exo2_message("POST", target, body, now + 600, &names);
    ASSERT_EQ(names, (std::vector<std::string>{"a", "b"}));
    std::string forged = "EXO2-HMAC-SHA256 credential=" + kCreds.key + ",signed-query-args=a,expires=" +
                         std::to_string(now + 600) + ",signature=" + exo2_signature(kCreds.secret, message);
    EXPECT_EQ(verify(forged, target, body, now), Exo2Verdict::bad_signature);
}

TEST(Exo2Verdicts, HaveDistinctNames) {
    EXPECT_STREQ(to_string(Exo2Verdict::ok), "ok");
    EXPECT_STRNE(to_string(Exo2Verdict::expired), to_string(Exo2Verdict::bad_signature));
}

}  // namespace
}  // namespace kms
