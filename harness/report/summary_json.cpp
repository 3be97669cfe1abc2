#include "harness/report/summary_json.hpp"

#include "harness/report/tool_version.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <fstream>
#include <stdexcept>

namespace kms {

void write_summary_json(const RunTally& tally, const RunInfo& info, const std::filesystem::path& file) {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("target"); w.String(info.target_label());
    w.Key("base_url"); w.String(info.base.to_string());
    w.Key("contract"); w.String(info.contract_revision);
    if (!info.contract_basis.empty()) {
        w.Key("contract_basis");
        w.String(info.contract_basis);
    }
    w.Key("strict"); w.Bool(info.strict);
    w.Key("tool"); w.String(tool_version());  // as junit.xml's `tool` property
    w.Key("warnings");
    w.StartArray();
    for (const auto& warning : info.warnings) w.String(warning);
    w.EndArray();
    // The same three numbers as the console line and junit.xml's tests/failures/skipped.
    w.Key("result");
    w.StartObject();
    w.Key("tests"); w.Int(tally.total());
    w.Key("passed"); w.Int(tally.passed(info.strict));
    w.Key("failed"); w.Int(tally.failed(info.strict));
    w.Key("skipped"); w.Int(tally.count(Verdict::skipped));
    w.EndObject();
    w.Key("counts");
    w.StartObject();
    for (Verdict v : {Verdict::pass, Verdict::fail, Verdict::non_strict, Verdict::informational, Verdict::skipped}) {
        w.Key(to_string(v));
        w.Int(tally.count(v));
    }
    w.EndObject();
    w.Key("cases");
    w.StartArray();
    for (const auto& e : tally.entries()) {
        w.StartObject();
        w.Key("suite"); w.String(e.c.suite);
        w.Key("id"); w.String(e.c.id);
        w.Key("level"); w.String(to_string(e.c.level));
        w.Key("requirement"); w.String(e.c.requirement);
        w.Key("verdict"); w.String(to_string(e.result.verdict));
        if (!e.result.skip_reason.empty()) { w.Key("skip_reason"); w.String(e.result.skip_reason); }
        w.Key("statuses");
        w.StartArray();
        for (const auto& x : e.result.exchanges) x.response ? w.Int(x.response->status) : w.Null();
        w.EndArray();
        w.Key("elapsed_ms"); w.Double(std::chrono::duration<double, std::milli>(e.result.elapsed).count());
        w.Key("response_ms"); w.Double(std::chrono::duration<double, std::milli>(e.result.response_time()).count());
        w.Key("findings");
        w.StartArray();
        for (const auto& f : e.result.findings) {
            w.StartObject();
            w.Key("check"); w.String(name_of(f.check));
            w.Key("level"); w.String(to_string(f.level));
            w.Key("message"); w.String(f.message);
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();

    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace kms
