// A request as it went on the wire: the client adds Host, User-Agent and Content-Length
// (request_serializer.hpp), so reports that show the headers sent (exchanges.har, report.html) take
// them from wire_headers(), the list serialize_request() writes.
// Values are as sent: the caller redacts (redaction.hpp).
#pragma once

#include "common/http_types.hpp"
#include "harness/transport/base_url.hpp"

#include <cstddef>

namespace kms {

struct SentRequest {
    Headers headers;               // in wire order
    std::size_t header_bytes = 0;  // request line to the empty line, CRLFs included
    std::size_t body_bytes = 0;    // as framed (chunk-encoded when it was)
};

SentRequest sent_request(const HttpRequest& request, const BaseUrl& base);

}  // namespace kms
