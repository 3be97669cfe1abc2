// A run that treats replicate as what it is, stateful and asynchronous (issue 9): before the
// first case it reads the key's state (suite key-state), aims the cases by it (zone_plan.hpp),
// watches the zone the rejected cases named, and at the end follows every operation a 200
// returned (suite operations) and checks the key read lists its zone. Its cases go into the
// run's tally beside the suite cases, so every report carries them.
#pragma once

#include "harness/contract/contract.hpp"
#include "harness/run/case_loop.hpp"
#include "harness/run/case_runner.hpp"
#include "harness/run/contract_in_force.hpp"
#include "harness/run/operation_follower.hpp"
#include "harness/run/run_tally.hpp"
#include "harness/run/zone_plan.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kms {

struct StatefulOptions {
    std::vector<std::string> zones;  // --zones; empty: the 8 Exoscale zones
    PollSettings poll;
    // Sees each of the run's own cases once graded, as the loop's cases are seen (the console).
    CaseListener* listener = nullptr;
};

class StatefulRun : public CaseObserver {
public:
    // `reads`: the revision's read operations; without get-kms-key no key state is read,
    // without get-operation no operation is followed.
    StatefulRun(const Contract& replicate, ReadContracts reads, HttpClient& client, BaseUrl base, Signer signer,
                Variables vars, RunTally& tally, StatefulOptions options);

    void before_case(Case& c, Variables& vars) override;
    void after_case(const Case& c, const CaseResult& result) override;

    // After the last case: the pending side-effect check, the operations followed, the key
    // read after them, and the run's warnings.
    void finish();
    // Then the contracts are those in force (contract_in_force.hpp), the key reads are judged
    // under it and may decide it, and a 200 that fits only the other revision is not followed.
    void set_contract_in_force(ContractInForce* in_force) { in_force_ = in_force; }
    // What the run could not test, for the console and every report.
    const std::vector<std::string>& warnings() const { return warnings_; }

private:
    const Contract& replicate() const;
    const std::optional<Contract>& key_read() const;
    const std::optional<Contract>& operation_read() const;
    void read_state_first();
    // The rejections aimed at one zone, judged together by one key read (check_rejections).
    struct RejectionWatch {
        const char* case_id;              // the key read's case, in suite key-state
        std::string zone;                 // "" while none is watched
        std::vector<std::string> rejected;  // the cases refused there so far
        bool checked = false;             // once a run: one case of that name
    };
    RejectionWatch* watch_for(const std::string& zone);
    void check_rejections(RejectionWatch& w);
    void record(const Case& c, const CaseResult& result);
    void warn_now(std::string warning);

    const Contract& replicate_;
    std::optional<Contract> get_kms_key_, get_operation_;
    HttpClient& client_;
    BaseUrl base_;
    Signer signer_;
    Variables vars_;
    RunTally& tally_;
    StatefulOptions options_;
    ContractInForce* in_force_ = nullptr;

    bool started_ = false;
    std::optional<ZonePlan> plan_;
    std::string aimed_zone_;               // the zone the case being run names
    // The MUST rejections' zone, and the one the rejections below MUST aim at (zone_plan.hpp).
    RejectionWatch must_watch_{"rejections-replicate-nothing", {}, {}, false};
    RejectionWatch lenient_watch_{"rejections-below-must-replicate-nothing", {}, {}, false};
    std::vector<FollowedOperation> operations_;
    int replicate_200s_ = 0;
    std::vector<std::string> warnings_;
};

}  // namespace kms
