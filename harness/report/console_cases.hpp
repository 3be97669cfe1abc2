// What the console shows of each case while a run's cases run: the progress line on a
// terminal, a failure's full description as it happens, skipped cases with why, SHOULD findings
// (as NONSTRICT, or failures under --strict) and, with --verbose, every case's start and end and
// its informational findings. Written to a stream the run's ProgressGuard watches, so the
// progress line is erased first and --quiet discards it all.
#pragma once

#include "harness/report/console_style.hpp"
#include "harness/report/progress_line.hpp"
#include "harness/run/case_loop.hpp"
#include "harness/transport/base_url.hpp"

#include <ostream>

namespace kms {

struct ConsoleCaseOptions {
    bool strict = false;   // SHOULD findings fail the case
    bool verbose = false;  // every case's start and end, and informational findings
};

class ConsoleCases : public CaseListener {
public:
    ConsoleCases(std::ostream& out, ProgressLine& progress, ConsoleStyle style, BaseUrl base, ConsoleCaseOptions options)
        : out_(out), progress_(progress), style_(style), base_(std::move(base)), options_(options) {}

    void case_started(const Case& c, std::size_t index, std::size_t total) override;
    void case_finished(const Case& c, const CaseResult& result) override;
    void case_broke(const Case& c, const std::string& what) override;

private:
    void tag_line(const char* tag, Colour colour, const std::string& rest);

    std::ostream& out_;
    ProgressLine& progress_;
    ConsoleStyle style_;
    BaseUrl base_;
    ConsoleCaseOptions options_;
};

}  // namespace kms
