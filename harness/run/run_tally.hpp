// The graded results of a run, collected as cases finish: counts for the console line and the
// exit code; every report is written from it (harness/report/).
#pragma once

#include "harness/transport/base_url.hpp"
#include "harness/run/case_runner.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kms {

struct RunInfo {
    BaseUrl base;  // where requests went; its reproducers
    std::string contract_revision;
    bool strict = false;
    // The target as the user knows it: the --base-url, or "embedded reference server (URL)"
    // (its ephemeral URL would read as if a server had been named). Empty: base.to_string().
    // Defaulted, so that RunInfo{base, revision, strict} still compiles under -Werror.
    std::string target = {};
    // What the run could not test (no replicate 200, no key read): the console's warnings,
    // summary.json's top-level `warnings`, report.html's and junit.xml's properties.
    std::vector<std::string> warnings = {};
    // For the reports' run properties: the generated cases' seed and when the run began.
    std::uint64_t seed = 0;
    std::chrono::system_clock::time_point started = {};
    // When its last case was graded (report.html's duration); unset: not known.
    std::chrono::system_clock::time_point finished = {};
    // Why that revision: "pinned by --contract", or what --contract auto decided it by.
    std::string contract_basis = {};
    std::string target_label() const { return target.empty() ? base.to_string() : target; }
};

class RunTally {
public:
    void add(Case c, CaseResult result);  // moved in: pass an rvalue to keep bodies from being copied

    int passed(bool strict) const;  // pass + informational, and non-strict unless strict
    int failed(bool strict) const;
    int count(Verdict v) const;
    int total() const { return static_cast<int>(entries_.size()); }
    int transport_failures() const;  // cases that never got a response

    struct Entry {
        Case c;
        CaseResult result;
    };
    const std::vector<Entry>& entries() const { return entries_; }

private:
    std::vector<Entry> entries_;
};

}  // namespace kms
