// CaseRunner end to end against a canned origin on 127.0.0.1: the 429 loop ends in a visible
// MUST finding, and the latency budget sees a slow answer, both on cases whose own level is
// lower. The origin is a few lines of POSIX sockets: it answers every request with the same
// bytes, after a delay, and counts what it was sent. Every wait is bounded.
#include "tests/harness/grading_support.hpp"
#include "common/text.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace kms {
namespace {

using namespace test;
using namespace std::chrono_literals;

class CannedOrigin {
public:
    // `late` (when not empty) is sent `late_after` after the first response only: bytes with no
    // request outstanding, later than the client's grace.
    CannedOrigin(std::string response, std::chrono::milliseconds delay, std::string late = {},
                 std::chrono::milliseconds late_after = {})
        : response_(std::move(response)), delay_(delay), late_(std::move(late)), late_after_(late_after) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 4) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            throw std::runtime_error("canned origin: cannot listen");
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~CannedOrigin() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::uint16_t port() const { return port_; }
    int requests() const { return requests_; }

private:
    bool readable(int fd) {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, 50) > 0;
    }
    void serve() {
        for (int idle = 0; !stop_ && idle < 200; ++idle) {  // at most ~10 s
            if (!readable(fd_)) continue;
            int conn = ::accept(fd_, nullptr, nullptr);
            if (conn >= 0) answer_all(conn);
            idle = 0;
        }
    }
    // Answers each request on the connection (header, then a Content-Length body) until EOF.
    void answer_all(int conn) {
        std::string in;
        char buf[4096];
        for (int idle = 0; !stop_ && idle < 200;) {
            auto end = in.find("\r\n\r\n");
            if (end != std::string::npos) {
                std::size_t body = 0;
                const std::string head = to_lower(in.substr(0, end));
                if (auto at = head.find("content-length:"); at != std::string::npos) body = std::stoul(head.substr(at + 15));
                if (in.size() >= end + 4 + body) {
                    in.erase(0, end + 4 + body);
                    ++requests_;
                    std::this_thread::sleep_for(delay_);
                    if (::send(conn, response_.data(), response_.size(), MSG_NOSIGNAL) < 0) break;
                    if (!late_.empty() && requests_ == 1) {
                        std::this_thread::sleep_for(late_after_);
                        if (::send(conn, late_.data(), late_.size(), MSG_NOSIGNAL) < 0) break;
                    }
                    continue;
                }
            }
            if (!readable(conn)) {
                ++idle;
                continue;
            }
            long n = ::recv(conn, buf, sizeof buf, 0);
            if (n <= 0) break;
            in.append(buf, static_cast<std::size_t>(n));
            idle = 0;
        }
        ::close(conn);
    }

    std::string response_;
    std::chrono::milliseconds delay_;
    std::string late_;
    std::chrono::milliseconds late_after_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
    std::thread thread_;
};

