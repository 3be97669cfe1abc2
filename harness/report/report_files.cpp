#include "harness/report/report_files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace fs = std::filesystem;

namespace kms {

namespace {

void refuse_directory(const fs::path& file) {
    std::error_code ec;
    if (fs::is_directory(file, ec))
        throw ReportFileError("report file " + file.string() + " is a directory; remove it or choose another --report-dir");
}

}  // namespace

void remove_previous_reports(const fs::path& dir, const std::vector<std::string>& files) {
    for (const auto& name : files) {
        const fs::path file = dir / name;
        refuse_directory(file);
        std::error_code ec;
        fs::remove(file, ec);
        if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
            throw ReportFileError("cannot remove the previous run's " + file.string() + ": " + ec.message());
    }
}

void check_reports_writable(const fs::path& dir, const std::vector<std::string>& files) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw ReportFileError("cannot create --report-dir " + dir.string() + ": " + ec.message());
    if (!fs::is_directory(dir, ec)) throw ReportFileError("--report-dir " + dir.string() + " is not a directory");
    for (const auto& name : files) {
        const fs::path file = dir / name;
        refuse_directory(file);
        // Open for writing as the report writers will, then take the probe away again: an
        // empty junit.xml left behind would be published as a run with no tests.
        const bool existed = fs::exists(file, ec);
        std::FILE* f = std::fopen(file.c_str(), "ab");
        if (!f) throw ReportFileError("cannot write report file " + file.string() + ": " + std::strerror(errno));
        std::fclose(f);
        if (!existed) fs::remove(file, ec);
    }
}

}  // namespace kms
