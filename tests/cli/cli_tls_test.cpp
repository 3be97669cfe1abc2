// kmsconf against an HTTPS target, end to end: `kmsconf serve --tls-cert/--tls-key` in its own
// process with a certificate from a throw-away CA made at test time (openssl CLI), and the kmsconf
// binary run as a user runs it. Verification is on by default: without --ca-file the probe fails
// (exit 3, unreachable); with it the suite passes; --insecure turns verification off; a
// certificate for another name fails the host-name check. Network: 127.0.0.1 only.
#include "tests/cli/cli_support.hpp"
// The CA helper lives with the server's tests, which need it too; it is header-only.
#include "tests/support/test_ca.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>

namespace {

using namespace kms::cli_test;
using kms::test::TestCa;

class CliTls : public testing::Test {
protected:
    static void SetUpTestSuite() {
        try {
            ca_ = std::make_unique<TestCa>();
            localhost_ = ca_->issue("localhost", "DNS:localhost,IP:127.0.0.1");
            other_ = ca_->issue("other", "DNS:other.example");  // no IP SAN, no localhost
        } catch (const std::exception& e) {
            setup_error_ = e.what();
        }
    }
    static void TearDownTestSuite() { ca_.reset(); }
    void SetUp() override { ASSERT_EQ(setup_error_, "") << "cannot make the test CA"; }

    static std::string tls_flags(const TestCa::Leaf& leaf) {
        return "--tls-cert " + leaf.cert.string() + " --tls-key " + leaf.key.string();
    }
    // `kmsconf serve` with `leaf`, checked to announce an https:// URL on 127.0.0.1.
    static std::unique_ptr<ServerProcess> serve(const TestCa::Leaf& leaf) {
        auto server = std::make_unique<ServerProcess>(tls_flags(leaf));
        EXPECT_TRUE(std::regex_match(server->line(), std::regex("listening on https://127\\.0\\.0\\.1:\\d+/v2")))
            << "startup line: '" << server->line() << "'";
        return server;
    }
    static std::string url(const std::string& host, int port) {
        return "https://" + host + ":" + std::to_string(port) + "/v2";
    }
    std::string ca_flag() const { return "--ca-file " + ca_->ca_file().string(); }

    static inline std::unique_ptr<TestCa> ca_;
    static inline TestCa::Leaf localhost_, other_;
    static inline std::string setup_error_;
};

TEST_F(CliTls, WithoutCaFileVerificationFailsAndTheTargetIsUnreachable) {
    auto server = serve(localhost_);
    ASSERT_NE(server->port(), 0);
    auto r = kmsconf("--base-url " + url("localhost", server->port()) + " --filter 'valid.*' --report-dir " +
                     temp_dir("noca").string());
    EXPECT_EQ(r.code, 3) << r.output;
    EXPECT_NE(r.output.find("target unreachable"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("certificate verify failed"), std::string::npos) << r.output;
    // The trust anchor is what is missing, not a name.
    EXPECT_EQ(r.output.find("mismatch"), std::string::npos) << r.output;
}

TEST_F(CliTls, WithCaFileTheFullSuitePasses) {
    auto server = serve(localhost_);
    ASSERT_NE(server->port(), 0);
    auto listed = kmsconf("--list");
    ASSERT_EQ(listed.code, 0) << listed.output;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(listed.output, m, std::regex("(\\d+) cases"))) << listed.output;
    const int cases = std::stoi(m[1]);
    ASSERT_GE(cases, 12);

    auto reports = temp_dir("ca");
    auto target = url("localhost", server->port());
    auto r = kmsconf("--base-url " + target + " " + ca_flag() + " --report-dir " + reports.string());
    EXPECT_EQ(r.code, 0) << r.output;
    // Cases that need credentials are skipped (none are configured); every other one passed.
    ASSERT_TRUE(std::regex_search(r.output, m, std::regex("(\\d+) passed, 0 failed, (\\d+) skipped"))) << r.output;
    const int passed = std::stoi(m[1]), skipped = std::stoi(m[2]);
    const int own = run_own_cases(reports / "summary.json");  // key reads, followed operations
    EXPECT_EQ(passed + skipped, cases + own) << r.output;
    EXPECT_GE(passed, 12) << r.output;
    EXPECT_NE(r.output.find("against " + target), std::string::npos) << r.output;
    std::string xml = read_file(reports / "junit.xml");
    EXPECT_EQ(count(xml, "<testcase "), cases + own);
    EXPECT_EQ(count(xml, "<failure"), 0);
}

TEST_F(CliTls, CaFileAlsoVerifiesAnIpLiteralTarget) {
    auto server = serve(localhost_);  // its certificate names IP:127.0.0.1 too
    ASSERT_NE(server->port(), 0);
    auto r = kmsconf("--base-url " + url("127.0.0.1", server->port()) + " " + ca_flag() +
                     " --filter 'valid.*' --report-dir " + temp_dir("ip").string());
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find(" 0 failed"), std::string::npos) << r.output;
}

TEST_F(CliTls, InsecureSkipsVerification) {
    auto server = serve(localhost_);
    ASSERT_NE(server->port(), 0);
    auto r = kmsconf("--base-url " + url("localhost", server->port()) + " --insecure --filter 'valid.*' --report-dir " +
                     temp_dir("insecure").string());
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find(" 0 failed"), std::string::npos) << r.output;
}

TEST_F(CliTls, CertificateForAnotherNameFailsTheHostCheckForAnIp) {
    auto server = serve(other_);  // DNS:other.example only
    ASSERT_NE(server->port(), 0);
    auto r = kmsconf("--base-url " + url("127.0.0.1", server->port()) + " " + ca_flag() +
                     " --filter 'valid.*' --report-dir " + temp_dir("mismatch-ip").string());
    EXPECT_EQ(r.code, 3) << r.output;
    EXPECT_NE(r.output.find("target unreachable"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("certificate verify failed"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("IP address mismatch"), std::string::npos) << r.output;
}

TEST_F(CliTls, CertificateForAnotherNameFailsTheHostCheckForAName) {
    auto server = serve(other_);
    ASSERT_NE(server->port(), 0);
    auto r = kmsconf("--base-url " + url("localhost", server->port()) + " " + ca_flag() +
                     " --filter 'valid.*' --report-dir " + temp_dir("mismatch-name").string());
    EXPECT_EQ(r.code, 3) << r.output;
    EXPECT_NE(r.output.find("certificate verify failed"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("hostname mismatch"), std::string::npos) << r.output;
    // --insecure is the way past it, and the only one.
    auto insecure = kmsconf("--base-url " + url("localhost", server->port()) + " --insecure --filter 'valid.*' --report-dir " +
                            temp_dir("mismatch-insecure").string());
    EXPECT_EQ(insecure.code, 0) << insecure.output;
}

TEST_F(CliTls, ServeWithAnUnusableCertificateExits2NamingTheFile) {
    auto junk = ca_->write("junk.pem", "not a certificate\n");
    auto r = kmsconf("serve --port 0 --tls-cert " + junk.string() + " --tls-key " + localhost_.key.string(), 10);
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("tls certificate " + junk.string()), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("listening on"), std::string::npos) << r.output;
}

}  // namespace
