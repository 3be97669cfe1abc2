// The request serializer (harness/transport/request_serializer): the bytes a case declares, and nothing else.
#include "harness/transport/request_serializer.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

HttpRequest post(Headers headers, std::string body) {
    return HttpRequest{"POST", "/v2/kms-key/k/replicate", std::move(headers), std::move(body)};
}

TEST(RequestWire, ChunkedEmptyBodyIsOnlyTheLastChunk) {
    // Beast 1.74 writes "0\r\n\r\n0\r\n\r\n" here (boostorg/beast#3032): a second request to a server.
    EXPECT_EQ(serialize_request(post({{"Transfer-Encoding", "chunked"}}, ""), "h:1", "ua/1"),
              "POST /v2/kms-key/k/replicate HTTP/1.1\r\nHost: h:1\r\nTransfer-Encoding: chunked\r\n"
              "User-Agent: ua/1\r\n\r\n0\r\n\r\n");
}

TEST(RequestWire, ChunkedBodyIsOneChunkThenTheLast) {
    std::string body(26, 'z');
    EXPECT_EQ(serialize_request(post({{"transfer-encoding", "gzip, CHUNKED"}}, body), "h", ""),
              "POST /v2/kms-key/k/replicate HTTP/1.1\r\nHost: h\r\ntransfer-encoding: gzip, CHUNKED\r\n\r\n"
              "1a\r\n" + body + "\r\n0\r\n\r\n");
    EXPECT_EQ(chunk_encode("hello"), "5\r\nhello\r\n0\r\n\r\n");
    EXPECT_EQ(chunk_encode(""), "0\r\n\r\n");
}

TEST(RequestWire, OnlyAFinalChunkedCodingChunks) {
    EXPECT_TRUE(ends_in_chunked({{"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", " chunked "}}));
    EXPECT_FALSE(ends_in_chunked({{"Transfer-Encoding", "chunked, gzip"}}));
    EXPECT_FALSE(ends_in_chunked({{"Transfer-Encoding", "chunkedx"}}));
    EXPECT_FALSE(ends_in_chunked({{"X-Transfer-Encoding", "chunked"}}));
    EXPECT_FALSE(ends_in_chunked({}));
    // Not chunked: the body goes out as it is, and no Content-Length is added (the case owns it).
    EXPECT_EQ(serialize_request(post({{"Transfer-Encoding", "gzip"}}, "raw"), "h", ""),
              "POST /v2/kms-key/k/replicate HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\nraw");
}

TEST(RequestWire, CallersContentLengthIsKeptEvenWhenItLies) {
    EXPECT_EQ(serialize_request(post({{"content-length", "5"}}, "{}"), "h", ""),
              "POST /v2/kms-key/k/replicate HTTP/1.1\r\nHost: h\r\ncontent-length: 5\r\n\r\n{}");
}

TEST(RequestWire, HeadersInTheCallersOrderAndSpelling) {
    const std::string body("{\"zone\":\0\xfe}", 11);
    auto wire = serialize_request(post({{"X-Dup", "2"}, {"authorization", "EXO2 x"}, {"X-Dup", "1"},
                                        {"Host", "other.example"}, {"Content-Type", " odd ;value"}},
                                       body),
                                  "h:1", "kmsconf/0.1");
    EXPECT_EQ(wire, "POST /v2/kms-key/k/replicate HTTP/1.1\r\nX-Dup: 2\r\nauthorization: EXO2 x\r\nX-Dup: 1\r\n"
                    "Host: other.example\r\nContent-Type:  odd ;value\r\nUser-Agent: kmsconf/0.1\r\n"
                    "Content-Length: 11\r\n\r\n" + body);
    // The caller's User-Agent replaces the client's; an empty body still has a length.
    EXPECT_EQ(serialize_request(HttpRequest{"GET", "/a?b", {{"user-agent", "me"}}, ""}, "h", "kmsconf/0.1"),
              "GET /a?b HTTP/1.1\r\nHost: h\r\nuser-agent: me\r\nContent-Length: 0\r\n\r\n");
}

TEST(RequestWire, WhichRequestsOwnTheirFraming) {
    EXPECT_FALSE(owns_framing(post({{"Content-Type", "application/json"}}, "{}")));
    for (const char* m : {"GET", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
        EXPECT_FALSE(owns_framing(HttpRequest{m, "/", {}, ""})) << m;
    EXPECT_TRUE(owns_framing(HttpRequest{"HEAD", "/", {}, ""}));
    EXPECT_TRUE(owns_framing(HttpRequest{"post", "/", {}, ""}));  // methods are case-sensitive
    EXPECT_TRUE(owns_framing(HttpRequest{"REPLICATE", "/", {}, ""}));
    EXPECT_TRUE(owns_framing(post({{"content-length", "2"}}, "{}")));
    EXPECT_TRUE(owns_framing(post({{"Transfer-Encoding", "chunked"}}, "")));
    EXPECT_TRUE(owns_framing(post({{"CONNECTION", "close"}}, "")));
}

}  // namespace
}  // namespace kms
