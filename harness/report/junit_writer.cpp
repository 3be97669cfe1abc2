#include "harness/report/junit_writer.hpp"

#include "harness/report/case_description.hpp"
#include "common/utc_time.hpp"

#include "harness/report/tool_version.hpp"

#include <map>
#include <set>
#include <utility>

namespace kms {

namespace {

bool fails(const CaseResult& r, bool strict) {
    return r.verdict == Verdict::fail || (strict && r.verdict == Verdict::non_strict);
}

// "body_schema: /status must be one of ..." for the first finding at the level that failed
// the case, and how many more there are.
void failure_message(const CaseResult& r, bool strict, JunitCase& t) {
    const Level failing = r.verdict == Verdict::fail ? Level::must : Level::should;
    int more = -1;
    for (const auto& f : r.findings) {
        if (f.level != failing) continue;
        if (++more == 0) {
            t.type = name_of(f.check);
            t.message = (strict && failing == Level::should ? "(--strict) " : "") + t.type + ": " + one_line(f.message);
        }
    }
    if (more < 0) t.message = "failed";  // cannot happen: a failed case has a finding at its level
    else if (more > 0) t.message += " (+" + std::to_string(more) + " more)";
}

JunitCase testcase(const RunTally::Entry& e, const RunInfo& info, const std::string& classname) {
    JunitCase t;
    t.name = e.c.id;
    t.classname = classname;
    t.seconds = std::chrono::duration<double>(e.result.elapsed).count();
    const std::string text = describe_result(e.c, e.result, info.base);
    if (e.result.verdict == Verdict::skipped) {
        t.outcome = JunitCase::Outcome::skipped;
        t.message = e.result.skip_reason;
    } else if (fails(e.result, info.strict)) {
        t.outcome = JunitCase::Outcome::failed;
        failure_message(e.result, info.strict, t);
        t.text = text;
    } else if (!e.result.findings.empty()) {
        // Not failed, but worth reading: a CI page shows a test's output.
        t.system_out = "[" + std::string(to_string(e.result.verdict)) + "] " + text;
    }
    return t;
}

JunitCase unfinished(const Case& c, const std::string& classname) {
    JunitCase t;
    t.name = c.id;
    t.classname = classname;
    t.outcome = JunitCase::Outcome::error;
    t.type = "internal";
    t.message = "the case stopped before its result was recorded (see the console)";
    t.text = c.full_name() + "\n  requirement: " + c.requirement + "\n";
    return t;
}

std::vector<std::pair<std::string, std::string>> properties(const RunInfo& info) {
    std::vector<std::pair<std::string, std::string>> out = {
        {"target", info.target_label()},
        {"base_url", info.base.to_string()},
        {"contract", info.contract_revision},
        {"seed", std::to_string(info.seed)},
        {"strict", info.strict ? "true" : "false"},
        {"tool", tool_version()},
        {"start_time", utc_date_time(info.started)},
    };
    // Which revision judged the run and why (pinned, or what --contract auto decided it by).
    if (!info.contract_basis.empty())
        out.emplace_back("kmsconf.contract", info.contract_revision + ": " + info.contract_basis);
    // What the run could not test (no replicate 200, say), where CI pages show properties.
    for (const auto& w : info.warnings) out.emplace_back("kmsconf.warning", w);
    return out;
}

}  // namespace

JunitDocument run_junit(const RunTally& tally, const RunInfo& info, const JunitRunOptions& options) {
    JunitDocument doc;
    doc.name = options.prefix.empty() ? "kmsconf" : options.prefix;
    doc.timestamp = utc_date_time(info.started);
    doc.properties = properties(info);
    const std::string prefix = options.prefix.empty() ? "" : options.prefix + ".";
    std::map<std::string, std::size_t> suite_at;  // suites in the order their first case ran
    auto suite = [&](const std::string& name) -> JunitSuite& {
        auto [it, added] = suite_at.emplace(name, doc.suites.size());
        if (added) doc.suites.push_back({prefix + name, {}});
        return doc.suites[it->second];
    };
    std::set<std::pair<std::string, std::string>> recorded;
    for (const auto& e : tally.entries()) {
        suite(e.c.suite).cases.push_back(testcase(e, info, prefix + e.c.suite));
        recorded.insert({e.c.suite, e.c.id});
    }
    if (options.selected)
        for (const auto& c : *options.selected)
            if (!recorded.count({c.suite, c.id})) suite(c.suite).cases.push_back(unfinished(c, prefix + c.suite));
    return doc;
}

void write_run_junit(const std::filesystem::path& file, const RunTally& tally, const RunInfo& info,
                     const JunitRunOptions& options) {
    write_junit_file(file.string(), run_junit(tally, info, options));
}

}  // namespace kms
