// Recorded exchanges as the cases a run would have made of them (kmsconf judge): each on an
// operation the contract knows (replicate, the key read, an operation poll) becomes a case of
// suite "recorded", expecting what the contract says of its request and of what the recording
// did before it; every other exchange passes through, counted.
#pragma once

#include "harness/contract/contract.hpp"
#include "harness/recorded/har_reader.hpp"
#include "harness/run/case_runner.hpp"

#include <string>
#include <vector>

namespace kms {

enum class RecordedOperation { replicate, key_read, operation_poll };

struct RecordedCase {
    Case c;
    Send send;
    RecordedOperation operation = RecordedOperation::replicate;
    std::string base_path;  // the URL path before the operation's: "/v2"
    std::string url;        // as recorded
};

struct RecordedFile {
    std::string label;  // as the user named it
    std::vector<RecordedExchange> exchanges;
};

struct RecordedPlan {
    std::vector<RecordedCase> cases;
    std::size_t passed_through = 0;  // exchanges on no operation the contract knows
};

// In recording order across the files. A replicate whose body the request schema accepts (and
// whose id is a uuid) expects 200 or a 400 problem (the account's state, which the recording does
// not hold, decides which), and a Conflict once the recording has seen that key and zone answered
// 2xx; one the schema refuses expects a 4xx. Any replicate may be answered 401 or 403: whether
// its signature holds needs the secret. A key read or a poll expects a status its operation
// declares.
RecordedPlan plan_recorded(const std::vector<RecordedFile>& files, const Contract& replicate, const ReadContracts& reads);

}  // namespace kms
