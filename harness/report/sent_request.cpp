#include "harness/report/sent_request.hpp"

#include "harness/transport/http_client.hpp"
#include "harness/transport/request_serializer.hpp"

namespace kms {

SentRequest sent_request(const HttpRequest& request, const BaseUrl& base) {
    // The header list serialize_request() writes, taken from the same function rather than read
    // back out of the bytes: values stay exactly as sent (untrimmed), and nothing is re-parsed.
    SentRequest out;
    out.headers = wire_headers(request, base.host_header(), ClientOptions{}.user_agent);
    out.header_bytes = request.method.size() + 1 + request.target.size() + 11;  // "M T HTTP/1.1\r\n"
    for (const auto& h : out.headers) out.header_bytes += h.name.size() + 2 + h.value.size() + 2;
    out.header_bytes += 2;  // the empty line
    out.body_bytes = ends_in_chunked(request.headers) ? chunk_encode(request.body).size() : request.body.size();
    return out;
}

}  // namespace kms
