// Runs one case against the target: builds each request, sends it, applies every check to each
// response and the expectation to the last, and grades the outcome. No GoogleTest here, so
// the same runner serves the CLI, --dry-run and the harness's own tests.
#pragma once

#include "harness/checks/checks.hpp"
#include "harness/contract/contract.hpp"
#include "harness/transport/http_client.hpp"
#include "harness/cases/request_builder.hpp"
#include "harness/cases/suite.hpp"

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
    // The case's wall time: pacing, Retry-After waits, the polls' intervals and the watch for
    // stray bytes after each response (stray_bytes_grace, 20 ms) included.
    std::chrono::nanoseconds elapsed{0};
    std::string contract_revision;  // the revision in force when it was graded ("": not graded)

    // The time the server took: each exchange's from its request written to its response
    // complete, summed. What the reports rank and plot cases by: against a server answering in
    // 0.2 ms, elapsed shows every case at ~21 ms.
    std::chrono::nanoseconds response_time() const {
        std::chrono::nanoseconds sum{0};
        for (const auto& x : exchanges) sum += x.elapsed;
        return sum;
    }
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
    // A 503 with Retry-After is waited out the same way (docs/contract.md §9).
    int retries_on_429 = 3;
    std::chrono::seconds max_retry_after{60};
    // --max-response-time-ms: a response slower than this is a MUST finding max_response_time.
    // 0: no budget (the contract says nothing about latency).
    std::chrono::milliseconds max_response_time{0};
};

// Every finding on one exchange of case `c`, before capping: the response checks, the latency
// budget (0: none), and the expectation when it is the case's `last` send. A 429 still there
// after `resent_429` resends is judged as that alone (rate_limited, MUST): nothing was tested.
std::vector<Finding> judge_exchange(const Contract& contract, const Case& c, const HttpRequest& request,
                                    const Exchange& exchange, const std::string& base_path,
                                    std::chrono::milliseconds max_response_time, bool last, int resent_429 = 0);

// What the wire showed while a request waited to be resent: a refusal (429, or 503 with
// Retry-After) waited out, or bytes that arrived with no request outstanding.
struct WireEvent {
    enum class Kind { refused_then_resent, stray_bytes };
    Kind kind = Kind::stray_bytes;
    CheckId refusal = CheckId::rate_limited;  // refused_then_resent: rate_limited or service_unavailable
    std::string text;  // "429 Too Many Requests: resent after 2 s", or the client's account of the bytes
};

// One request of a case as sent, before any judging: the request and its exchange (the answer
// to the last resend), how often it was resent, and what the wire showed meanwhile.
struct Send {
    HttpRequest request;
    Exchange exchange;
    int resent = 0;
    std::vector<WireEvent> while_waiting;  // in order
    std::string stray_in_pause;            // bytes during the rate cap's pause after the exchange; "" none
};

class ContractInForce;

// What judging a case needs besides its sends: the contract (or the contract in force, which the
// responses may decide, drift reported) and the run's settings that checks read.
struct JudgeContext {
    const Contract& contract;
    ContractInForce* in_force = nullptr;  // when set, it judges, not `contract`
    std::string base_path;
    std::chrono::milliseconds max_response_time{0};
};

// Judges a case from what sending it produced, in send order: what the wire showed, each
// exchange (the expectation on the case's last send), then caps the findings to the case's
// level and grades them. Sends nothing: a recorded case is judged exactly as a live one.
CaseResult judge_sends(const Case& c, std::vector<Send> sends, const JudgeContext& context);

// Sees every case just before it is sent and its graded result just after: what a run that
// knows the key's state (harness/run/stateful_run.hpp) needs to aim cases and follow their
// effects. The case and variables are the runner's copies, free to adjust.
class CaseObserver {
public:
    virtual ~CaseObserver() = default;
    virtual void before_case(Case& c, Variables& vars) = 0;
    virtual void after_case(const Case& c, const CaseResult& result) = 0;
};

class CaseRunner {
public:
    CaseRunner(const Contract& contract, HttpClient& client, BaseUrl base, RunSettings settings);

    CaseResult run(const Case& c);
    const BaseUrl& base() const { return base_; }
    const RunSettings& settings() const { return settings_; }
    void set_observer(CaseObserver* observer) { observer_ = observer; }
    // Then every response is judged under the revision in force, which it may decide, and
    // drift is reported (contract_in_force.hpp); without it, by the constructor's contract.
    void set_contract_in_force(ContractInForce* in_force) { in_force_ = in_force; }

private:
    void pace();
    CaseResult run_prepared(const Case& c, const Variables& vars);

    const Contract& contract_;
    HttpClient& client_;
    BaseUrl base_;
    RunSettings settings_;
    std::chrono::steady_clock::time_point next_send_{};
    int consecutive_transport_failures_ = 0;
    CaseObserver* observer_ = nullptr;
    ContractInForce* in_force_ = nullptr;
};

// The grade of a set of findings: any MUST finding fails; SHOULD findings are non-strict;
// informational ones never fail.
Verdict grade(const std::vector<Finding>& findings);

// The highest level a finding of `check` may have on case `c` (docs/verdicts.md, "How findings
// are graded"): the case's level, and informational for the body's shape in a case of scope
// http. The rule is the check's row in the catalogue (LevelRule): uncapped checks say the
// exchange itself failed, whatever was asked.
Level level_ceiling(const Case& c, CheckId check);

// Adds findings made apart from the case's exchanges (a recording's state checks, a recorded
// client's request) to `result`, capped to the case's level like the rest, and grades it again.
void add_findings(const Case& c, CaseResult& result, std::vector<Finding> findings);

// Lowers every finding above its ceiling to it; never raises one. The one place where case
// levels apply to findings: the checks report the level the contract gives a breach.
void cap_to_case_level(const Case& c, std::vector<Finding>& findings);


}  // namespace kms
