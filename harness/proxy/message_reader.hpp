// Where one HTTP/1.x message ends, as its bytes stream through the proxy: Beast's parser reads
// the framing (Content-Length, chunked, until close, no body for HEAD, 1xx, 204, 304) so the proxy
// knows which bytes belong to which exchange, while it forwards those bytes untouched. The head
// and the first `keep_body` bytes of the body are kept for judging; the rest only passes.
// Beast stays in message_reader.cpp.
#pragma once

#include "common/http_types.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace kms::proxy {

class MessageReader {
public:
    enum class Kind { request, response };
    MessageReader(Kind kind, std::size_t header_limit, std::size_t keep_body);
    ~MessageReader();
    MessageReader(const MessageReader&) = delete;
    MessageReader& operator=(const MessageReader&) = delete;

    // How much of `bytes` belongs to the message (the rest is the next one's, or more is needed).
    struct Fed {
        std::size_t consumed = 0;
        std::string error;  // not HTTP/1.x as Beast reads it: the bytes were not consumed
    };
    Fed feed(std::string_view bytes);
    // The peer closed: ends a body delimited by the close; an error for any other message cut short.
    std::string feed_eof();

    // A response to HEAD has no body whatever its header says (RFC 9110 §9.3.2). Before any feed.
    void expect_no_body();

    bool started() const;      // some bytes have been fed
    bool header_done() const;
    bool done() const;
    // Whether the connection may carry another message after this one (RFC 9112 §9.3).
    bool keep_alive() const;

    // The head and kept body; valid once header_done().
    int status() const;
    int version() const;  // 10 or 11
    bool body_cut() const;  // more body passed than was kept
    HttpRequest request_head() const;     // method, target and header fields, no body
    HttpRequest request_so_far() const;   // the head and the body kept so far (a message not yet done)
    HttpRequest take_request();
    HttpResponse take_response();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kms::proxy