std::string http(const std::string& status_line, const std::string& extra, const std::string& body) {
    return "HTTP/1.1 " + status_line + "\r\n" + extra + "Content-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

CaseResult run_once(const CannedOrigin& origin, const Case& c, RunSettings settings) {
    BaseUrl base{false, "127.0.0.1", origin.port(), "/v2"};
    ClientOptions options;
    options.read_timeout = 2s;
    HttpClient client(base, options);
    settings.vars = {"a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "de-fra-1"};
    CaseRunner runner(test::seed_contract(), client, base, settings);
    return runner.run(c);
}

TEST(CaseRunnerLive, A429ThatOutlastsTheRetriesFailsEvenAnInformationalCase) {
    CannedOrigin origin(http("429 Too Many Requests", "Retry-After: 0\r\n", R"({"error":"slow down","retry_after":0})"), 0ms);
    RunSettings settings;
    settings.retries_on_429 = 2;
    const Case& informational = shipped("edge.path-trailing-slash");
    CaseResult r = run_once(origin, informational, settings);
    EXPECT_EQ(origin.requests(), 3) << "sent once and resent twice";
    EXPECT_EQ(r.verdict, Verdict::fail);
    ASSERT_EQ(r.findings.size(), 3u);
    EXPECT_EQ(r.findings[0].level, Level::informational);
    EXPECT_EQ(r.findings[1].level, Level::informational);
    EXPECT_EQ(r.findings[2].check, CheckId::rate_limited);
    EXPECT_EQ(r.findings[2].level, Level::must);
    EXPECT_NE(r.findings[2].message.find("not tested"), std::string::npos) << r.findings[2].message;
}

TEST(CaseRunnerLive, ASlowAnswerBreaksTheBudgetAndOnlyWhenOneIsSet) {
    CannedOrigin origin(http("200 OK", "", test::kGoodOperation), 150ms);
    const Case& c = shipped("valid.replicate-to-de-fra-1");
    RunSettings settings;
    settings.max_response_time = 30ms;
    CaseResult slow = run_once(origin, c, settings);
    EXPECT_EQ(slow.verdict, Verdict::fail);
    ASSERT_EQ(slow.findings.size(), 1u);
    EXPECT_EQ(slow.findings[0].check, CheckId::max_response_time);
    EXPECT_NE(slow.findings[0].message.find("over the budget of 30 ms"), std::string::npos) << slow.findings[0].message;
    settings.max_response_time = 0ms;  // the default: no budget
    EXPECT_EQ(run_once(origin, c, settings).verdict, Verdict::pass);
    settings.max_response_time = 5000ms;
    EXPECT_EQ(run_once(origin, c, settings).verdict, Verdict::pass);
}

// Bytes that come 120 ms after the first response, past the client's 20 ms grace. Under a rate
// cap the pause before the next request is spent watching the connection, so they are a MUST
// finding of the case whose exchange they followed, and the next case is clean. Without a cap
// they are found only as the next request is about to go: never read as its answer, and only
// noted there (informational), since they say nothing about that case.
TEST(CaseRunnerLive, BytesAfterTheGraceAreBlamedOnTheExchangeTheyFollowedUnderARateCap) {
    const std::string problem = http("400 Bad Request", "", test::kGoodProblem);
    const Case& first = shipped("malformed.zone-missing");
    const Case& second = shipped("malformed.zone-null");
    for (bool capped : {true, false}) {
        SCOPED_TRACE(capped ? "--rate 4" : "no rate cap");
        CannedOrigin origin(problem, 0ms, problem, 120ms);
        BaseUrl base{false, "127.0.0.1", origin.port(), "/v2"};
        ClientOptions options;
        options.read_timeout = 2s;
        HttpClient client(base, options);
        RunSettings settings;
        settings.vars = {"a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "de-fra-1"};
        if (capped) settings.rate_per_second = 4;  // 250 ms between requests
        CaseRunner runner(test::seed_contract(), client, base, settings);
        CaseResult a = runner.run(first);
        if (!capped) std::this_thread::sleep_for(200ms);  // the late bytes arrive before the next case
        CaseResult b = runner.run(second);
        ASSERT_EQ(b.exchanges.size(), 1u);
        ASSERT_TRUE(b.exchanges[0].response.has_value()) << b.exchanges[0].error_detail;
        EXPECT_EQ(b.exchanges[0].response->status, 400) << "the second case read its own answer";
        EXPECT_EQ(origin.requests(), 2);
        if (capped) {
            EXPECT_EQ(a.verdict, Verdict::fail);
            ASSERT_EQ(a.findings.size(), 1u);
            EXPECT_EQ(a.findings[0].check, CheckId::response_framing);
            EXPECT_NE(a.findings[0].message.find("while the next request waited"), std::string::npos) << a.findings[0].message;
            EXPECT_EQ(b.verdict, Verdict::pass);
        } else {
            EXPECT_EQ(a.verdict, Verdict::pass);
            EXPECT_EQ(b.verdict, Verdict::informational) << "noted, not blamed";
            ASSERT_EQ(b.findings.size(), 1u);
            EXPECT_EQ(b.findings[0].check, CheckId::response_framing);
            EXPECT_EQ(b.findings[0].level, Level::informational);
        }
    }
}

}  // namespace
}  // namespace kms
