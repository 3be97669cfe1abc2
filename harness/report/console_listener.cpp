#include "harness/report/console_listener.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace kms {

namespace {

// Forwards every event to GoogleTest's printer, erasing the progress line first.
class ProgressPrinter : public testing::TestEventListener {
public:
    ProgressPrinter(testing::TestEventListener* printer, ProgressLine& progress) : printer_(printer), progress_(progress) {}

    void OnTestProgramStart(const testing::UnitTest& u) override { printer_->OnTestProgramStart(u); }
    void OnTestIterationStart(const testing::UnitTest& u, int i) override {
        total_ = u.test_to_run_count();
        printer_->OnTestIterationStart(u, i);
    }
    void OnEnvironmentsSetUpStart(const testing::UnitTest& u) override { printer_->OnEnvironmentsSetUpStart(u); }
    void OnEnvironmentsSetUpEnd(const testing::UnitTest& u) override { printer_->OnEnvironmentsSetUpEnd(u); }
    void OnTestSuiteStart(const testing::TestSuite& s) override {
        progress_.clear();
        printer_->OnTestSuiteStart(s);
    }
    void OnTestStart(const testing::TestInfo& t) override {
        progress_.clear();
        printer_->OnTestStart(t);
        progress_.show(++index_, total_, std::string(t.test_suite_name()) + "." + t.name());
    }
    void OnTestPartResult(const testing::TestPartResult& r) override {
        progress_.clear();
        printer_->OnTestPartResult(r);
    }
    void OnTestEnd(const testing::TestInfo& t) override {
        progress_.clear();
        printer_->OnTestEnd(t);
    }
    void OnTestSuiteEnd(const testing::TestSuite& s) override {
        progress_.clear();
        printer_->OnTestSuiteEnd(s);
    }
    void OnEnvironmentsTearDownStart(const testing::UnitTest& u) override {
        progress_.clear();
        printer_->OnEnvironmentsTearDownStart(u);
    }
    void OnEnvironmentsTearDownEnd(const testing::UnitTest& u) override { printer_->OnEnvironmentsTearDownEnd(u); }
    void OnTestIterationEnd(const testing::UnitTest& u, int i) override {
        progress_.clear();
        printer_->OnTestIterationEnd(u, i);
    }
    void OnTestProgramEnd(const testing::UnitTest& u) override { printer_->OnTestProgramEnd(u); }

private:
    std::unique_ptr<testing::TestEventListener> printer_;
    ProgressLine& progress_;
    int index_ = 0;
    int total_ = 0;
};

}  // namespace

void install_console_listener(ProgressLine& progress, bool quiet) {
    auto& listeners = testing::UnitTest::GetInstance()->listeners();
    testing::TestEventListener* printer = listeners.Release(listeners.default_result_printer());
    if (quiet) {
        delete printer;
        return;
    }
    if (printer) listeners.Append(new ProgressPrinter(printer, progress));
}

}  // namespace kms
