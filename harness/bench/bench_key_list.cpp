#include "harness/bench/bench_key_list.hpp"

#include "common/file_reading.hpp"
#include "common/text.hpp"
#include "harness/checks/state_checks.hpp"
#include "harness/contract/json_text.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <sstream>

namespace kms::bench {

namespace {

std::string trimmed(const std::string& line) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) return "";
    const auto last = line.find_last_not_of(" \t\r");
    return line.substr(first, last - first + 1);
}

// The answer in a few words, for a message: "404 Not Found: {...}" cut short.
std::string answer_text(const HttpResponse& r) {
    return std::to_string(r.status) + (r.body.empty() ? "" : ": " + printable(r.body, 200));
}

}  // namespace

std::vector<std::string> read_key_ids(const std::filesystem::path& file) {
    std::string error;
    const auto text = read_whole_file(file, &error);
    if (!text) throw KeyListError("cannot read --key-ids " + file.string() + ": " + error);
    std::vector<std::string> ids;
    std::map<std::string, std::size_t> first_line;  // lower-cased id -> line
    std::istringstream in(*text);
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
        const std::string id = trimmed(line);
        if (id.empty() || id[0] == '#') continue;
        const std::string at = file.string() + ":" + std::to_string(n);
        if (!is_uuid(id))
            throw KeyListError(at + ": '" + printable(id, 80) + "' is not a key id (a uuid: 8-4-4-4-12 hex digits)");
        auto [seen, fresh] = first_line.emplace(to_lower(id), n);
        if (!fresh)
            throw KeyListError(at + ": key " + id + " is listed again (first on line " + std::to_string(seen->second) +
                               "): each key is replicated to each zone once");
        ids.push_back(id);
    }
    if (ids.empty()) throw KeyListError("--key-ids " + file.string() + " lists no key id");
    return ids;
}

std::vector<KeyZones> read_key_zones(const std::vector<std::string>& ids, const Contract& key_read, HttpClient& client,
                                     const BaseUrl& base,
                                     const std::optional<Exo2Credentials>& credentials,
                                     const std::vector<std::string>& zones, bool leave_out_replicas,
                                     std::vector<std::string>* warnings) {
    std::vector<KeyZones> out;
    for (const auto& id : ids) {
        // get-kms-key (docs/contract.md §6), fresh: a cached state could offer a zone taken since.
        HttpRequest read{key_read.method(), base.path + key_read.operation_path(id), {{"Accept", "application/json"}, {"Cache-Control", "no-cache"}}, ""};
        if (credentials)
            read.headers.push_back(
                {"Authorization", exo2_authorization(*credentials, read.method, read.target, "",
                                                     static_cast<std::int64_t>(std::time(nullptr)) + kSignatureValiditySeconds)});
        const Exchange x = client.send(read);
        if (!x.response)
            throw KeyReadUnanswered("reading key " + id + " (" + read.method + " " + read.target + ") got no answer: " + x.error_detail);
        if (x.response->status != 200)
            throw KeyListError("key " + id + " of --key-ids: " + read.method + " " + read.target + " answered " + answer_text(*x.response) +
                               "; list keys this account owns");
        std::string why;
        auto doc = parse_response_json(x.response->body, &why);
        std::optional<KeyState> state;
        if (doc && doc->IsObject()) state = key_state_from(*doc, &why);
        else if (doc) why = "the body is not a JSON object";
        if (!state) throw KeyListError("key " + id + " of --key-ids: its read holds no key state: " + why);
        const auto multi = doc->FindMember("multi-zone");
        if (multi != doc->MemberEnd() && multi->value.IsBool() && !multi->value.GetBool()) {
            warnings->push_back("key " + id + " is not multi-zone: it cannot be replicated, left out");
            continue;
        }
        KeyZones k{id, {}};
        std::string kept;  // replicas kept as pairs (segments): they will answer Conflict
        for (const auto& z : zones) {
            if (z == state->origin_zone) continue;
            if (state->lists(z)) {
                if (leave_out_replicas) continue;
                kept += (kept.empty() ? "" : ", ") + z;
            }
            k.zones.push_back(z);
        }
        if (!kept.empty())
            warnings->push_back("key " + id + " is already replicated to " + kept +
                                " (by an earlier run, or by another segment already under way): every segment keeps "
                                "those pairs, so that all list the same ones, and they may answer Conflict");
        if (k.zones.empty()) warnings->push_back("key " + id + " is already in every zone: left out");
        else out.push_back(std::move(k));
    }
    return out;
}

}  // namespace kms::bench
