// The request as reports show it (harness/report/sent_request): the headers and sizes of exactly
// the bytes serialize_request() puts on the wire.
#include "harness/report/sent_request.hpp"

#include "harness/transport/http_client.hpp"
#include "harness/transport/request_serializer.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

const BaseUrl kBase{false, "127.0.0.1", 8080, "/v2"};

// The header lines of the serialised bytes, split as they stand (no trimming).
Headers header_lines(const std::string& bytes) {
    Headers out;
    std::size_t at = bytes.find("\r\n") + 2;
    for (std::size_t eol; (eol = bytes.find("\r\n", at)) != at; at = eol + 2) {
        const std::string line = bytes.substr(at, eol - at);
        const auto colon = line.find(": ");
        out.push_back({line.substr(0, colon), line.substr(colon + 2)});
    }
    return out;
}

void expect_as_on_the_wire(const HttpRequest& request) {
    const std::string bytes = serialize_request(request, kBase.host_header(), ClientOptions{}.user_agent);
    const SentRequest sent = sent_request(request, kBase);
    EXPECT_EQ(sent.header_bytes, bytes.find("\r\n\r\n") + 4);
    EXPECT_EQ(sent.header_bytes + sent.body_bytes, bytes.size());
    const Headers lines = header_lines(bytes);
    ASSERT_EQ(sent.headers.size(), lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        EXPECT_EQ(sent.headers[i].name, lines[i].name);
        EXPECT_EQ(sent.headers[i].value, lines[i].value);
    }
}

TEST(SentRequest, AddedHeadersAndSizesAreTheBytesSent) {
    expect_as_on_the_wire({"POST", "/v2/kms-key/k/replicate", {{"Content-Type", "application/json"}}, R"({"zone":"de-fra-1"})"});
    expect_as_on_the_wire({"GET", "/v2/kms-key/k", {}, ""});
}

TEST(SentRequest, ChunkedBodyCountsItsFraming) {
    HttpRequest r{"POST", "/v2/kms-key/k/replicate", {{"Transfer-Encoding", "chunked"}}, "hello"};
    expect_as_on_the_wire(r);
    EXPECT_EQ(sent_request(r, kBase).body_bytes, std::string("5\r\nhello\r\n0\r\n\r\n").size());
}

TEST(SentRequest, ValuesAreShownUntrimmedAsSent) {
    HttpRequest r{"POST", "/v2/kms-key/k/replicate", {{"X-Padded", "  a  "}, {"Host", "other:1"}}, ""};
    expect_as_on_the_wire(r);
    const SentRequest sent = sent_request(r, kBase);
    EXPECT_EQ(sent.headers[0].value, "  a  ");
    EXPECT_EQ(sent.headers[1].value, "other:1");  // the caller's Host replaces the added one
}

}  // namespace
}  // namespace kms
