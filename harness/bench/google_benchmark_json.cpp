#include "harness/bench/google_benchmark_json.hpp"

#include "harness/bench/bench_counters.hpp"
#include "harness/report/tool_version.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <ctime>

namespace kms::bench {

namespace {

void text(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w, const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string iso_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    return buf;
}

}  // namespace

std::string google_benchmark_json(const std::vector<BenchRecord>& records, const std::map<std::string, std::string>& context) {
    rapidjson::StringBuffer buf;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    w.SetIndent(' ', 2);
    w.StartObject();
    w.Key("context");
    w.StartObject();
    text(w, "date", iso_now());
    text(w, "host_name", "");
    text(w, "executable", "kmsconf bench merge");
    w.Key("num_cpus");
    w.Int(0);
    w.Key("mhz_per_cpu");
    w.Int(0);
    w.Key("cpu_scaling_enabled");
    w.Bool(false);
    w.Key("caches");
    w.StartArray();
    w.EndArray();
    w.Key("load_avg");
    w.StartArray();
    w.EndArray();
    text(w, "library_build_type", "release");
    text(w, "kmsconf_version", tool_version_number());
    for (const auto& [key, value] : context) text(w, key.c_str(), value);
    w.EndObject();
    w.Key("benchmarks");
    w.StartArray();
    for (std::size_t i = 0; i < records.size(); ++i) {
        const BenchRecord& r = records[i];
        w.StartObject();
        text(w, "name", r.name);
        w.Key("family_index");
        w.Uint64(i);
        w.Key("per_family_instance_index");
        w.Int(0);
        text(w, "run_name", r.name);
        text(w, "run_type", "iteration");
        w.Key("repetitions");
        w.Int(1);
        w.Key("repetition_index");
        w.Int(0);
        w.Key("threads");
        w.Int(1);
        w.Key("iterations");
        w.Uint64(r.result.latency.count());
        w.Key("real_time");
        w.Double(r.result.latency.mean());
        w.Key("cpu_time");
        w.Double(0);
        text(w, "time_unit", "us");
        for (const auto& [name, value] : bench_counters(r)) {
            w.Key(name.c_str());
            w.Double(value);
        }
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

}  // namespace kms::bench
