// The requests `kmsconf bench` measures, one benchmark each, built from the contract's method
// and path (the same contract.json `kmsconf run` judges against), not from a path of their own.
#pragma once

#include "harness/bench/wire_request.hpp"
#include "harness/contract/contract.hpp"

#include <string>
#include <vector>

namespace kms::bench {

struct BenchCase {
    std::string id;
    RequestSpec request;  // target relative to the base URL's path: "/kms-key/<id>/replicate"
    std::vector<int> expected_statuses;
    bool mutates;  // has side effects on a real account: only with --allow-mutations
    // Each request replicates a (key, zone) pair never replicated before (first_replicates.hpp):
    // `request.target` holds "{id}" for the key and the body is made per request.
    bool first_replicates = false;
};

// {"zone":"<zone>"}, the zone written as a JSON string: the body of a valid replicate.
std::string replicate_body(const std::string& zone);

// Every benchmark, for `key` (a uuid, so it goes into the path as it is) and `zone`;
// replicate_accepted names neither: its keys and zones are the run's pairs.
std::vector<BenchCase> bench_cases(const Contract& contract, const std::string& key, const std::string& zone);

}  // namespace kms::bench
