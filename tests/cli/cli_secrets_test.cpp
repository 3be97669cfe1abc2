// A signed run never shows the API secret: not on the console (passing, failing, verbose or
// dry-run) and not in any report file.
#include "tests/cli/cli_support.hpp"

#include <fstream>

namespace kms::cli_test {
namespace {

const char* const kKey = "EXOsecrettest0000000000000";
const char* const kSecret = "s3cr3t-Do-Not-Print-9f8e7d6c5b4a";

class CliSecrets : public testing::Test {
protected:
    void SetUp() override {
        setenv("EXOSCALE_API_KEY", kKey, 1);
        setenv("EXOSCALE_API_SECRET", kSecret, 1);
    }
    void TearDown() override {
        unsetenv("EXOSCALE_API_KEY");
        unsetenv("EXOSCALE_API_SECRET");
    }
    // Each of `files` was written and holds neither the secret nor a signature.
    static void expect_clean(const fs::path& dir, std::initializer_list<const char*> files) {
        for (const char* name : files) {
            ASSERT_TRUE(fs::exists(dir / name)) << name;
            const std::string text = read_file(dir / name);
            EXPECT_EQ(text.find(kSecret), std::string::npos) << "secret in " << name;
            EXPECT_EQ(text.find("signature="), std::string::npos) << "signature in " << name;
        }
    }
    static void expect_no_secret_in(const fs::path& dir) {
        int files = 0;
        for (const auto& entry : fs::recursive_directory_iterator(dir)) {
            if (!entry.is_regular_file()) continue;
            ++files;
            EXPECT_EQ(read_file(entry.path()).find(kSecret), std::string::npos) << "secret in " << entry.path();
        }
        EXPECT_GE(files, 2) << "expected junit.xml and summary.json in " << dir;
    }
};

TEST_F(CliSecrets, SignedPassingRunVerbose) {
    ServerProcess server("--credentials-from-env");
    ASSERT_FALSE(server.url().empty());
    auto reports = temp_dir("secrets-pass");
    auto r = kmsconf("--verbose --base-url " + server.url() + " --report-dir " + reports.string());
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find(", 0 skipped"), std::string::npos) << "auth cases must run when signed:\n" << r.output;
    EXPECT_EQ(r.output.find(kSecret), std::string::npos);
    expect_no_secret_in(reports);
}

TEST_F(CliSecrets, SignedFailingRunShowsRedactedReproducers) {
    ServerProcess server("--credentials-from-env --fault bad-enum");
    ASSERT_FALSE(server.url().empty());
    auto reports = temp_dir("secrets-fail");
    auto r = kmsconf("--filter 'valid.*' --base-url " + server.url() + " --report-dir " + reports.string());
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("Authorization: [REDACTED]"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find(kSecret), std::string::npos);
    EXPECT_EQ(r.output.find("signature="), std::string::npos) << "the signature is redacted too";
    EXPECT_NE(r.output.find("\nsummary\n"), std::string::npos) << r.output;
    expect_no_secret_in(reports);
    // Every signed exchange is in exchanges.har, its Authorization value redacted.
    const std::string har = read_file(reports / "exchanges.har");
    EXPECT_NE(har.find("{\"name\":\"Authorization\",\"value\":\"[REDACTED]\"}"), std::string::npos) << har.substr(0, 2000);
    EXPECT_EQ(har.find("signature="), std::string::npos);
    EXPECT_EQ(har.find("EXO2-HMAC-SHA256"), std::string::npos);
    expect_clean(reports, {"junit.xml", "summary.json", "summary.md", "report.html", "exchanges.har"});
    // report.html shows each request's headers as sent, the Authorization value redacted.
    EXPECT_NE(read_file(reports / "report.html").find("Authorization: [REDACTED]"), std::string::npos);
}

TEST_F(CliSecrets, SignedBenchReportsHoldNeitherSecretNorSignature) {
    ServerProcess server("--credentials-from-env");
    ASSERT_FALSE(server.url().empty());
    auto reports = temp_dir("secrets-bench");
    auto r = kmsconf("bench --no-progress --duration 0.2 --warmup 0 --allow-mutations --slo 'errors<=0' --slo 'p99<=1us' "
                     "--base-url " + server.url() + " --report-dir " + reports.string());
    EXPECT_EQ(r.code, 1) << "p99<=1us is breached\n" << r.output;
    EXPECT_NE(r.output.find("signed (EXO2-HMAC-SHA256)"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find(kSecret), std::string::npos);
    expect_clean(reports, {"bench-junit.xml", "bench-summary.json", "bench.json", "bench-histograms.json", "bench-report.html"});
}

TEST_F(CliSecrets, DryRunAndHelp) {
    auto dry = kmsconf("--dry-run --base-url http://127.0.0.1:1/v2");
    EXPECT_EQ(dry.code, 0) << dry.output;
    EXPECT_NE(dry.output.find("Authorization: [REDACTED]"), std::string::npos);
    EXPECT_EQ(dry.output.find(kSecret), std::string::npos);
    EXPECT_EQ(kmsconf("--help").output.find(kSecret), std::string::npos);
}

// One secret file, one secret: run and serve read it with the same reader (a leading blank
// line once made serve read an empty first line while run read the secret).
TEST_F(CliSecrets, ASecretFileMeansTheSameSecretToRunAndServe) {
    unsetenv("EXOSCALE_API_SECRET");
    auto dir = temp_dir("secret-file");
    const auto file = (dir / "secret").string();
    std::ofstream(file) << "\n  " << kSecret << " \r\n\n";
    ServerProcess server(std::string("--api-key ") + kKey + " --api-secret-file " + file);
    ASSERT_FALSE(server.url().empty()) << server.line();
    auto reports = temp_dir("secret-file-reports");
    auto r = kmsconf("--filter 'auth.*' --api-secret-file " + file + " --base-url " + server.url() + " --report-dir " +
                     reports.string());
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find(", 0 failed, 0 skipped"), std::string::npos) << "signed and verified alike:\n" << r.output;
    EXPECT_EQ(r.output.find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace kms::cli_test
