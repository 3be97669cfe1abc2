// Every input kmsconf refuses: exit 2, a message naming the problem, and nothing sent to the
// target (a listener that counts connections stands in for it). Each of these was a bug a
// user hit: a run that tested nothing and exited 0, a hang, an abort, or a target blamed for
// the harness's own mistake.
#include "tests/cli/cli_support.hpp"

#include "tests/support/connection_counter.hpp"

namespace kms::cli_test {
namespace {

struct BadInput {
    std::string args;     // after "--base-url <listener>" unless it names its own target
    std::string message;  // a part of what kmsconf must say
};

void expect_refused(const BadInput& bad, bool with_target = true) {
    kms::test::ConnectionCounter target;
    ASSERT_NE(target.port(), 0);
    const auto reports = temp_dir("usage-reports");
    const std::string args = (with_target ? "--base-url " + target.url() + " " : std::string()) +
                             "--report-dir " + reports.string() + " " + bad.args;
    auto r = kmsconf(args, 30);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(bad.message), std::string::npos) << args << "\nwanted: " << bad.message << "\n" << r.output;
    EXPECT_EQ(target.accepted(), 0) << args << ": something was sent";
    EXPECT_EQ(r.output.find("PASSED"), std::string::npos) << args << ": cases ran\n" << r.output;
}

TEST(CliUsage, NumbersOutOfRangeOrNotFinite) {
    const BadInput bad[] = {
        {"--generated -1", "--generated must be an integer from 0 to 10000, got '-1'"},
        {"--generated 10001", "--generated must be an integer from 0 to 10000, got '10001'"},
        {"--generated 2.5", "--generated must be an integer"},
        {"--seed -1", "--seed must be an integer from 0 to 18446744073709551615, got '-1'"},
        {"--seed 18446744073709551616", "--seed must be an integer"},
        {"--rate nan", "--rate must be a number from 0 to 10000, got 'nan'"},
        {"--rate inf", "--rate must be a number from 0 to 10000, got 'inf'"},
        {"--rate -1", "--rate must be a number from 0 to 10000, got '-1'"},
        {"--rate 10001", "--rate must be a number from 0 to 10000"},
        {"--timeout-ms 0", "--timeout-ms must be an integer from 1 to 600000, got '0'"},
        {"--timeout-ms -5", "--timeout-ms must be an integer from 1 to 600000"},
        {"--timeout-ms 600001", "--timeout-ms must be an integer from 1 to 600000"},
        {"--connect-timeout-ms 0", "--connect-timeout-ms must be an integer from 1 to 600000"},
        {"--connect-timeout-ms 1e9", "--connect-timeout-ms must be an integer"},
        {"--max-response-time-ms -1", "--max-response-time-ms must be an integer from 0 to 600000"},
        {"--max-response-time-ms nan", "--max-response-time-ms must be an integer from 0 to 600000"},
        {"--stray-grace-ms 5001", "--stray-grace-ms must be an integer from 0 to 5000"},
        {"--stray-grace-ms -1", "--stray-grace-ms must be an integer from 0 to 5000"},
    };
    for (const auto& b : bad) expect_refused(b);
}

TEST(CliUsage, TheBoundsThemselvesAreAccepted) {
    auto r = kmsconf("--list --generated 10000 --seed 18446744073709551615 --rate 10000 --timeout-ms 600000 "
                     "--connect-timeout-ms 1 --max-response-time-ms 600000 --key-id a02baf5a-a3e4-49a0-857b-8a08d276c1c0",
                     60);
    EXPECT_EQ(r.code, 0) << r.output.substr(0, 2000);
    EXPECT_NE(r.output.find("generated."), std::string::npos);
    EXPECT_EQ(kmsconf("--list --generated 0 --rate 0.5 --max-response-time-ms 0 --stray-grace-ms 0").code, 0);
}

TEST(CliUsage, TargetsThatAreNoHttpUrl) {
    // An unset CI variable: `--base-url "$STAGING_URL"` used to test the embedded server.
    expect_refused({"--base-url ''", "--base-url is empty (an unset variable?)"}, false);
    expect_refused({"--base-url ' '", "--base-url is empty"}, false);
    // An unset variable again: two targets' reports would merge under one unprefixed name.
    expect_refused({"--junit-prefix ''", "--junit-prefix is empty"});
    kms::test::ConnectionCounter target;
    const std::string hostport = "127.0.0.1:" + std::to_string(target.port());
    expect_refused({"--base-url ftp://" + hostport + "/v2", "unsupported scheme 'ftp' (want http or https)"}, false);
    expect_refused({"--base-url " + hostport + "/v2", "is not an absolute http(s) URL"}, false);
    EXPECT_EQ(target.accepted(), 0);
}

TEST(CliUsage, UnknownCommandsStrayWordsAndPrefixes) {
    // `kmsconf frobnicate` used to run the suites against the embedded server and exit 0.
    auto unknown = kmsconf("frobnicate");
    EXPECT_EQ(unknown.code, 2) << unknown.output;
    EXPECT_NE(unknown.output.find("unknown command 'frobnicate' (commands: run, serve, bench"), std::string::npos)
        << unknown.output;
    EXPECT_EQ(unknown.output.find("PASSED"), std::string::npos) << unknown.output;
    expect_refused({"stray-word", "unexpected argument 'stray-word'"});
    expect_refused({"--filter 'valid.*' valid.replicate-to-de-fra-1", "unexpected argument 'valid.replicate-to-de-fra-1'"});
    expect_refused({"--fil 'valid.*'", "unrecognised option '--fil'"});
    expect_refused({"--gen 0", "unrecognised option '--gen'"});
    auto run_stray = kmsconf("run stray --base-url http://127.0.0.1:1/v2");
    EXPECT_EQ(run_stray.code, 2);
    EXPECT_NE(run_stray.output.find("unexpected argument 'stray'"), std::string::npos) << run_stray.output;
}

TEST(CliUsage, KeyIdThatIsNoUuid) {
    // It used to go into the request line unencoded, and the server was blamed for the 400s.
    expect_refused({"--key-id not-a-uuid", "--key-id 'not-a-uuid' is not a uuid"});
    expect_refused({"--key-id 'a02baf5a-a3e4-49a0-857b-8a08d276c1c0/../x'", "is not a uuid"});
    expect_refused({"--key-id ''", "--key-id '' is not a uuid"});
}

TEST(CliUsage, CaFileWithoutCertificate) {
    // It used to fail every handshake: "target unreachable", exit 3.
    auto dir = temp_dir("ca-files");
    std::ofstream(dir / "text.pem") << "not a certificate\n";
    std::ofstream(dir / "key-only.pem") << "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n";
    std::ofstream(dir / "broken.pem") << "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
    std::ofstream(dir / "empty.pem");
    kms::test::ConnectionCounter target;
    const std::string https = "--base-url " + target.url("https") + " ";
    expect_refused({https + "--ca-file " + (dir / "text.pem").string(), "text.pem: holds no PEM certificate"}, false);
    expect_refused({https + "--ca-file " + (dir / "key-only.pem").string(), "key-only.pem: holds no PEM certificate"}, false);
    expect_refused({https + "--ca-file " + (dir / "empty.pem").string(), "empty.pem: holds no PEM certificate"}, false);
    expect_refused({https + "--ca-file " + (dir / "broken.pem").string(), "broken.pem: a certificate in it cannot be read"},
                   false);
    expect_refused({https + "--ca-file " + (dir / "missing.pem").string(), "missing.pem: No such file or directory"}, false);
    EXPECT_EQ(target.accepted(), 0);
}

TEST(CliUsage, ReportsThatCannotBeWritten) {
    // A junit.xml GoogleTest cannot open used to abort the run (134) after every request.
    kms::test::ConnectionCounter target;
    for (const char* name : {"junit.xml", "summary.json", "report.html"}) {
        auto dir = temp_dir(std::string("unwritable-") + name);
        fs::create_directories(dir / name / "occupied");
        auto r = kmsconf("--base-url " + target.url() + " --report-dir " + dir.string());
        EXPECT_EQ(r.code, 2) << name << "\n" << r.output;
        EXPECT_NE(r.output.find((dir / name).string() + " is a directory"), std::string::npos) << r.output;
    }
    auto file = temp_dir("report-dir-is-file") / "plain";
    std::ofstream(file) << "x";
    auto r = kmsconf("--base-url " + target.url() + " --report-dir " + (file / "reports").string());
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("cannot create --report-dir " + (file / "reports").string() + ": Not a directory"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(target.accepted(), 0);
}

TEST(CliUsage, SecretFileWithTwoLinesIsRefusedByRunAndServe) {
    auto dir = temp_dir("two-line-secret");
    const auto two = (dir / "secret").string();
    std::ofstream(two) << "first-secret\nsecond-secret\n";
    expect_refused({"--api-key EXOtwolines --api-secret-file " + two,
                    "--api-secret-file " + two + " holds more than one non-empty line"});
    auto serve = kmsconf("serve --port 0 --api-key EXOtwolines --api-secret-file " + two, 10);
    EXPECT_EQ(serve.code, 2) << serve.output;
    EXPECT_NE(serve.output.find("--api-secret-file " + two + " holds more than one non-empty line"), std::string::npos)
        << serve.output;
    EXPECT_EQ(serve.output.find("listening on"), std::string::npos);
    const auto empty = (dir / "empty").string();
    std::ofstream(empty) << "\n";
    expect_refused({"--api-key EXOempty --api-secret-file " + empty, empty + " holds no secret"});
}

TEST(CliUsage, ServeRefusesPrefixesAndStrayWords) {
    auto prefix = kmsconf("serve --port 0 --thr 2", 10);
    EXPECT_EQ(prefix.code, 2) << prefix.output;
    EXPECT_NE(prefix.output.find("unrecognised option '--thr'"), std::string::npos) << prefix.output;
    auto stray = kmsconf("serve --port 0 stray", 10);
    EXPECT_EQ(stray.code, 2) << stray.output;
    EXPECT_NE(stray.output.find("unexpected argument 'stray'"), std::string::npos) << stray.output;
}

TEST(CliUsage, BenchRefusesBadNumbersAndTargetsBeforeAnyLoad) {
    kms::test::ConnectionCounter target;
    auto dir = temp_dir("bench-usage");
    std::ofstream(dir / "text.pem") << "no certificate here\n";
    const BadInput bad[] = {
        {"--requests -5", "--requests must be an integer from 0 to 1000000000, got '-5'"},
        {"--duration nan", "--duration must be a number above 0 up to 86400, got 'nan'"},
        {"--duration inf", "--duration must be a number above 0 up to 86400"},
        {"--duration -1", "--duration must be a number above 0"},
        {"--mode open --rate nan", "--rate must be a number above 0 up to 1000000, got 'nan'"},
        {"--mode open --rate -3", "--rate must be a number above 0"},
        {"--connections -1", "--connections must be an integer from 1 to 10000, got '-1'"},
        {"--threads -1", "--threads must be an integer from 1 to 256"},
        {"--warmup -1", "--warmup must be a number from 0 to 3600"},
        {"--warmup nan", "--warmup must be a number from 0 to 3600"},
        {"--timeout-ms 0", "--timeout-ms must be an integer from 1 to 600000"},
        {"--timeout-ms 1e3", "--timeout-ms must be an integer"},
        {"--dur 1", "unrecognised option '--dur'"},
        {"stray", "unexpected argument 'stray'"},
        {"--key-id not-a-uuid", "--key-id 'not-a-uuid' is not a uuid"},
        {"--ca-file " + (dir / "text.pem").string(), "holds no PEM certificate"},
        {"--report-dir /dev/null/reports", "cannot create --report-dir /dev/null/reports"},
        {"--junit-prefix ''", "--junit-prefix is empty"},
    };
    for (const auto& b : bad) {
        const std::string args = "bench --base-url " + target.url() + " " + b.args;
        auto r = kmsconf(args, 30);
        EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
        EXPECT_NE(r.output.find(b.message), std::string::npos) << args << "\nwanted: " << b.message << "\n" << r.output;
    }
    auto empty = kmsconf("bench --base-url ''", 30);
    EXPECT_EQ(empty.code, 2) << empty.output;
    EXPECT_NE(empty.output.find("--base-url is empty"), std::string::npos) << empty.output;
    EXPECT_EQ(target.accepted(), 0) << "a refused bench sent something";
}

}  // namespace
}  // namespace kms::cli_test
