// --filter: comma-separated glob patterns ('*', '?') matched against "suite.id" and "id";
// a pattern starting with '-' excludes. No positive pattern means "every case".
#pragma once

#include "harness/cases/suite.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kms {

bool glob_match(std::string_view pattern, std::string_view text);
std::vector<Case> select_cases(const std::vector<Suite>& suites, const std::string& filter);

}  // namespace kms
