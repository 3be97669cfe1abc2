// EXO2-HMAC-SHA256 enforcement when ServiceOptions::credentials is set (docs/contract.md §7).
#include "server/replicate_service.hpp"
#include "tests/server/test_support.hpp"

#include <gtest/gtest.h>

namespace kms::server {
namespace {

using test::IsOperation;
using test::IsProblem;

constexpr std::int64_t kNow = 1'900'000'000;
const Exo2Credentials kCreds{"EXOtestkey0000000000000000", "s3cr3t-value-that-must-not-leak"};

class AuthTest : public ::testing::Test {
protected:
    explicit AuthTest(std::vector<Fault> faults = {}) {
        ServiceOptions o;
        o.credentials = kCreds;
        o.unix_now = [] { return kNow; };
        o.faults = std::move(faults);
        service_ = std::make_unique<ReplicateService>(std::move(o));
    }
    static HttpRequest signed_request(HttpRequest req, const Exo2Credentials& creds, std::int64_t expires) {
        req.headers.push_back({"Authorization", exo2_authorization(creds, req.method, req.target, req.body, expires)});
        return req;
    }
    HttpRequest valid() const { return test::zone_request(kDefaultKeyId, "de-fra-1"); }

    std::unique_ptr<ReplicateService> service_;
};

TEST_F(AuthTest, CorrectlySignedRequestIsAccepted) {
    EXPECT_TRUE(IsOperation(service_->handle(signed_request(valid(), kCreds, kNow + 600)), kDefaultKeyId, "pending"));
}

TEST_F(AuthTest, SignedRequestWithQueryIsAccepted) {
    auto req = valid();
    req.target += "?b=2&a=1";
    EXPECT_TRUE(IsOperation(service_->handle(signed_request(req, kCreds, kNow + 600)), kDefaultKeyId, "pending"));
}

TEST_F(AuthTest, UnsignedRequestIs403NamingTheReason) {
    auto res = service_->handle(valid());
    EXPECT_TRUE(IsProblem(res, 403, "EXO2-HMAC-SHA256 authentication failed: missing"));
}

TEST_F(AuthTest, EveryRouteNeedsASignature) {
    EXPECT_TRUE(IsProblem(service_->handle(test::get_request("/v2/operation/00000000-0000-4000-8000-000000000000")), 403));
    EXPECT_TRUE(IsProblem(service_->handle(test::get_request("/nowhere")), 403));
}

TEST_F(AuthTest, TamperedBodyIs403) {
    auto req = signed_request(valid(), kCreds, kNow + 600);
    req.body = R"({"zone":"de-muc-1"})";
    EXPECT_TRUE(IsProblem(service_->handle(req), 403, "EXO2-HMAC-SHA256 authentication failed: signature does not match"));
}

TEST_F(AuthTest, WrongSecretIs403) {
    Exo2Credentials wrong{kCreds.key, "another-secret"};
    EXPECT_TRUE(IsProblem(service_->handle(signed_request(valid(), wrong, kNow + 600)), 403,
                          "EXO2-HMAC-SHA256 authentication failed: signature does not match"));
}

TEST_F(AuthTest, ExpiredSignatureIs403) {
    EXPECT_TRUE(IsProblem(service_->handle(signed_request(valid(), kCreds, kNow - 1)), 403,
                          "EXO2-HMAC-SHA256 authentication failed: signature expired"));
}

TEST_F(AuthTest, OtherKeyIs403) {
    Exo2Credentials other{"EXOsomeoneelse", kCreds.secret};
    EXPECT_TRUE(IsProblem(service_->handle(signed_request(valid(), other, kNow + 600)), 403,
                          "EXO2-HMAC-SHA256 authentication failed: unknown API key"));
}

TEST_F(AuthTest, MalformedHeaderIs403) {
    auto req = valid();
    req.headers.push_back({"Authorization", "Bearer abc"});
    EXPECT_TRUE(IsProblem(service_->handle(req), 403, "EXO2-HMAC-SHA256 authentication failed: malformed"));
}

TEST_F(AuthTest, SecretNeverAppearsInAnyResponse) {
    std::vector<HttpRequest> reqs{valid(), signed_request(valid(), {kCreds.key, "x"}, kNow + 600),
                                  signed_request(valid(), kCreds, kNow - 5)};
    for (const auto& r : reqs) {
        auto res = service_->handle(r);
        EXPECT_EQ(res.body.find(kCreds.secret), std::string::npos) << res.body;
        for (const auto& h : res.headers) EXPECT_EQ(h.value.find(kCreds.secret), std::string::npos);
    }
}

TEST_F(AuthTest, ResetNeedsNoSignature) {
    HttpRequest reset;
    reset.method = "POST";
    reset.target = "/_reference/reset";
    EXPECT_EQ(service_->handle(reset).status, 204);
}

class IgnoreAuthTest : public AuthTest {
protected:
    IgnoreAuthTest() : AuthTest({Fault::ignore_auth}) {}
};

TEST_F(IgnoreAuthTest, UnsignedRequestIsAcceptedUnderIgnoreAuth) {
    EXPECT_TRUE(IsOperation(service_->handle(valid()), kDefaultKeyId, "pending"));
}

TEST(NoCredentialsTest, UnsignedRequestIsAcceptedWithoutCredentials) {
    ReplicateService service{ServiceOptions{}};
    EXPECT_TRUE(IsOperation(service.handle(test::zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending"));
}

}  // namespace
}  // namespace kms::server
