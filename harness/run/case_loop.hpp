// The run's case loop: every selected case, in order, through the runner and into the tally,
// from which every report is written. A listener sees each case start and end (the console
// prints from there). A plain loop, not GoogleTest: docs/architecture.md says why.
#pragma once

#include "harness/run/case_runner.hpp"
#include "harness/run/run_tally.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace kms {

class CaseListener {
public:
    virtual ~CaseListener() = default;
    virtual void case_started(const Case& c, std::size_t index, std::size_t total) = 0;  // index from 1
    virtual void case_finished(const Case& c, const CaseResult& result) = 0;
    // The runner threw: a fault of the harness, not a finding about the target. The case is not
    // in the tally, and the run fails (CaseLoopOutcome::broken).
    virtual void case_broke(const Case& c, const std::string& what) = 0;
};

struct CaseLoopOutcome {
    std::size_t ran = 0;     // cases the runner returned a result for (skipped ones included)
    std::size_t broken = 0;  // cases the runner threw on
};

CaseLoopOutcome run_case_loop(const std::vector<Case>& cases, CaseRunner& runner, RunTally& tally,
                              CaseListener& listener);

}  // namespace kms
