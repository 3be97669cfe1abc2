#include "harness/report/case_description.hpp"

#include "harness/cases/curl_command.hpp"
#include "common/text.hpp"

namespace kms {

std::string expectation_text(const Expectation& e) {
    std::string out = std::string("outcome ") + to_string(e.outcome);
    for (std::size_t i = 0; i < e.statuses.size(); ++i)
        out += (i == 0 ? ", status " : " or ") + std::to_string(e.statuses[i]);
    return out;
}

std::string describe_result(const Case& c, const CaseResult& result, const BaseUrl& base) {
    std::string out = c.full_name() + " [" + to_string(c.level) + "] " + to_string(result.verdict) + "\n";
    out += "  requirement: " + c.requirement + "\n";
    out += "  expected: " + expectation_text(c.expect) + "\n";
    if (!result.contract_revision.empty()) out += "  judged under contract " + result.contract_revision + "\n";
    for (const auto& f : result.findings)
        out += "  " + std::string(to_string(f.level)) + " " + name_of(f.check) + ": " + f.message + "\n";
    if (!result.exchanges.empty() && result.exchanges.back().response) {
        const HttpResponse& r = *result.exchanges.back().response;
        out += "  actual: HTTP " + std::to_string(r.status) + ", Content-Type: " +
               r.header("Content-Type").value_or("(none)") + ", " + std::to_string(r.body.size()) +
               " bytes: " + printable(r.body, 300) + "\n";
    }
    if (!result.requests.empty())
        out += "  reproduce:\n    " + curl_command(base, result.requests.back()) + "\n";
    return out;
}

}  // namespace kms
