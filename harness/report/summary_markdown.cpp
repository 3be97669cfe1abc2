#include "harness/report/summary_markdown.hpp"
#include "common/utc_time.hpp"

#include "harness/report/junit_document.hpp"
#include "harness/report/rerun_command.hpp"
#include "harness/report/tool_version.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace kms {

namespace {

constexpr Verdict kVerdicts[] = {Verdict::pass, Verdict::fail, Verdict::non_strict, Verdict::informational,
                                 Verdict::skipped};

bool failed(const CaseResult& r, bool strict) {
    return r.verdict == Verdict::fail || (strict && r.verdict == Verdict::non_strict);
}

void header(std::ostream& out, const RunTally& tally, const RunInfo& info) {
    out << "## kmsconf: " << tally.failed(info.strict) << " failed, " << tally.passed(info.strict) << " passed, "
        << tally.count(Verdict::skipped) << " skipped\n\n"
        << "Target " << markdown_escape(info.target_label()) << ", contract revision "
        << markdown_escape(info.contract_revision) << (info.strict ? ", --strict" : "") << "; "
        << markdown_escape(tool_version()) << ", started " << markdown_escape(utc_date_time(info.started)) << "\n\n"
        << "| verdict | cases |\n| --- | ---: |\n";
    for (Verdict v : kVerdicts) out << "| " << markdown_escape(to_string(v)) << " | " << tally.count(v) << " |\n";
    out << "\n";
}

// For each check that reported something: how many cases got a finding of it at each level.
void by_check(std::ostream& out, const RunTally& tally) {
    std::map<std::string, std::array<int, 3>> counts;
    for (const auto& e : tally.entries()) {
        std::map<std::string, std::array<bool, 3>> seen;
        for (const auto& f : e.result.findings) seen[name_of(f.check)][static_cast<std::size_t>(f.level)] = true;
        for (const auto& [check, levels] : seen)
            for (std::size_t i = 0; i < 3; ++i) counts[check][i] += levels[i];
    }
    out << "### Findings by check\n\n";
    if (counts.empty()) {
        out << "No check reported a finding.\n\n";
        return;
    }
    out << "| check | MUST | SHOULD | informational |\n| --- | ---: | ---: | ---: |\n";
    for (const auto& [check, n] : counts)
        out << "| " << markdown_escape(check) << " | " << n[0] << " | " << n[1] << " | " << n[2] << " |\n";
    out << "\n(cases with at least one such finding)\n\n";
}

std::string first_failing_finding(const CaseResult& r) {
    const Level failing = r.verdict == Verdict::fail ? Level::must : Level::should;
    for (const auto& f : r.findings)
        if (f.level == failing) return std::string(name_of(f.check)) + "\t" + one_line(f.message, 200);
    return "\t";
}

void failures(std::ostream& out, const RunTally& tally, const RunInfo& info, const SummaryMarkdownOptions& o) {
    std::vector<const RunTally::Entry*> failing;
    for (const auto& e : tally.entries())
        if (failed(e.result, info.strict)) failing.push_back(&e);
    if (failing.empty()) return;
    out << "### Failed cases (" << failing.size() << ")\n\n| case | check | finding |\n| --- | --- | --- |\n";
    std::string reruns;
    for (std::size_t i = 0; i < failing.size() && i < o.max_failed; ++i) {
        const auto& e = *failing[i];
        const std::string f = first_failing_finding(e.result);
        const auto tab = f.find('\t');
        out << "| " << markdown_escape(e.c.full_name()) << " | " << markdown_escape(f.substr(0, tab)) << " | "
            << markdown_escape(f.substr(tab + 1)) << " |\n";
        reruns += rerun_command(e.c, o.rerun_flags) + "\n";
    }
    if (failing.size() > o.max_failed)
        out << "\n" << failing.size() - o.max_failed << " more in junit.xml and summary.json.\n";
    out << "\nTo rerun one:\n\n" << markdown_code_block(reruns) << "\n";
}

void slowest(std::ostream& out, const RunTally& tally, std::size_t n) {
    std::vector<const RunTally::Entry*> ran;
    for (const auto& e : tally.entries())
        if (e.result.verdict != Verdict::skipped) ran.push_back(&e);
    if (ran.empty() || n == 0) return;
    std::stable_sort(ran.begin(), ran.end(), [](const auto* a, const auto* b) { return a->result.response_time() > b->result.response_time(); });
    out << "### Slowest cases\n\n| case | verdict | ms |\n| --- | --- | ---: |\n";
    for (std::size_t i = 0; i < ran.size() && i < n; ++i) {
        char ms[32];
        std::snprintf(ms, sizeof ms, "%.1f", std::chrono::duration<double, std::milli>(ran[i]->result.response_time()).count());
        out << "| " << markdown_escape(ran[i]->c.full_name()) << " | " << markdown_escape(to_string(ran[i]->result.verdict))
            << " | " << ms << " |\n";
    }
    out << "\n";
}

}  // namespace

std::string markdown_escape(std::string_view text) {
    const std::string safe = xml_safe_text(std::string(text));  // valid UTF-8, no control characters
    std::string out;
    out.reserve(safe.size() + safe.size() / 4);
    // What opens emphasis, code, links, images, HTML, entities, cells, strikethrough, math
    // (GitHub's $), headings and autolinks (`:` of a scheme, `@` of an address, `.` of www.).
    // Other punctuation is special only at the start of a line, where escaped text never is.
    static const std::string kSpecial = "\\`*_[]<>()!|~&#:@$";
    char previous = ' ';
    for (char c : safe) {
        if (c == '\n' || c == '\r' || c == '\t') out += ' ';
        else if (kSpecial.find(c) != std::string::npos || (c == '.' && (previous == 'w' || previous == 'W')))
            (out += '\\') += c;
        else out += c;
        previous = c;
    }
    return out;
}

std::string markdown_code_block(const std::string& code, const char* info_string) {
    std::size_t longest = 0, run = 0;
    for (char c : code) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
    std::string body = code;
    if (!body.empty() && body.back() != '\n') body += '\n';
    return fence + info_string + "\n" + body + fence + "\n";
}

std::string summary_markdown(const RunTally& tally, const RunInfo& info, const SummaryMarkdownOptions& options) {
    std::ostringstream out;
    header(out, tally, info);
    failures(out, tally, info, options);
    by_check(out, tally);
    slowest(out, tally, options.slowest);
    return out.str();
}

void write_summary_markdown(const std::filesystem::path& file, const RunTally& tally, const RunInfo& info,
                            const SummaryMarkdownOptions& options) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << summary_markdown(tally, info, options);
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace kms
