#include "harness/report/console_summary.hpp"
#include "harness/run/run_suites.hpp"

#include "harness/report/rerun_command.hpp"

#include <algorithm>
#include <cstdio>

namespace kms {

namespace {

bool answered(const RunTally::Entry& e) {
    return std::any_of(e.result.exchanges.begin(), e.result.exchanges.end(), [](const Exchange& x) { return x.response.has_value(); });
}

std::string padded(std::string s, std::size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s;
}

std::string milliseconds(std::chrono::nanoseconds d) {
    char buf[32];
    // A local server answers in a fraction of a millisecond: those keep two decimals.
    const double ms = std::chrono::duration<double, std::milli>(d).count();
    std::snprintf(buf, sizeof buf, ms < 10 ? "%7.2f ms" : "%7.0f ms", ms);
    return buf;
}

bool failed_case(const RunTally::Entry& e, bool strict) {
    return e.result.verdict == Verdict::fail || (strict && e.result.verdict == Verdict::non_strict);
}

std::string verdict_line(const RunTally& tally, const ConsoleStyle& style) {
    std::string out = "  cases    " + std::to_string(tally.total()) + ":";
    const struct {
        Verdict v;
        Colour c;
    } parts[] = {{Verdict::pass, Colour::green}, {Verdict::fail, Colour::red}, {Verdict::non_strict, Colour::yellow},
                 {Verdict::informational, Colour::blue}, {Verdict::skipped, Colour::grey}};
    const char* sep = " ";
    for (const auto& p : parts) {
        const int n = tally.count(p.v);
        out += sep + style.paint(std::to_string(n) + " " + to_string(p.v), n > 0 ? p.c : Colour::none);
        sep = ", ";
    }
    return out + "\n";
}

std::string check_lines(const RunTally& tally, const SummaryOptions& options, const ConsoleStyle& style) {
    std::vector<std::pair<const CheckInfo*, CheckCount>> judged;
    std::size_t width = 0;
    for (const auto& info : check_catalogue()) {
        const CheckCount n = count_check(tally, info.id, options);
        if (n.judged() == 0) continue;
        judged.emplace_back(&info, n);
        width = std::max(width, std::string_view(info.name).size());
    }
    std::string rows;
    int held = 0, broken = 0;
    for (const auto& [info, n] : judged) {
        const bool ok = n.failed == 0 && n.non_strict == 0;
        (ok ? held : broken) += 1;
        std::string row = "    " + (ok ? style.paint("\u2713", Colour::green) : style.paint("\u2717", Colour::red)) + " " +
                          padded(info->name, width) + " " + std::to_string(n.passed) + "/" + std::to_string(n.judged()) + " passed";
        if (n.failed > 0) row += ", " + style.paint(std::to_string(n.failed) + " failed", Colour::red);
        if (n.non_strict > 0) row += ", " + style.paint(std::to_string(n.non_strict) + " non-strict", Colour::yellow);
        rows += row + "\n";
    }
    return "  checks   " + std::to_string(held) + " held in every case they judged, " + std::to_string(broken) +
           " did not\n" + rows;
}

std::string slowest_lines(const RunTally& tally, std::size_t how_many) {
    std::vector<const RunTally::Entry*> ran;
    for (const auto& e : tally.entries())
        if (e.result.verdict != Verdict::skipped && !e.result.exchanges.empty()) ran.push_back(&e);
    std::stable_sort(ran.begin(), ran.end(), [](auto* a, auto* b) { return a->result.response_time() > b->result.response_time(); });
    if (ran.size() > how_many) ran.resize(how_many);
    std::string out = ran.empty() ? "" : "  slowest\n";
    for (const auto* e : ran) out += "  " + milliseconds(e->result.response_time()) + "  " + e->c.full_name() + "\n";
    return out;
}

std::string failed_lines(const RunTally& tally, const SummaryOptions& options, const ConsoleStyle& style) {
    std::vector<std::pair<std::string, std::string>> failed;  // name, rerun command
    for (const auto& e : tally.entries()) {
        if (!failed_case(e, options.strict)) continue;
        std::string command = rerun_command(e.c, options.rerun_flags);
        for (std::size_t at = command.find('\n'); at != std::string::npos; at = command.find('\n', at + 9))
            command.replace(at, 1, "\n        ");
        failed.emplace_back(e.c.full_name(), std::move(command));
    }
    if (failed.empty()) return "";
    const std::string count = "  failed   " + std::to_string(failed.size()) + (failed.size() == 1 ? " case" : " cases");
    const auto mark = [&](const std::string& name) { return "    " + style.paint("\u2717 " + name, Colour::red) + "\n"; };
    std::string rows;
    // Recorded traffic (judge, proxy) is judged again whole: one command for every case, said once.
    const bool one_command = std::all_of(failed.begin(), failed.end(), [&](const auto& f) { return f.second == failed.front().second; });
    if (one_command && failed.size() > 1) {
        for (const auto& f : failed) rows += mark(f.first);
        return count + "; all are judged again with:\n        " + failed.front().second + "\n" + rows;
    }
    for (const auto& f : failed) rows += mark(f.first) + "        " + f.second + "\n";
    return count + "; each reruns alone with:\n" + rows;
}

}  // namespace

bool check_judged(CheckId check, const RunTally::Entry& e, bool latency_budget) {
    if (e.result.verdict == Verdict::skipped) return false;
    for (const auto& f : e.result.findings)
        if (f.check == check) return true;
    // A recorded client's case (kmsconf judge) holds its request and no exchange: the recorded
    // case of the same request holds that. Unanswered, only the client checks judge it.
    const bool client = e.c.suite == kClientSuite;
    // What the check's row says it judges; -Wswitch (an error here) wants every Judges handled.
    switch (check_info(check).judges) {
        case Judges::every_case: return !client;
        case Judges::every_answer: return answered(e);
        case Judges::answers_under_budget: return latency_budget && answered(e);
        case Judges::cases_expecting_it: return e.c.expect.check == check && answered(e);
        case Judges::run_state:
            // The stateful run makes its own cases in these two suites (stateful_run.hpp).
            return (e.c.suite == kKeyStateSuite || e.c.suite == kOperationsSuite) && answered(e);
        case Judges::recorded_requests: return client;
    }
    return false;
}

CheckCount count_check(const RunTally& tally, CheckId check, const SummaryOptions& options) {
    CheckCount n;
    for (const auto& e : tally.entries()) {
        if (!check_judged(check, e, options.latency_budget)) continue;
        bool must = false, should = false;
        for (const auto& f : e.result.findings) {
            if (f.check != check) continue;
            must = must || f.level == Level::must;
            should = should || f.level == Level::should;
        }
        if (must || (should && options.strict)) ++n.failed;
        else if (should) ++n.non_strict;
        else ++n.passed;
    }
    return n;
}

std::string console_summary(const RunTally& tally, const SummaryOptions& options, const ConsoleStyle& style) {
    return "\n" + style.paint("summary", Colour::bold) + "\n" + verdict_line(tally, style) + check_lines(tally, options, style) +
           slowest_lines(tally, options.slowest) + failed_lines(tally, options, style);
}

}  // namespace kms
