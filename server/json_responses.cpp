#include "server/json_responses.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>

namespace kms::server::detail {

namespace {
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
}  // namespace

const char* problem_title_for(int status) {
    switch (status) {
        case 400: return "Bad Request";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 413: return "Payload Too Large";
        case 422: return "Unprocessable Content";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        default: return "Internal Server Error";
    }
}

std::string problem_type_for(std::string_view title) {
    std::string out = "#/http-problem-types/";
    for (char c : title) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u)) out += static_cast<char>(std::tolower(u));
        else if (out.back() != '-' && out.back() != '/') out += '-';
    }
    if (out.back() == '-') out.pop_back();
    return out;
}

HttpResponse make_problem(int status, std::string_view title, std::string_view detail,
                          const ProblemStyle& style) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    w.Key("type");
    // A space is not allowed anywhere in an RFC 3986 URI reference.
    write_string(w, style.bad_type ? std::string("not a uri ref") : problem_type_for(title));
    if (!(style.missing_title && status == 400)) {
        w.Key("title");
        write_string(w, title);
    }
    w.Key("status");
    w.Int(style.status_mismatch && status == 400 ? 422 : status);
    w.Key("detail");
    write_string(w, detail);
    w.EndObject();

    HttpResponse res;
    res.status = status;
    res.headers.push_back({"Content-Type", "application/json"});
    res.body.assign(buf.GetString(), buf.GetSize());
    return res;
}

std::string operation_json(const OperationView& op) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    w.Key("id");
    write_string(w, op.id);
    w.Key("state");
    write_string(w, op.state);
    w.Key("reference");
    w.StartObject();
    w.Key("id");
    write_string(w, op.key_id);
    w.Key("link");
    write_string(w, "/v2/kms-key/" + op.key_id);
    w.Key("command");
    write_string(w, "replicate-kms-key");
    w.EndObject();
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace kms::server::detail
