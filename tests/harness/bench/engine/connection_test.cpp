// One load-engine Connection on its own, driven the way a shard drives it, with a recording
// ConnectionEvents: what it reports for a response, a keep-alive reuse, a connection per
// request, a refused connect (at set-up and on a request) and a deadline. Against StallServer.
#include "harness/bench/engine/connection.hpp"

#include "tests/support/stall_server.hpp"

#include <boost/asio/steady_timer.hpp>

#include <gtest/gtest.h>

#include <ctime>
#include <vector>

namespace kms::bench {
namespace {

using namespace std::chrono_literals;
using test::StallServer;
using test::StallServerOptions;

// Every event as one line, in order.
class Recorder final : public ConnectionEvents {
public:
    void connection_opened() override { log.push_back("opened"); }
    void preconnect_over() override { log.push_back("preconnect_over"); }
    void response(const Exchange& x) override {
        log.push_back("response " + std::to_string(x.status) + (x.measured ? " measured" : ""));
        EXPECT_LE(x.started, x.done);
    }
    void failure(ErrorKind kind, std::string detail, bool) override {
        log.push_back(std::string("failure ") + to_string(kind));
        details.push_back(std::move(detail));
    }
    void ready(Connection&) override { log.push_back("ready"); }

    std::vector<std::string> log;
    std::vector<std::string> details;
};

using Log = std::vector<std::string>;

class OneConnection : public ::testing::Test {
protected:
    void connect_to(const std::string& base_url, bool one_request_each = false) {
        std::string error;
        auto url = parse_base_url(base_url, &error);
        ASSERT_TRUE(url) << error;
        peer_ = resolve_peer({*url, true, ""}, &error);
        ASSERT_TRUE(peer_) << error;
        request_.emplace(RequestSpec{"POST", url->path + "/kms-key/k/replicate", "application/json", "{}"}, *url,
                         std::nullopt, one_request_each);
        conn_.emplace(ioc_, *peer_, ConnectionOptions{2000ms, one_request_each}, events_);
    }
    // One request, run until the connection has nothing outstanding.
    void request(bool measured = true) {
        conn_->start(Connection::Clock::now(), measured, request_->bytes(std::time(nullptr)));
        ioc_.restart();
        ioc_.run();
    }

    boost::asio::io_context ioc_;
    PeerPtr peer_;
    std::optional<WireRequest> request_;
    Recorder events_;
    std::optional<Connection> conn_;
};

TEST_F(OneConnection, KeepAliveReportsTheResponseThenReadyAndIsReused) {
    StallServerOptions so;
    so.status = 503;
    StallServer server(so);
    connect_to(server.base_url());
    request();
    request(false);
    EXPECT_EQ(events_.log, (Log{"opened", "response 503 measured", "ready", "response 503", "ready"}))
        << "the status is reported as it came: judging it is the shard's business";
    EXPECT_EQ(server.connections(), 1);
    EXPECT_FALSE(conn_->busy());
}

TEST_F(OneConnection, OneRequestEachOpensAConnectionPerRequest) {
    StallServer server(StallServerOptions{});
    connect_to(server.base_url(), true);
    request();
    request();
    EXPECT_EQ(events_.log, (Log{"opened", "response 200 measured", "ready", "opened", "response 200 measured", "ready"}));
    EXPECT_EQ(server.connections(), 2);
}

TEST_F(OneConnection, PreconnectOpensWithoutARequest) {
    StallServer server(StallServerOptions{});
    connect_to(server.base_url());
    conn_->preconnect();
    ioc_.run();
    request();
    EXPECT_EQ(events_.log, (Log{"opened", "preconnect_over", "response 200 measured", "ready"}));
}

TEST_F(OneConnection, RefusedConnectIsNoFailureAtSetUpButIsOnARequest) {
    connect_to("http://127.0.0.1:" + std::to_string(test::unused_port()) + "/v2");
    conn_->preconnect();
    ioc_.run();
    EXPECT_EQ(events_.log, (Log{"preconnect_over"})) << "a set-up failure is not a request";
    request();
    EXPECT_EQ(events_.log, (Log{"preconnect_over", "failure connect", "ready"}));
    ASSERT_EQ(events_.details.size(), 1u);
    EXPECT_EQ(events_.details[0].rfind("connect 127.0.0.1:", 0), 0u) << events_.details[0];
}

TEST_F(OneConnection, PassedDeadlineEndsTheRequestAsATimeout) {
    StallServerOptions so;
    so.stall_at = 0;
    so.stall = 1000ms;
    StallServer server(so);
    connect_to(server.base_url());
    boost::asio::steady_timer watchdog(ioc_, 50ms);
    watchdog.async_wait([&](const boost::system::error_code&) { conn_->check_deadline(Connection::Clock::now() + 1h); });
    request();
    EXPECT_EQ(events_.log, (Log{"opened", "failure timeout", "ready"}));
    ASSERT_EQ(events_.details.size(), 1u);
    EXPECT_EQ(events_.details[0], "read: no complete response within 2000 ms");
}

TEST_F(OneConnection, DeadlineNotYetDueChangesNothing) {
    StallServer server(StallServerOptions{});
    connect_to(server.base_url());
    boost::asio::steady_timer watchdog(ioc_, 0ms);
    watchdog.async_wait([&](const boost::system::error_code&) { conn_->check_deadline(Connection::Clock::now()); });
    request();
    EXPECT_EQ(events_.log, (Log{"opened", "response 200 measured", "ready"}));
}

}  // namespace
}  // namespace kms::bench
