// Follows the operations replicate's 200s return (docs/contract.md §8): each is polled at
// GET /v2/operation/{id} until it reaches a terminal state or its deadline, with the clients'
// back-off, and every poll is judged like any response plus the operation checks
// (state_checks.hpp). All operations are followed together, so a run waits for the slowest,
// not for the sum of them.
#pragma once

#include "harness/contract/contract.hpp"
#include "harness/run/case_runner.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace kms {

// The interval before the next poll, `elapsed` after the operation was returned: 3 s for the
// first 30 s, rising linearly to 60 s at 900 s, 60 s after (egoscale pollInterval,
// python-exoscale _poll_interval), every figure times `scale` (short against the embedded
// server, whose operations settle in milliseconds).
std::chrono::milliseconds poll_interval(std::chrono::milliseconds elapsed, double scale);

struct PollSettings {
    double scale = 1.0;                          // of poll_interval
    std::chrono::milliseconds timeout{60000};    // --operation-timeout-ms, from the 200 on
    int max_consecutive_errors = 5;              // 5xx or no response in a row: clients give up
    std::chrono::seconds max_retry_after{60};    // a longer Retry-After is waited as the interval
};

struct FollowedOperation {
    std::string case_name;  // the replicate case whose 200 returned it
    std::string file;
    int line = 1;
    std::string op_id;      // as the 200 said ("" or not a uuid: cannot be polled)
    std::string key_id;     // the key in the replicate's path
    std::string zone;       // the zone its body named
    std::chrono::steady_clock::time_point returned;
};

struct FollowResult {
    Case c;             // suite "operations", id: the replicate case's
    CaseResult result;  // the polls, graded
    std::string end_state;  // "success", "failure", "timeout", or "" when it did not end
};

class OperationFollower {
public:
    OperationFollower(const Contract& get_operation, HttpClient& client, BaseUrl base, Signer signer,
                      PollSettings settings);
    std::vector<FollowResult> follow(const std::vector<FollowedOperation>& ops);

private:
    struct Tracked;
    void poll(Tracked& t);

    const Contract& contract_;
    HttpClient& client_;
    BaseUrl base_;
    Signer signer_;
    PollSettings settings_;
};

}  // namespace kms
