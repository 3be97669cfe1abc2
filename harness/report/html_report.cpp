#include "harness/report/html_report.hpp"

#include "harness/cases/curl_command.hpp"
#include "harness/contract/json_text.hpp"
#include "harness/report/tool_version.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kms {

namespace {

const char* const kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #ddd}
th{background:#f4f4f4}
.pass{color:#1a7f37}.fail{color:#cf222e;font-weight:bold}.non-strict{color:#9a6700}
.informational{color:#0969da}.skipped{color:#6e7781}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:6px;margin:4px 0}
.counts span{margin-right:1.2em}
.warning{color:#9a6700;font-weight:bold}
)";

std::string statuses(const CaseResult& r) {
    std::string out;
    for (const auto& x : r.exchanges) {
        if (!out.empty()) out += ", ";
        out += x.response ? std::to_string(x.response->status) : std::string("no response");
    }
    return out;
}

void details(std::ostream& out, const RunTally::Entry& e, const RunInfo& info) {
    out << "<tr><td></td><td colspan=\"4\">";
    for (const auto& f : e.result.findings)
        out << "<div class=\"" << to_string(f.level) << "\">" << to_string(f.level) << " <b>"
            << html_escape(name_of(f.check)) << "</b>: " << html_escape(f.message) << "</div>";
    if (!e.result.skip_reason.empty()) out << "<div>" << html_escape(e.result.skip_reason) << "</div>";
    if (!e.result.exchanges.empty() && e.result.exchanges.back().response) {
        const HttpResponse& r = *e.result.exchanges.back().response;
        out << "<pre>HTTP " << r.status << "\n";
        for (const auto& h : r.headers) out << html_escape(h.name) << ": " << html_escape(h.value) << "\n";
        out << "\n" << html_escape(printable(r.body, 2000)) << "</pre>";
    }
    if (!e.result.requests.empty())
        out << "<pre>" << html_escape(curl_command(info.base, e.result.requests.back())) << "</pre>";
    out << "</td></tr>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

void write_html_report(const std::filesystem::path& file, const RunTally& tally, const RunInfo& info) {
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        << "<title>kmsconf: " << html_escape(info.target_label()) << "</title><style>" << kStyle << "</style></head><body>\n"
        << "<h1>kmsconf conformance report</h1>\n<p>Target <code>" << html_escape(info.target_label())
        << "</code>, contract revision <code>" << html_escape(info.contract_revision) << "</code>"
        << (info.contract_basis.empty() ? "" : " (" + html_escape(info.contract_basis) + ")")
        << (info.strict ? ", --strict" : "") << "; " << html_escape(tool_version()) << ".</p>\n"
        // The console's and junit.xml's numbers, then the verdicts they come from.
        << "<p class=\"result\">" << tally.total() << " cases: <span class=\"passed\">" << tally.passed(info.strict)
        << " passed</span>, <span class=\"failed\">" << tally.failed(info.strict) << " failed</span>, <span class=\"skipped\">"
        << tally.count(Verdict::skipped) << " skipped</span></p>\n<p class=\"counts\">";
    for (Verdict v : {Verdict::pass, Verdict::fail, Verdict::non_strict, Verdict::informational, Verdict::skipped})
        out << "<span class=\"" << to_string(v) << "\">" << to_string(v) << ": " << tally.count(v) << "</span>";
    out << "</p>\n";
    for (const auto& w : info.warnings) out << "<p class=\"warning\">warning: " << html_escape(w) << "</p>\n";
    out << "<table><tr><th>case</th><th>level</th><th>verdict</th><th>status</th><th>requirement</th></tr>\n";
    for (const auto& e : tally.entries()) {
        const char* verdict = to_string(e.result.verdict);
        out << "<tr id=\"" << html_escape(e.c.full_name()) << "\"><td><code>" << html_escape(e.c.full_name())
            << "</code></td><td>" << to_string(e.c.level) << "</td><td class=\"" << verdict << "\">" << verdict
            << "</td><td>" << html_escape(statuses(e.result)) << "</td><td>" << html_escape(e.c.requirement)
            << "</td></tr>\n";
        if (e.result.verdict != Verdict::pass) details(out, e, info);
    }
    out << "</table>\n</body></html>\n";

    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f << out.str();
    if (!f) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace kms
