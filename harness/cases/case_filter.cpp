#include "harness/cases/case_filter.hpp"

namespace kms {

bool glob_match(std::string_view p, std::string_view t) {
    // Iterative matcher with one backtrack point: linear enough for ids and no recursion.
    std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
    while (ti < t.size()) {
        if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
            ++pi, ++ti;
        } else if (pi < p.size() && p[pi] == '*') {
            star = pi++, mark = ti;
        } else if (star != std::string_view::npos) {
            pi = star + 1, ti = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

std::vector<Case> select_cases(const std::vector<Suite>& suites, const std::string& filter) {
    std::vector<std::string> include, exclude;
    std::string_view rest = filter;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (item.empty()) continue;
        if (item.front() == '-') exclude.emplace_back(item.substr(1));
        else include.emplace_back(item);
    }
    auto matches = [](const std::vector<std::string>& patterns, const Case& c) {
        for (const auto& p : patterns)
            if (glob_match(p, c.id) || glob_match(p, c.full_name())) return true;
        return false;
    };
    std::vector<Case> out;
    for (const auto& s : suites)
        for (const auto& c : s.cases)
            if ((include.empty() || matches(include, c)) && !matches(exclude, c)) out.push_back(c);
    return out;
}

}  // namespace kms
