#include "harness/report/gtest_cases.hpp"

#include <gtest/gtest.h>

#include <iostream>

namespace kms {

namespace {

class CaseTest : public testing::Test {
public:
    CaseTest(const Case& c, CaseRunner& runner, RunTally& tally, GtestRunOptions options)
        : case_(c), runner_(runner), tally_(tally), options_(options) {}

    void TestBody() override {
        CaseResult result = runner_.run(case_);
        tally_.add(case_, result);
        const std::string text = describe_result(case_, result, runner_.base());
        switch (result.verdict) {
            case Verdict::skipped:
                GTEST_SKIP() << result.skip_reason;
                break;
            case Verdict::fail:
                // Located at the suite file, so CI annotations point at the case's data.
                ADD_FAILURE_AT(case_.file.c_str(), case_.line) << text;
                break;
            case Verdict::non_strict:
                if (options_.strict) ADD_FAILURE_AT(case_.file.c_str(), case_.line) << "(--strict) " << text;
                else if (!options_.quiet) print("[ NONSTRICT ] " + text);
                break;
            case Verdict::informational:
                if (options_.verbose && !options_.quiet) print("[    INFO  ] " + text);
                break;
            case Verdict::pass:
                break;
        }
    }

private:
    void print(const std::string& text) const {
        if (options_.progress) options_.progress->clear();
        std::cout << text << std::flush;
    }

    const Case& case_;
    CaseRunner& runner_;
    RunTally& tally_;
    GtestRunOptions options_;
};

}  // namespace

void register_case_tests(const std::vector<Case>& cases, CaseRunner& runner, RunTally& tally, GtestRunOptions options) {
    for (const auto& c : cases) {
        const Case* cp = &c;
        testing::RegisterTest(c.suite.c_str(), c.id.c_str(), nullptr, nullptr, c.file.c_str(), c.line,
                              [cp, &runner, &tally, options]() -> testing::Test* {
                                  return new CaseTest(*cp, runner, tally, options);
                              });
    }
}

}  // namespace kms
