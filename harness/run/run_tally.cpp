#include "harness/run/run_tally.hpp"


namespace kms {

void RunTally::add(Case c, CaseResult result) { entries_.push_back({std::move(c), std::move(result)}); }

int RunTally::count(Verdict v) const {
    int n = 0;
    for (const auto& e : entries_) n += e.result.verdict == v;
    return n;
}

// Every case counts once: under --strict a non-strict case is a failure, not a pass too.
int RunTally::passed(bool strict) const {
    return count(Verdict::pass) + count(Verdict::informational) + (strict ? 0 : count(Verdict::non_strict));
}

int RunTally::failed(bool strict) const { return count(Verdict::fail) + (strict ? count(Verdict::non_strict) : 0); }

int RunTally::transport_failures() const {
    int n = 0;
    for (const auto& e : entries_)
        for (const auto& f : e.result.findings)
            if (f.check == CheckId::response_in_time) {
                ++n;
                break;
            }
    return n;
}

}  // namespace kms
