#include "harness/bench/bench_cases.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace kms::bench {

std::string replicate_body(const std::string& zone) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("zone");
    w.String(zone.c_str(), static_cast<rapidjson::SizeType>(zone.size()));
    w.EndObject();
    return buf.GetString();
}

std::vector<BenchCase> bench_cases(const Contract& contract, const std::string& key, const std::string& zone) {
    const std::string& method = contract.method();
    const std::string path = contract.operation_path(key);
    return {
        // The first replicate of a key to a zone schedules a replica (200); every later one is a
        // 400 Conflict. Both are the contract's answers, so both count as success.
        {"replicate_valid", {method, path, "application/json", replicate_body(zone)}, {200, 400}, true},
        // The 200 path alone: every request a first replicate of a pair never used before (the
        // embedded server's bench key pool, or the keys of --key-ids). A 400 here means the
        // pair was not new, or the target refused it: an error, out of the latency figures.
        {"replicate_accepted", {method, contract.operation_path("{id}"), "application/json", ""}, {200}, true, true},
        // Unparsable JSON: the 400 path, no side effect anywhere.
        {"replicate_malformed", {method, path, "application/json", "{\"zone\":"}, {400}, false},
    };
}

}  // namespace kms::bench
