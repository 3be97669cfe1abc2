// The proxy's framing (harness/proxy/message_reader.hpp): where each message ends, whatever the
// pieces the bytes arrive in, and what is kept of it for judging.
#include "harness/proxy/message_reader.hpp"

#include <gtest/gtest.h>

namespace kms::proxy {
namespace {

using Kind = MessageReader::Kind;

// Feeds `bytes` in pieces of `piece` bytes, as a connection's reads would deliver them, keeping
// what is not consumed for the next feed; returns how many bytes the message took.
std::size_t feed_in_pieces(MessageReader& reader, const std::string& bytes, std::size_t piece, std::string* error = nullptr) {
    std::string pending;
    std::size_t taken = 0;
    for (std::size_t at = 0; at < bytes.size() && !reader.done(); at += piece) {
        pending += bytes.substr(at, piece);
        const auto fed = reader.feed(pending);
        if (!fed.error.empty()) {
            if (error) *error = fed.error;
            return taken;
        }
        pending.erase(0, fed.consumed);
        taken += fed.consumed;
    }
    return taken;
}

TEST(MessageReader, ARequestEndsWhereItsBodyEndsInAnyPieces) {
    const std::string first = "POST /v2/kms-key/x/replicate HTTP/1.1\r\nHost: a\r\nX-Odd:  spaced \r\nContent-Length: 5\r\n\r\nhello";
    const std::string next = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    for (std::size_t piece : {1u, 7u, 1000u}) {
        SCOPED_TRACE(piece);
        MessageReader reader(Kind::request, 8192, 1024);
        EXPECT_EQ(feed_in_pieces(reader, first + next, piece), first.size());
        ASSERT_TRUE(reader.done());
        EXPECT_TRUE(reader.keep_alive());
        const HttpRequest r = reader.take_request();
        EXPECT_EQ(r.method, "POST");
        EXPECT_EQ(r.target, "/v2/kms-key/x/replicate");
        EXPECT_EQ(r.body, "hello");
        ASSERT_EQ(r.headers.size(), 3u);
        EXPECT_EQ(r.headers[1].value, "spaced");
    }
}

TEST(MessageReader, AChunkedBodyIsKeptDecodedAndCutAtTheLimit) {
    const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n4\r\ndefg\r\n0\r\nX-Trailer: 1\r\n\r\n";
    MessageReader whole(Kind::response, 8192, 1024);
    EXPECT_EQ(feed_in_pieces(whole, chunked, 5), chunked.size());
    ASSERT_TRUE(whole.done());
    EXPECT_FALSE(whole.body_cut());
    EXPECT_EQ(whole.take_response().body, "abcdefg");

    MessageReader kept(Kind::response, 8192, 4);
    EXPECT_EQ(feed_in_pieces(kept, chunked, 1000), chunked.size()) << "the limit cuts what is kept, not the framing";
    EXPECT_TRUE(kept.body_cut());
    EXPECT_EQ(kept.take_response().body, "abcd");
}

TEST(MessageReader, AnInterimResponseIsAMessageOfItsOwn) {
    const std::string interim = "HTTP/1.1 100 Continue\r\n\r\n";
    const std::string final_response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    MessageReader reader(Kind::response, 8192, 1024);
    EXPECT_EQ(feed_in_pieces(reader, interim + final_response, 1000), interim.size());
    EXPECT_TRUE(reader.done());
    EXPECT_EQ(reader.status(), 100);
    MessageReader next(Kind::response, 8192, 1024);
    EXPECT_EQ(feed_in_pieces(next, final_response, 1000), final_response.size());
    EXPECT_EQ(next.status(), 200);
}

TEST(MessageReader, AResponseToHeadHasNoBodyWhateverItsLength) {
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n";
    MessageReader reader(Kind::response, 8192, 1024);
    reader.expect_no_body();
    EXPECT_EQ(feed_in_pieces(reader, head + "HTTP/1.1 204 No Content\r\n\r\n", 1000), head.size());
    EXPECT_TRUE(reader.done());
}

TEST(MessageReader, ABodyDelimitedByTheCloseEndsAtEof) {
    MessageReader reader(Kind::response, 8192, 1024);
    const std::string bytes = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npartial";
    EXPECT_EQ(feed_in_pieces(reader, bytes, 1000), bytes.size());
    EXPECT_FALSE(reader.done());
    EXPECT_EQ(reader.feed_eof(), "");
    EXPECT_TRUE(reader.done());
    EXPECT_FALSE(reader.keep_alive());
    EXPECT_EQ(reader.take_response().body, "partial");
}

TEST(MessageReader, ALargeContentLengthPassesAndIsCut) {
    // 2 GiB announced: the body streams through; only the first bytes are kept.
    MessageReader reader(Kind::request, 8192, 8);
    const auto fed = reader.feed("POST / HTTP/1.1\r\nContent-Length: 2147483648\r\n\r\n0123456789");
    EXPECT_EQ(fed.error, "");
    EXPECT_FALSE(reader.done());
    EXPECT_TRUE(reader.body_cut());
}

// Beast checks its own header limit only while a header is incomplete; the reader holds it on
// the whole header, so that one read or many give the same verdict (fuzz_proxy_messages).
TEST(MessageReader, TheHeaderLimitHoldsHoweverTheBytesArrive) {
    const std::string big = "GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n";
    for (std::size_t piece : {1u, 5u, 1000u}) {
        SCOPED_TRACE(piece);
        MessageReader reader(Kind::request, 64, 1024);
        std::string error;
        feed_in_pieces(reader, big, piece, &error);
        EXPECT_NE(error, "") << "a 126-byte header against a 64-byte limit";
        MessageReader roomy(Kind::request, 200, 1024);
        EXPECT_EQ(feed_in_pieces(roomy, big, piece), big.size());
    }
}

TEST(MessageReader, WhatIsNotHttpIsAnErrorAndConsumesNothing) {
    MessageReader reader(Kind::request, 8192, 1024);
    const auto fed = reader.feed("}GET / HTTP/1.1\r\n\r\n");
    EXPECT_NE(fed.error, "");
    EXPECT_EQ(fed.consumed, 0u);
    MessageReader big(Kind::request, 64, 1024);
    EXPECT_NE(big.feed("GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n").error, "") << "beyond the header limit";
}

}  // namespace
}  // namespace kms::proxy
