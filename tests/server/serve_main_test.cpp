// `kmsconf serve` flag handling and exit codes (2: usage, 3: bind). The run-until-signal path
// is not exercised here: it blocks SIGINT/SIGTERM and waits, which belongs in a process test.
#include "server/reference_server.hpp"
#include "tests/support/test_ca.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace kms::server {
namespace {

int serve(std::vector<std::string> args) {
    args.insert(args.begin(), "serve");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return serve_main(static_cast<int>(args.size()), argv.data());
}

TEST(ServeMainTest, HelpExitsZeroAndListsFlags) {
    testing::internal::CaptureStdout();
    EXPECT_EQ(serve({"--help"}), 0);
    std::string out = testing::internal::GetCapturedStdout();
    for (const char* flag : {"--address", "--port", "--threads", "--body-limit", "--header-timeout-ms",
                             "--idle-timeout-ms", "--operation-settle-ms", "--contract", "--fault", "--credentials-from-env",
                             "--api-key", "--api-secret-file", "--tls-cert", "--tls-key", "--verbose"})
        EXPECT_NE(out.find(flag), std::string::npos) << flag;
}

TEST(ServeMainTest, FaultListPrintsEveryFaultName) {
    testing::internal::CaptureStdout();
    EXPECT_EQ(serve({"--fault", "list"}), 0);
    std::string out = testing::internal::GetCapturedStdout();
    for (const auto& name : fault_names())
        if (name != "none") {
            EXPECT_NE(out.find(name + "\n"), std::string::npos) << name;
        }
}

TEST(ServeMainTest, BadFlagsExitTwo) {
    testing::internal::CaptureStderr();
    EXPECT_EQ(serve({"--no-such-flag"}), 2);
    EXPECT_EQ(serve({"--port", "70000"}), 2);
    EXPECT_EQ(serve({"--port", "http"}), 2);
    EXPECT_EQ(serve({"--threads", "0"}), 2);
    EXPECT_EQ(serve({"--fault", "no-such-fault"}), 2);
    EXPECT_EQ(serve({"--address", "localhost:80"}), 2);
    EXPECT_EQ(serve({"--api-key", "EXOabc"}), 2);  // no secret
    EXPECT_EQ(serve({"--api-key", "EXOabc", "--api-secret-file", "/nonexistent/secret"}), 2);
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("no-such-fault"), std::string::npos);
}

// serve reads a secret file with common's reader, as kmsconf run does: a file that holds more
// than one non-empty line could mean two secrets, and is refused naming it.
TEST(ServeMainTest, SecretFileWithTwoNonEmptyLinesExitsTwoNamingIt) {
    const std::string file =
        (std::filesystem::temp_directory_path() / ("kmsconf-serve-secret-" + std::to_string(::getpid()))).string();
    std::ofstream(file) << "first\nsecond\n";
    testing::internal::CaptureStderr();
    EXPECT_EQ(serve({"--api-key", "EXOabc", "--api-secret-file", file}), 2);
    EXPECT_EQ(serve({"--port", "0", "stray"}), 2);
    EXPECT_EQ(serve({"--thr", "2"}), 2);  // no prefix guessing
    std::string err = testing::internal::GetCapturedStderr();
    std::filesystem::remove(file);
    EXPECT_NE(err.find("--api-secret-file " + file + " holds more than one non-empty line"), std::string::npos) << err;
    EXPECT_NE(err.find("unexpected argument 'stray'"), std::string::npos) << err;
    EXPECT_NE(err.find("unrecognised option '--thr'"), std::string::npos) << err;
}

TEST(ServeMainTest, UnknownContractRevisionExitsTwoNamingTheKnownOnes) {
    testing::internal::CaptureStderr();
    EXPECT_EQ(serve({"--contract", "2026-07-21"}), 2);
    EXPECT_EQ(serve({"--contract", "auto"}), 2);
    EXPECT_EQ(serve({"--contract", ""}), 2);
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("--contract must be one of 2026-03-31, 2026-07-20, got '2026-07-21'"), std::string::npos) << err;
}

TEST(ServeMainTest, PortInUseExitsThree) {
    ReferenceServer taken{ServerOptions{}};
    taken.start();
    testing::internal::CaptureStderr();
    testing::internal::CaptureStdout();
    EXPECT_EQ(serve({"--port", std::to_string(taken.port())}), 3);
    std::string out = testing::internal::GetCapturedStdout();
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(out, "") << "no 'listening on' line when not listening";
    EXPECT_NE(err.find("bind"), std::string::npos) << err;
}

TEST(ServeMainTest, TlsFlagsGoTogether) {
    testing::internal::CaptureStderr();
    EXPECT_EQ(serve({"--tls-cert", "/tmp/cert.pem"}), 2);
    EXPECT_EQ(serve({"--tls-key", "/tmp/key.pem"}), 2);
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("--tls-cert and --tls-key go together"), std::string::npos) << err;
}

TEST(ServeMainTest, UnusableCertificateExitsTwoNamingTheFile) {
    kms::test::TestCa ca;
    auto leaf = ca.issue("localhost", "DNS:localhost");
    auto junk = ca.write("junk.pem", "not a certificate\n");
    testing::internal::CaptureStderr();
    testing::internal::CaptureStdout();
    EXPECT_EQ(serve({"--tls-cert", junk.string(), "--tls-key", leaf.key.string()}), 2);
    EXPECT_EQ(serve({"--tls-cert", leaf.cert.string(), "--tls-key", (ca.dir() / "missing.key").string()}), 2);
    std::string out = testing::internal::GetCapturedStdout();
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(out, "") << "no 'listening on' line when not listening";
    EXPECT_NE(err.find("kmsconf serve: tls certificate " + junk.string()), std::string::npos) << err;
    EXPECT_NE(err.find("kmsconf serve: tls key " + (ca.dir() / "missing.key").string()), std::string::npos) << err;
}

}  // namespace
}  // namespace kms::server
