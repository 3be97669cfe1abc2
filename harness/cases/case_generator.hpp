// Negative (and a few positive) request variants derived from the contract's request-body
// schema by mutation, as Schemathesis derives them from OpenAPI: drop a required member, give
// a member every other JSON type, replace the root with a non-object, add unknown members.
// Values come from a seeded generator, so a seed gives the same cases, ids and bytes each run.
#pragma once

#include "harness/cases/suite.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kms {

struct GeneratorOptions {
    std::uint64_t seed = 1;
    std::size_t count = 24;        // cases generated (mutations are cycled, values vary)
    std::string valid_zone = "de-fra-1";  // the value kept for members not being mutated
};

// The suite "generated": ids "<mutation>-<8 hex>" (hex from seed and index), stable per seed.
Suite generate_cases(const rapidjson::Value& request_schema, const GeneratorOptions& options);

}  // namespace kms
