// Contract revisions end to end (issue 9 item 4): --contract auto names the revision the
// embedded server and `kmsconf serve --contract REV` speak, and every case passes; pinned to
// the other revision the run fails, and every MUST finding of a failed case names the drift.
#include "tests/cli/cli_support.hpp"

#include <rapidjson/document.h>

#include <gtest/gtest.h>

namespace kms::cli_test {
namespace {

const char* kRevisions[] = {"2026-03-31", "2026-07-20"};

rapidjson::Document summary_of(const fs::path& reports) {
    rapidjson::Document d;
    d.Parse(read_file(reports / "summary.json").c_str());
    EXPECT_FALSE(d.HasParseError());
    return d;
}

std::string other_than(const std::string& revision) { return revision == kRevisions[0] ? kRevisions[1] : kRevisions[0]; }

TEST(CliRevision, AutoAgainstTheEmbeddedServerNamesTheDefaultAndPasses) {
    auto reports = temp_dir("revision-auto-embedded");
    auto r = kmsconf("--contract auto --generated 0 --report-dir " + reports.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("kmsconf: contract 2026-03-31 (--contract auto: the key read carries `policy`, which only "
                            "2026-03-31's get-kms-key-response declares"),
              std::string::npos)
        << r.output;
    auto summary = summary_of(reports);
    EXPECT_STREQ(summary["contract"].GetString(), "2026-03-31");
    EXPECT_NE(std::string(summary["contract_basis"].GetString()).find("--contract auto"), std::string::npos);
    EXPECT_NE(read_file(reports / "junit.xml").find("name=\"kmsconf.contract\" value=\"2026-03-31: --contract auto"),
              std::string::npos);
    EXPECT_NE(read_file(reports / "report.html").find("--contract auto: the key read carries"), std::string::npos);
}

TEST(CliRevision, PinnedLatestServesTheLatestEmbeddedAndPasses) {
    auto reports = temp_dir("revision-pinned-embedded");
    auto r = kmsconf("--contract 2026-07-20 --generated 0 --report-dir " + reports.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("kmsconf: contract 2026-07-20 (pinned by --contract)"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("contract_drift:"), std::string::npos) << "no drift finding\n" << r.output;
}

// Issue 22: a run given no --contract said "pinned by --contract"; it says the revision is the default.
TEST(CliRevision, NoContractFlagSaysTheRevisionIsTheDefault) {
    auto reports = temp_dir("revision-default");
    auto r = kmsconf("--generated 0 --filter 'valid.accept-*' --report-dir " + reports.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("kmsconf: contract 2026-03-31 (the default revision, no --contract given)"), std::string::npos)
        << r.output;
    EXPECT_EQ(r.output.find("pinned by --contract"), std::string::npos) << r.output;
    rapidjson::Document summary;
    summary.Parse(read_file(reports / "summary.json").c_str());
    ASSERT_TRUE(summary.IsObject() && summary.HasMember("contract_basis"));
    EXPECT_STREQ(summary["contract_basis"].GetString(), "the default revision, no --contract given");
}

class CliRevisionServed : public testing::TestWithParam<std::string> {};

TEST_P(CliRevisionServed, AutoNamesTheServedRevisionAndEveryCasePasses) {
    ServerProcess server("--contract " + GetParam());
    ASSERT_FALSE(server.url().empty());
    auto reports = temp_dir("revision-auto-" + GetParam());
    auto r = kmsconf("--contract auto --generated 0 --base-url " + server.url() + " --report-dir " + reports.string(), 120);
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("kmsconf: contract " + GetParam() + " (--contract auto: "), std::string::npos) << r.output;
    EXPECT_STREQ(summary_of(reports)["contract"].GetString(), GetParam().c_str());
    EXPECT_EQ(r.output.find("contract_drift:"), std::string::npos) << "no drift finding\n" << r.output;
}

TEST_P(CliRevisionServed, PinnedToTheOtherRevisionFailsWithDriftInEveryFailure) {
    ServerProcess server("--contract " + GetParam());
    ASSERT_FALSE(server.url().empty());
    auto reports = temp_dir("revision-drift-" + GetParam());
    const std::string pinned = other_than(GetParam());
    auto r = kmsconf("--contract " + pinned + " --generated 0 --base-url " + server.url() + " --report-dir " +
                         reports.string(),
                     120);
    ASSERT_EQ(r.code, 1) << r.output;
    auto summary = summary_of(reports);
    int failed = 0, drifts = 0;
    for (const auto& c : summary["cases"].GetArray()) {
        if (std::string(c["verdict"].GetString()) != "fail") continue;
        ++failed;
        const std::string name = std::string(c["suite"].GetString()) + "." + c["id"].GetString();
        for (const auto& f : c["findings"].GetArray()) {
            const std::string message = f["message"].GetString();
            // Every MUST finding says the response fits the other revision.
            if (std::string(f["level"].GetString()) == "MUST") {
                EXPECT_NE(message.find("contract drift"), std::string::npos) << name << ": " << message;
            }
            // The drift itself at the level its evidence bears: MUST where the pinned schema
            // refuses the response, SHOULD where only the shape gives it away.
            if (std::string(f["check"].GetString()) == "contract_drift") {
                ++drifts;
                // Both revisions named: the one the target speaks, the one the run judges by.
                EXPECT_NE(message.find("the target speaks " + GetParam()), std::string::npos) << message;
                EXPECT_NE(message.find("judges by " + pinned), std::string::npos) << message;
            }
        }
    }
    EXPECT_GT(failed, 0);
    EXPECT_GE(drifts, failed) << r.output;
}

INSTANTIATE_TEST_SUITE_P(Revisions, CliRevisionServed, testing::Values("2026-03-31", "2026-07-20"),
                         [](const testing::TestParamInfo<std::string>& p) {
                             std::string name = "r" + p.param;
                             for (auto& ch : name)
                                 if (ch == '-') ch = '_';
                             return name;
                         });

}  // namespace
}  // namespace kms::cli_test
