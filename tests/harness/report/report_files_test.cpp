// The report files of a run: the previous run's go (only they), and writability is known
// before anything is sent.
#include "harness/report/report_files.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

namespace kms {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
    auto d = fs::temp_directory_path() / ("kmsconf-report-files-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

std::string message_of(void (*f)(const fs::path&, const std::vector<std::string>&), const fs::path& dir) {
    try {
        f(dir, kRunReportFiles);
    } catch (const ReportFileError& e) {
        return e.what();
    }
    return "";
}

TEST(ReportFiles, RemovesOnlyThePreviousReports) {
    auto dir = fresh_dir("remove");
    for (const char* name : {"junit.xml", "summary.json", "report.html", "notes.txt", "bench.json"})
        std::ofstream(dir / name) << "old";
    remove_previous_reports(dir);
    EXPECT_FALSE(fs::exists(dir / "junit.xml"));
    EXPECT_FALSE(fs::exists(dir / "summary.json"));
    EXPECT_FALSE(fs::exists(dir / "report.html"));
    EXPECT_TRUE(fs::exists(dir / "notes.txt")) << "the folder may be '.': only the run's own files go";
    EXPECT_TRUE(fs::exists(dir / "bench.json"));
    EXPECT_NO_THROW(remove_previous_reports(dir / "does-not-exist"));
    fs::remove_all(dir);
}

TEST(ReportFiles, WritableCheckCreatesTheFolderAndLeavesNoFile) {
    auto dir = fresh_dir("writable");
    EXPECT_NO_THROW(check_reports_writable(dir / "a" / "b"));
    EXPECT_TRUE(fs::is_directory(dir / "a" / "b"));
    EXPECT_TRUE(fs::is_empty(dir / "a" / "b")) << "an empty junit.xml would be published as a run with no tests";
    fs::remove_all(dir);
}

TEST(ReportFiles, AReportThatIsADirectoryOrAFolderThatIsAFileIsNamed) {
    auto dir = fresh_dir("unwritable");
    fs::create_directories(dir / "junit.xml" / "inside");
    EXPECT_NE(message_of(check_reports_writable, dir).find("junit.xml is a directory"), std::string::npos);
    EXPECT_NE(message_of(remove_previous_reports, dir).find("junit.xml is a directory"), std::string::npos);
    EXPECT_TRUE(fs::exists(dir / "junit.xml" / "inside")) << "a directory is never removed";
    std::ofstream(dir / "plain-file") << "x";
    EXPECT_NE(message_of(check_reports_writable, dir / "plain-file" / "sub").find("cannot create --report-dir"),
              std::string::npos);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace kms
