// A case's result as text, for the console, junit.xml's failure text and report.html: the
// requirement, what was expected, each finding, what came and a curl command that reproduces it.
#pragma once

#include "harness/run/case_runner.hpp"
#include "harness/transport/base_url.hpp"

#include <string>

namespace kms {

// "outcome rejected, status 400 or 404": what a case expects, as failure texts state it.
std::string expectation_text(const Expectation& e);

// The multi-line text printed (and put in the JUnit failure) for a case that did not pass:
// requirement, what was expected, each finding, what came, and a curl reproducer.
std::string describe_result(const Case& c, const CaseResult& result, const BaseUrl& base);

}  // namespace kms
