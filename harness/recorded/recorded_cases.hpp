// Recorded exchanges as the cases a run would have made of them (kmsconf judge): each on an
// operation the contract knows (replicate, the key read, an operation poll) becomes a case of
// suite "recorded", expecting what the contract says of its request and of what the recording
// did before it; every other exchange passes through, counted.
#pragma once

#include "harness/contract/contract.hpp"
#include "harness/recorded/har_reader.hpp"
#include "harness/run/contract_in_force.hpp"
#include "harness/run/case_runner.hpp"
#include "common/exo2_signature.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kms {

// replicate_other_method: another method on replicate's path (a 405 must name what is allowed).
enum class RecordedOperation { replicate, key_read, operation_poll, replicate_other_method };

struct RecordedCase {
    Case c;
    Send send;
    RecordedOperation operation = RecordedOperation::replicate;
    std::string base_path;  // the URL path before the operation's: "/v2"
    std::string url;        // as recorded
    // The checks on replicate's effects, across the recording: a poll of an operation a recorded
    // replicate returned (its id, reference and state), a key read after such an operation
    // ended in success (the zone listed). At their levels; the caller caps them with the rest.
    std::vector<Finding> state_findings;
};

struct RecordedFile {
    std::string label;  // as the user named it
    std::vector<RecordedExchange> exchanges;
};

// A recorded replicate judged as the client's request (suite "client"): its findings are
// client_request_valid and client_signed, at MUST; the caller caps them to the case's level.
struct ClientCase {
    Case c;
    HttpRequest request;  // alone: its exchange is the recorded case's, judged (and reported) once
    std::vector<Finding> findings;
};

// An operation the recording created and polled without seeing it settle: judged once the
// recording has ended (suite "recorded", id operation-<id>), with no exchange of its own.
struct SettleCase {
    Case c;
    std::vector<Finding> findings;  // operation_settles: MUST when polled past the bound
};

struct RecordedPlan {
    std::vector<RecordedCase> cases;
    std::vector<ClientCase> client;  // one per recorded replicate, in the same order
    std::size_t passed_through = 0;  // exchanges on no operation the contract knows
    std::vector<SettleCase> unsettled;  // after the files, as RecordedPlanner::unsettled
};

struct ClientJudging {
    Level level = Level::informational;       // MUST under --judge-client
    std::optional<Exo2Credentials> credentials;  // to verify signatures with; none: only their form
};

// The contract an operation's exchanges are judged by: the replicate's, or the revision's read
// operation (nullptr when the revision declares none: its exchanges pass through).
const Contract* contract_of(RecordedOperation operation, const Contract& replicate, const ReadContracts& reads);

// Plans recorded exchanges one at a time, in recording order, holding what the recording showed
// before each (kmsconf judge over its files, kmsconf proxy as traffic passes). A replicate whose
// body the request schema accepts (and whose id is a uuid) expects 200 or a 400 problem (the
// account's state, which the recording does not hold, decides which), and a Conflict once the
// recording has seen that key and zone answered 2xx; one the schema refuses expects a 4xx. Any
// replicate may be answered 401 or 403: whether its signature holds needs the secret. A key read
// or a poll expects a status its operation declares. Polls and key reads are also held against
// what the recording did before them (RecordedCase::state_findings).
class RecordedPlanner {
public:
    RecordedPlanner(const Contract& replicate, const ReadContracts& reads, ClientJudging client = {});
    ~RecordedPlanner();
    RecordedPlanner(const RecordedPlanner&) = delete;
    RecordedPlanner& operator=(const RecordedPlanner&) = delete;

    struct Planned {
        RecordedCase recorded;
        std::optional<ClientCase> client;  // a replicate's: what its request says of the client
    };
    // The exchange made a case named `case_id`, found in `source` ("x.har", "the proxy"); nullopt
    // when it is on no operation the contract knows (it passes through). The exchange is
    // consumed: its body moves into the case rather than being copied.
    std::optional<Planned> plan(RecordedExchange&& x, const std::string& source, const std::string& case_id);

    // Once the recording has ended: each operation a recorded replicate created and the client
    // polled, whose last poll was not terminal. Still pending `bound` or more after the replicate
    // (by the recording's times) is a MUST finding: the server let a client's wait run out.
    // Polled for less, it is informational: the client stopped looking, and nothing is known.
    std::vector<SettleCase> unsettled(std::chrono::milliseconds bound) const;

private:
    struct State;
    const Contract& replicate_;
    const ReadContracts& reads_;
    ClientJudging client_;
    std::unique_ptr<State> state_;
};

// A recorded case judged as a run judges what it sent (judge_sends), its state findings added;
// `in_force` decides a replicate's contract (--contract auto) and gives the reads'. The recorded
// bytes move on into the result, uncopied.
CaseResult judge_recorded(RecordedCase& rc, ContractInForce& in_force);

// An unsettled operation's case graded (its findings alone).
CaseResult judge_settle(const SettleCase& sc);

// The client's case graded: its request alone (its exchange is the recorded case's, kept once in
// the reports: exchanges.har judged again must not hold each request twice).
CaseResult judge_client(const ClientCase& cc);

// Every exchange of the files through one RecordedPlanner, in order across the files.
RecordedPlan plan_recorded(std::vector<RecordedFile> files, const Contract& replicate, const ReadContracts& reads,
                           const ClientJudging& client = {}, std::chrono::milliseconds settle_bound = std::chrono::milliseconds(60000));

}  // namespace kms
