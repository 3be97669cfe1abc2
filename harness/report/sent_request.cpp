#include "harness/report/sent_request.hpp"

#include "common/text.hpp"
#include "harness/transport/http_client.hpp"
#include "harness/transport/request_wire.hpp"

#include <algorithm>
#include <string_view>

namespace kms {

SentRequest sent_request(const HttpRequest& request, const BaseUrl& base) {
    const std::string bytes = serialize_request(request, base.host_header(), ClientOptions{}.user_agent);
    SentRequest out;
    const auto end = bytes.find("\r\n\r\n");
    out.header_bytes = end == std::string::npos ? bytes.size() : end + 4;
    out.body_bytes = bytes.size() - out.header_bytes;
    std::string_view section(bytes.data(), end == std::string::npos ? bytes.size() : end);
    section.remove_prefix(std::min(section.size(), section.find("\r\n") + 2));  // the request line
    while (!section.empty()) {
        const auto eol = section.find("\r\n");
        std::string_view line = section.substr(0, eol);
        const auto colon = line.find(':');
        out.headers.push_back({std::string(line.substr(0, colon)),
                               colon == std::string_view::npos ? std::string() : std::string(trim(line.substr(colon + 1)))});
        section.remove_prefix(eol == std::string_view::npos ? section.size() : eol + 2);
    }
    return out;
}

}  // namespace kms
