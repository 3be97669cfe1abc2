// What `kmsconf proxy` makes of each exchange that passed: on an operation the contract knows
// (replicate, the key read, an operation poll), a case of suite "recorded" judged exactly as
// `kmsconf judge` judges a recorded one (recorded_cases.hpp: same expectations, same state
// checks across the traffic so far), and for a replicate a case of suite "client" about its
// request; every other exchange passes through, counted. One thread calls it, in the order the
// exchanges completed.
#pragma once

#include "harness/proxy/proxied_exchange.hpp"
#include "harness/recorded/recorded_cases.hpp"
#include "harness/run/case_loop.hpp"
#include "harness/run/contract_in_force.hpp"
#include "harness/run/run_tally.hpp"
#include "harness/transport/base_url.hpp"

#include <chrono>
#include <cstdint>
#include <vector>

namespace kms::proxy {

class ExchangeJudge {
public:
    ExchangeJudge(ContractInForce& in_force, ClientJudging client, BaseUrl upstream);

    // Judges the exchange; each case made of it is passed to `listener` as it is finished.
    void judge(ProxiedExchange&& x, CaseListener& listener);
    // The traffic has ended: the operations it polled without seeing them settle
    // (RecordedPlanner::unsettled) are judged.
    void finish(std::chrono::milliseconds settle_bound, CaseListener& listener);

    const RunTally& tally() const { return tally_; }
    const std::vector<Case>& cases() const { return cases_; }
    std::uint64_t passed_through() const { return passed_through_; }
    std::uint64_t not_origin_form() const { return not_origin_form_; }  // of them, absolute-form (forward-proxy use)

private:
    ContractInForce& in_force_;
    BaseUrl upstream_;
    RecordedPlanner planner_;
    RunTally tally_;
    std::vector<Case> cases_;
    std::uint64_t passed_through_ = 0;
    std::uint64_t not_origin_form_ = 0;
};

}  // namespace kms::proxy
