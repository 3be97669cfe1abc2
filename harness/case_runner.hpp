// Runs one case against the target: builds each request, sends it, applies every check to each
// response and the expectation to the last, and grades the outcome. No GoogleTest here, so
// the same runner serves the CLI, --dry-run and the harness's own tests.
#pragma once

#include "checks.hpp"
#include "contract.hpp"
#include "http_client.hpp"
#include "request_builder.hpp"
#include "suite.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace kms {

enum class Verdict { pass, fail, non_strict, informational, skipped };
const char* to_string(Verdict v);

struct CaseResult {
    Verdict verdict = Verdict::pass;
    std::vector<Finding> findings;
    std::vector<HttpRequest> requests;
    std::vector<Exchange> exchanges;
    std::string skip_reason;
    std::chrono::nanoseconds elapsed{0};
};

struct RunSettings {
    Variables vars;
    Signer signer;
    double rate_per_second = 0;  // 0: no cap
    // After this many cases in a row got no response, the target is taken as gone: later
    // cases are not sent (each would wait out its deadline) and fail as not answered.
    int max_consecutive_transport_failures = 5;
    // A 429 means the request was not processed (RFC 6585 §4), so resending it is safe even
    // for a POST: wait as Retry-After says (1 s without one), at most this often and this long.
    int retries_on_429 = 3;
    std::chrono::seconds max_retry_after{60};
    // --max-response-time-ms: a response slower than this is a MUST finding max_response_time.
    // 0: no budget (the contract says nothing about latency).
    std::chrono::milliseconds max_response_time{0};
};

class CaseRunner {
public:
    CaseRunner(const Contract& contract, HttpClient& client, BaseUrl base, RunSettings settings);

    CaseResult run(const Case& c);
    const BaseUrl& base() const { return base_; }
    const RunSettings& settings() const { return settings_; }

private:
    void pace();

    const Contract& contract_;
    HttpClient& client_;
    BaseUrl base_;
    RunSettings settings_;
    std::chrono::steady_clock::time_point next_send_{};
    int consecutive_transport_failures_ = 0;
};

// The grade of a set of findings: any MUST finding fails; SHOULD findings are non-strict;
// informational ones never fail.
Verdict grade(const std::vector<Finding>& findings);

// The multi-line text printed (and put in the JUnit failure) for a case that did not pass:
// requirement, each finding, and a curl reproducer.
std::string describe_result(const Case& c, const CaseResult& result, const BaseUrl& base);

}  // namespace kms
