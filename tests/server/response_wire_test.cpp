// The reference server's response bytes, now formatted by hand (response_wire.hpp), against
// what Beast's serializer wrote from the same message before: the same bytes for every kind of
// answer the server gives (statuses with and without a body, HEAD, HTTP/1.0 keep-alive, a close,
// a status Beast has no reason phrase for), so clients see no change.
#include "server/response_wire.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace kms::server {
namespace {

namespace http = boost::beast::http;

// The server's former build_response(), serialised by Beast.
std::string beast_bytes(const HttpResponse& out, unsigned version, bool keep_alive, bool head) {
    http::response<http::string_body> res;
    res.version(version == 10 ? 10 : 11);
    res.result(static_cast<unsigned>(out.status));
    res.set(http::field::server, std::string(kServerName));
    for (const auto& h : out.headers) res.insert(h.name, h.value);
    res.keep_alive(keep_alive);
    const bool no_body_status = out.status == 204 || out.status == 304 || out.status < 200;
    if (!no_body_status) {
        res.content_length(out.body.size());
        if (!head) res.body() = out.body;
    }
    std::ostringstream s;
    s << res;
    return s.str();
}

std::string ours(const HttpResponse& out, unsigned version, bool keep_alive, bool head) {
    std::string bytes = "left over from the last response";
    write_response(out, version, keep_alive, head, bytes);
    return bytes;
}

TEST(ResponseWire, TheBytesBeastWroteForEveryKindOfAnswer) {
    const HttpResponse problem{400, {{"Content-Type", "application/json"}}, R"({"type":"#/x","title":"Bad Request","status":400})"};
    const HttpResponse op{200, {{"Content-Type", "application/json"}}, R"({"id":"x","state":"pending"})"};
    const HttpResponse allow{405, {{"Content-Type", "application/json"}, {"Allow", "GET, HEAD"}}, "{}"};
    const HttpResponse no_content{204, {}, ""};
    const HttpResponse out_of_range{600, {{"Content-Type", "application/json"}}, "{}"};
    const HttpResponse created{201, {{"content-type", "text/plain"}}, "odd"};
    const HttpResponse empty{200, {}, ""};
    for (const HttpResponse* r : {&problem, &op, &allow, &no_content, &out_of_range, &created, &empty})
        for (unsigned version : {10u, 11u})
            for (bool keep_alive : {true, false})
                for (bool head : {false, true})
                    EXPECT_EQ(ours(*r, version, keep_alive, head), beast_bytes(*r, version, keep_alive, head))
                        << r->status << " HTTP/" << version << (keep_alive ? " keep-alive" : " close")
                        << (head ? " HEAD" : "");
}

TEST(ResponseWire, AWrittenResponseReadsAsExpected) {
    EXPECT_EQ(ours({400, {{"Content-Type", "application/json"}}, "{}"}, 11, true, false),
              "HTTP/1.1 400 Bad Request\r\nServer: kms-reference-server/0.1\r\nContent-Type: application/json\r\n"
              "Content-Length: 2\r\n\r\n{}");
    EXPECT_EQ(ours({200, {}, "abc"}, 11, false, true),
              "HTTP/1.1 200 OK\r\nServer: kms-reference-server/0.1\r\nConnection: close\r\nContent-Length: 3\r\n\r\n");
    EXPECT_EQ(kContinueResponse, "HTTP/1.1 100 Continue\r\n\r\n");
}

}  // namespace
}  // namespace kms::server
