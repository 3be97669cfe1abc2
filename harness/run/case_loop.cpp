#include "harness/run/case_loop.hpp"

#include <exception>
#include <utility>

namespace kms {

CaseLoopOutcome run_case_loop(const std::vector<Case>& cases, CaseRunner& runner, RunTally& tally,
                              CaseListener& listener) {
    CaseLoopOutcome outcome;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        listener.case_started(c, i + 1, cases.size());
        try {
            CaseResult result = runner.run(c);
            ++outcome.ran;
            listener.case_finished(c, result);
            tally.add(c, std::move(result));  // moved: a case's bodies are held once
        } catch (const std::exception& e) {
            // One broken case must not hide the verdicts of the others: the loop goes on.
            ++outcome.broken;
            listener.case_broke(c, e.what());
        }
    }
    return outcome;
}

}  // namespace kms
