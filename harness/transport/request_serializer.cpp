#include "harness/transport/request_serializer.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace kms {

bool ends_in_chunked(const Headers& headers) {
    // The codings of every Transfer-Encoding field, in order, form one list (RFC 9110 §5.3).
    std::string_view last;
    for (const auto& h : headers) {
        if (!iequals(h.name, "Transfer-Encoding")) continue;
        std::string_view value = h.value;
        for (std::size_t start = 0; start <= value.size();) {
            auto comma = value.find(',', start);
            auto coding = trim(value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
            if (!coding.empty()) last = coding;
            if (comma == std::string_view::npos) break;
            start = comma + 1;
        }
    }
    return iequals(last, "chunked");
}

std::string chunk_encode(std::string_view body) {
    std::string out;
    if (!body.empty()) {
        char size[20];
        std::snprintf(size, sizeof size, "%zx", body.size());
        out.append(size).append("\r\n").append(body).append("\r\n");
    }
    out += "0\r\n\r\n";
    return out;
}

Headers wire_headers(const HttpRequest& request, std::string_view host_header, std::string_view user_agent) {
    Headers out;
    out.reserve(request.headers.size() + 3);
    if (!find_header(request.headers, "Host")) out.push_back({"Host", std::string(host_header)});
    out.insert(out.end(), request.headers.begin(), request.headers.end());
    if (!user_agent.empty() && !find_header(request.headers, "User-Agent"))
        out.push_back({"User-Agent", std::string(user_agent)});
    // Always a length, 0 included, unless the caller framed the body itself: some servers refuse
    // a body-less POST without one (411), and a fixed length is what this API's clients send.
    if (!find_header(request.headers, "Content-Length") && !find_header(request.headers, "Transfer-Encoding"))
        out.push_back({"Content-Length", std::to_string(request.body.size())});
    return out;
}

std::string serialize_request(const HttpRequest& request, std::string_view host_header,
                              std::string_view user_agent) {
    std::string out;
    out.reserve(256 + request.target.size() + request.body.size());
    out.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\n");
    for (const auto& h : wire_headers(request, host_header, user_agent))
        out.append(h.name).append(": ").append(h.value).append("\r\n");
    out += "\r\n";
    if (ends_in_chunked(request.headers)) out += chunk_encode(request.body);
    else out += request.body;
    return out;
}

bool owns_framing(const HttpRequest& request) {
    // Methods are case-sensitive (RFC 9110 §9.1): "post" is an unknown method.
    static constexpr std::array<std::string_view, 9> kRegistered = {
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    const bool registered = std::find(kRegistered.begin(), kRegistered.end(), request.method) != kRegistered.end();
    return !registered || request.method == "HEAD" || find_header(request.headers, "Content-Length") ||
           find_header(request.headers, "Transfer-Encoding") || find_header(request.headers, "Connection");
}

}  // namespace kms
