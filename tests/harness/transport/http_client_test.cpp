// The client against scripted plain-HTTP servers: what goes on the wire, what comes back, and
// when a connection is reused.
#include "tests/harness/transport/client_test_util.hpp"
#include "tests/support/test_server.hpp"

#include <thread>

namespace kms::test {
namespace {

using namespace std::chrono_literals;

TEST(HttpClient, RoundTripsRequestAndResponseExactly) {
    Recorder seen;
    const std::string response_body("{\"a\":\0\"\xff\"}", 10);
    TestServer server([&](Conn& c) {
        if (auto r = c.read_request()) seen.add(*r);
        c.send_all("HTTP/1.1 201 Created\r\nX-MiXeD-Case: a b\r\nSet-Cookie: 1\r\nset-cookie: 2\r\n"
                   "Content-Type: application/json\r\nContent-Length: 10\r\n\r\n" + response_body);
    });
    HttpClient client(must_parse(server.url()), quick_options());
    // No Content-Type on purpose, a NUL and invalid UTF-8 in the body, a duplicated header.
    const std::string body("{\"zone\":\0\xfe}", 11);
    auto ex = client.send(make_request("POST", "/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate?x=1",
                                       body, {{"Authorization", "EXO2-HMAC-SHA256 credential=k"},
                                              {"x-lower", "v"}, {"X-Dup", "1"}, {"X-Dup", "2"}}));
    ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
    ASSERT_EQ(seen.items().size(), 1u);
    EXPECT_EQ(seen.items()[0],
              "POST /v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate?x=1 HTTP/1.1\r\n"
              "Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"
              "Authorization: EXO2-HMAC-SHA256 credential=k\r\n"
              "x-lower: v\r\nX-Dup: 1\r\nX-Dup: 2\r\n"
              "User-Agent: kmsconf/0.1\r\nContent-Length: 11\r\n\r\n" + body);
    ASSERT_TRUE(ex.response.has_value());
    EXPECT_EQ(ex.response->status, 201);
    EXPECT_EQ(ex.response->body, response_body);
    ASSERT_EQ(ex.response->headers.size(), 5u);
    EXPECT_EQ(ex.response->headers[0].name, "X-MiXeD-Case");
    EXPECT_EQ(ex.response->headers[0].value, "a b");
    EXPECT_EQ(ex.response->headers[1].name, "Set-Cookie");
    EXPECT_EQ(ex.response->headers[2].name, "set-cookie");
    EXPECT_EQ(ex.response->headers[2].value, "2");
    EXPECT_EQ(ex.response->header("content-type"), "application/json");
    EXPECT_FALSE(ex.reused_connection);
    EXPECT_GT(ex.elapsed.count(), 0);
    EXPECT_GT(ex.connect_time.count(), 0);
}

TEST(HttpClient, EmptyPostHasContentLengthZeroAndOddMethodsPass) {
    Recorder seen;
    TestServer server([&](Conn& c) {
        while (auto r = c.read_request()) {
            seen.add(*r);
            if (!c.send_all(http_response(200, ""))) return;
        }
    });
    HttpClient client(must_parse(server.url()), quick_options());
    ASSERT_EQ(client.send(make_request("POST", "/p")).error, TransportError::none);
    // The caller's Host and User-Agent replace the client's; an unknown method goes out as is.
    ASSERT_EQ(client.send(make_request("PURGE", "/q?a", "", {{"user-agent", "custom/1"}, {"Host", "h.example"}})).error,
              TransportError::none);
    auto items = seen.items();
    ASSERT_EQ(items.size(), 2u);
    std::string host = "Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n";
    EXPECT_EQ(items[0], "POST /p HTTP/1.1\r\n" + host + "User-Agent: kmsconf/0.1\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(items[1], "PURGE /q?a HTTP/1.1\r\nuser-agent: custom/1\r\nHost: h.example\r\nContent-Length: 0\r\n\r\n");
}

TEST(HttpClient, KeepAliveReusesOneConnection) {
    TestServer server(serve_keep_alive);
    HttpClient client(must_parse(server.url()), quick_options());
    for (int i = 1; i <= 3; ++i) {
        auto ex = client.send(make_request("GET", "/"));
        ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
        EXPECT_EQ(ex.response->body, "r" + std::to_string(i));
        EXPECT_EQ(ex.reused_connection, i > 1);
        EXPECT_EQ(ex.connect_time.count() == 0, i > 1);
    }
    EXPECT_EQ(server.accepted(), 1);
}

TEST(HttpClient, ReconnectsAfterConnectionClose) {
    TestServer server([](Conn& c) {
        if (c.read_request()) c.send_all(http_response(200, "bye", "Connection: close\r\n"));
    });
    HttpClient client(must_parse(server.url()), quick_options());
    auto first = client.send(make_request("POST", "/", "{}"));
    auto second = client.send(make_request("POST", "/", "{}"));
    ASSERT_EQ(first.error, TransportError::none) << first.error_detail;
    ASSERT_EQ(second.error, TransportError::none) << second.error_detail;
    EXPECT_EQ(second.response->body, "bye");
    EXPECT_FALSE(second.reused_connection);
    EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpClient, ReconnectsWhenServerClosedTheIdleConnection) {
    // Keep-alive response, then the server hangs up while the client is idle: the client must
    // notice before writing, not send the POST into a dead connection.
    TestServer server([](Conn& c) {
        if (c.read_request()) c.send_all(http_response(200, "ok"));
    });
    HttpClient client(must_parse(server.url()), quick_options());
    ASSERT_EQ(client.send(make_request("POST", "/", "{}")).error, TransportError::none);
    std::this_thread::sleep_for(200ms);  // lets the FIN arrive
    auto second = client.send(make_request("POST", "/", "{}"));
    ASSERT_EQ(second.error, TransportError::none) << second.error_detail;
    EXPECT_FALSE(second.reused_connection);
    EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpClient, ReconnectsWhenIdleConnectionHasUnsolicitedBytes) {
    std::atomic<int> connections{0};
    TestServer server([&](Conn& c) {
        if (++connections == 1) {
            if (!c.read_request()) return;
            c.send_all(http_response(200, "ok") + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale");
        }
        serve_keep_alive(c);
    });
    HttpClient client(must_parse(server.url()), quick_options());
    ASSERT_EQ(client.send(make_request("GET", "/")).error, TransportError::none);
    std::this_thread::sleep_for(100ms);
    auto second = client.send(make_request("GET", "/"));
    ASSERT_EQ(second.error, TransportError::none) << second.error_detail;
    EXPECT_EQ(second.response->body, "r1");  // not "stale": a fresh connection
    EXPECT_FALSE(second.reused_connection);
    EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpClient, KeepAliveOffOpensAConnectionPerRequest) {
    TestServer server(serve_keep_alive);
    auto options = quick_options();
    options.keep_alive = false;
    HttpClient client(must_parse(server.url()), options);
    for (int i = 0; i < 3; ++i) {
        auto ex = client.send(make_request("GET", "/"));
        ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
        EXPECT_EQ(ex.response->body, "r1");
        EXPECT_FALSE(ex.reused_connection);
    }
    EXPECT_EQ(server.accepted(), 3);
}

TEST(HttpClient, ConnectProbeOpensTheConnectionSendReuses) {
    TestServer server(serve_keep_alive);
    HttpClient client(must_parse(server.url()), quick_options());
    EXPECT_FALSE(client.connect().has_value());
    auto ex = client.send(make_request("GET", "/"));
    ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
    EXPECT_TRUE(ex.reused_connection);
    EXPECT_EQ(server.accepted(), 1);
    client.close();
    ASSERT_EQ(client.send(make_request("GET", "/")).error, TransportError::none);
    EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpClient, HeadDoesNotWaitForTheAnnouncedBodyAndHasAConnectionOfItsOwn) {
    TestServer server([&](Conn& c) {
        for (int n = 1; n <= 10; ++n) {
            auto r = c.read_request();
            if (!r) return;
            bool head = r->rfind("HEAD ", 0) == 0;
            if (!c.send_all(head ? "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: application/json\r\n\r\n"
                                 : http_response(200, "r" + std::to_string(n))))
                return;
        }
    });
    HttpClient client(must_parse(server.url()), quick_options());
    ASSERT_EQ(client.send(make_request("GET", "/v2/x")).error, TransportError::none);
    Exchange head;
    auto ms = millis_of([&] { head = client.send(make_request("HEAD", "/v2/x")); });
    ASSERT_EQ(head.error, TransportError::none) << head.error_detail;
    EXPECT_LT(ms, 1000);
    EXPECT_EQ(head.response->status, 200);
    EXPECT_EQ(head.response->header("Content-Length"), "100");
    EXPECT_EQ(head.response->body, "");
    EXPECT_EQ(head.framing_violation, "");
    // HEAD owns its framing: a connection of its own, closed after it; the next request opens
    // another and its response is read whole and correctly.
    EXPECT_FALSE(head.reused_connection);
    auto get = client.send(make_request("GET", "/v2/x"));
    ASSERT_EQ(get.error, TransportError::none) << get.error_detail;
    EXPECT_EQ(get.response->body, "r1");
    EXPECT_FALSE(get.reused_connection);
    EXPECT_EQ(server.accepted(), 3);
}

TEST(HttpClient, SkipsInterimResponses) {
    TestServer server([](Conn& c) {
        if (c.read_request())
            c.send_all("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" +
                       http_response(200, "final"));
    });
    HttpClient client(must_parse(server.url()), quick_options());
    auto ex = client.send(make_request("POST", "/", "{}"));
    ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
    EXPECT_EQ(ex.response->status, 200);
    EXPECT_EQ(ex.response->body, "final");
}

TEST(HttpClient, ChunkedAndEofDelimitedBodies) {
    TestServer server([](Conn& c) {
        if (!c.read_request()) return;
        c.send_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        if (!c.read_request()) return;
        c.send_all("HTTP/1.1 200 OK\r\n\r\nuntil-eof");  // no length: the body ends when the server closes
    });
    HttpClient client(must_parse(server.url()), quick_options());
    auto chunked = client.send(make_request("GET", "/"));
    ASSERT_EQ(chunked.error, TransportError::none) << chunked.error_detail;
    EXPECT_EQ(chunked.response->body, "abcde");
    auto eof = client.send(make_request("GET", "/"));
    ASSERT_EQ(eof.error, TransportError::none) << eof.error_detail;
    EXPECT_EQ(eof.response->body, "until-eof");
    EXPECT_TRUE(eof.reused_connection);
}

TEST(HttpClient, ElapsedCoversTheServersDelay) {
    TestServer server([](Conn& c) {
        if (!c.read_request()) return;
        std::this_thread::sleep_for(200ms);
        c.send_all(http_response(200, "late"));
    });
    HttpClient client(must_parse(server.url()), quick_options());
    auto ex = client.send(make_request("GET", "/"));
    ASSERT_EQ(ex.error, TransportError::none) << ex.error_detail;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ex.elapsed).count();
    EXPECT_GE(ms, 190);
    EXPECT_LT(ms, 1500);
    EXPECT_LT(ex.connect_time, 200ms);  // connecting is not part of the server's delay
}

}  // namespace
}  // namespace kms::test
