#include "harness/report/console_cases.hpp"

#include "harness/report/case_description.hpp"

#include <chrono>

namespace kms {

namespace {

std::string took(const CaseResult& result) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(result.elapsed).count();
    return " (" + std::to_string(ms) + " ms)";
}

}  // namespace

// The tags are GoogleTest's, which drove the run until it became a loop of its own: CI logs
// and people's eyes already know them.
void ConsoleCases::tag_line(const char* tag, Colour colour, const std::string& rest) {
    out_ << style_.paint(tag, colour) << " " << rest;
    if (rest.empty() || rest.back() != '\n') out_ << "\n";
    out_ << std::flush;
}

void ConsoleCases::case_started(const Case& c, std::size_t index, std::size_t total) {
    if (options_.verbose) tag_line("[ RUN      ]", Colour::green, c.full_name());
    progress_.show(static_cast<int>(index), static_cast<int>(total), c.full_name());
}

void ConsoleCases::case_finished(const Case& c, const CaseResult& result) {
    switch (result.verdict) {
        case Verdict::skipped:
            tag_line("[  SKIPPED ]", Colour::yellow, c.full_name() + ": " + result.skip_reason);
            return;
        case Verdict::fail:
            out_ << describe_result(c, result, base_);
            tag_line("[  FAILED  ]", Colour::red, c.full_name() + took(result));
            return;
        case Verdict::non_strict:
            if (options_.strict) {
                out_ << "(--strict) " << describe_result(c, result, base_);
                tag_line("[  FAILED  ]", Colour::red, c.full_name() + took(result));
                return;
            }
            tag_line("[ NONSTRICT ]", Colour::yellow, describe_result(c, result, base_));
            break;
        case Verdict::informational:
            if (options_.verbose) tag_line("[    INFO  ]", Colour::blue, describe_result(c, result, base_));
            break;
        case Verdict::pass:
            break;
    }
    if (options_.verbose) tag_line("[       OK ]", Colour::green, c.full_name() + took(result));
}

void ConsoleCases::case_broke(const Case& c, const std::string& what) {
    tag_line("[  FAILED  ]", Colour::red, c.full_name() + ": the harness could not run it: " + what);
}

}  // namespace kms
