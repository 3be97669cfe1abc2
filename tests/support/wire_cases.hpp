// Every case kmsconf runs by default (suites/ plus the 24 generated with seed 1, as the CLI
// loads them from the checkout), for the wire tests (tests/harness/transport/ and tests/cli/).
#pragma once

#include "harness/cases/case_generator.hpp"
#include "harness/contract/contract.hpp"
#include "harness/cases/suite.hpp"

#include <vector>

namespace kms::test {

inline std::vector<Case> all_default_cases() {
    const std::filesystem::path source(KMSCONF_SOURCE_DIR);
    auto contract = Contract::load(source / "schemas" / "2026-03-31");
    auto suite_schema = SchemaValidator::from_file(source / "schemas" / "suite.schema.json");
    auto suites = load_suites({source / "suites"}, *suite_schema);
    suites.push_back(generate_cases(contract.request_schema().document(), {1, 24, "de-fra-1"}));
    std::vector<Case> cases;
    for (const auto& s : suites) cases.insert(cases.end(), s.cases.begin(), s.cases.end());
    return cases;
}

}  // namespace kms::test
