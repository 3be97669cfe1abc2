// CaseRunner end to end against a canned origin on 127.0.0.1: a 429 waited out as Retry-After
// says and resent at most retries_on_429 times, the 429 loop ending in a visible MUST finding,
// the latency budget, pacing under a rate cap, and the give-up after five cases in a row with
// no response (against a port that refuses connections). The origin is a few lines of POSIX
// sockets: it answers each request with canned bytes, after a delay, and counts what it was
// sent. Every wait is bounded.
#include "tests/harness/grading_support.hpp"
#include "harness/run/case_loop.hpp"
#include "common/text.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
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
        : CannedOrigin(std::vector<std::string>{std::move(response)}, delay, std::move(late), late_after) {}
    // Request k (from 0) is answered with responses[k], the last one once they run out.
    CannedOrigin(std::vector<std::string> responses, std::chrono::milliseconds delay, std::string late = {},
                 std::chrono::milliseconds late_after = {})
        : responses_(std::move(responses)), delay_(delay), late_(std::move(late)), late_after_(late_after) {
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
                    const auto k = static_cast<std::size_t>(requests_++);
                    const std::string& response = responses_[std::min(k, responses_.size() - 1)];
                    std::this_thread::sleep_for(delay_);
                    if (::send(conn, response.data(), response.size(), MSG_NOSIGNAL) < 0) break;
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

    std::vector<std::string> responses_;
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

// Findings looked up by check name in one place, so that only these two change when a
// finding's check becomes a typed id.
const Finding* finding_of(const CaseResult& r, const std::string& check) {
    for (const auto& f : r.findings)
        if (name_of(f.check) == check) return &f;
    return nullptr;
}
bool has_finding(const CaseResult& r, const std::string& check) { return finding_of(r, check) != nullptr; }

// Durations, verdicts and levels as numbers and names, so that a failure reads as text.
long long ms(std::chrono::steady_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}
std::string verdict(const CaseResult& r) { return to_string(r.verdict); }
std::string level(const Finding* f) { return f ? to_string(f->level) : "(no finding)"; }

// One client and one runner over several cases, as a run uses them: pacing and the count of
// unanswered cases live in the runner.
struct LiveRunner {
    LiveRunner(std::uint16_t port, RunSettings settings, std::chrono::milliseconds connect_timeout = 2s)
        : base{false, "127.0.0.1", port, "/v2"}, client(base, options(connect_timeout)),
          runner(test::seed_contract(), client, base, with_vars(std::move(settings))) {}
    static ClientOptions options(std::chrono::milliseconds connect_timeout) {
        ClientOptions o;
        o.connect_timeout = connect_timeout;
        o.read_timeout = 2s;
        return o;
    }
    static RunSettings with_vars(RunSettings s) {
        s.vars = {"a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "de-fra-1"};
        return s;
    }
    BaseUrl base;
    HttpClient client;
    CaseRunner runner;
};

// A port on 127.0.0.1 nothing listens on: bound to learn a free one, then closed, so that a
// connect is refused at once.
std::uint16_t refusing_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        throw std::runtime_error("cannot find a free port");
    ::close(fd);
    return ntohs(addr.sin_port);
}

TEST(CaseRunnerLive, A429IsWaitedOutAsRetryAfterSaysThenResentAndTheAnswerJudged) {
    CannedOrigin origin({http("429 Too Many Requests", "Retry-After: 1\r\n", R"({"error":"slow down"})"),
                         http("200 OK", "", test::kGoodOperation)},
                        0ms);
    const auto started = std::chrono::steady_clock::now();
    CaseResult r = run_once(origin, shipped("valid.replicate-to-de-fra-1"), RunSettings{});
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(origin.requests(), 2) << "sent, refused, resent";
    EXPECT_GE(ms(took), 1000) << "Retry-After: 1 was honoured";
    EXPECT_LT(ms(took), 5000);
    ASSERT_EQ(r.exchanges.size(), 1u) << "only the resent exchange is kept";
    ASSERT_TRUE(r.exchanges[0].response.has_value()) << r.exchanges[0].error_detail;
    EXPECT_EQ(r.exchanges[0].response->status, 200);
    EXPECT_EQ(verdict(r), "informational") << "the 200 passed; the wait is only noted";
    ASSERT_TRUE(has_finding(r, "rate_limited"));
    EXPECT_EQ(level(finding_of(r, "rate_limited")), "informational");
    EXPECT_NE(finding_of(r, "rate_limited")->message.find("resent after 1 s"), std::string::npos)
        << finding_of(r, "rate_limited")->message;
}

TEST(CaseRunnerLive, A429IsResentAtMostRetriesOn429TimesAndNeverPastMaxRetryAfter) {
    const std::string refused = http("429 Too Many Requests", "Retry-After: 0\r\n", R"({"error":"slow down"})");
    const Case& c = shipped("valid.replicate-to-de-fra-1");
    {
        SCOPED_TRACE("retries_on_429 = 0");
        CannedOrigin origin(refused, 0ms);
        RunSettings settings;
        settings.retries_on_429 = 0;
        CaseResult r = run_once(origin, c, settings);
        EXPECT_EQ(origin.requests(), 1) << "not resent";
        EXPECT_EQ(verdict(r), "fail");
        ASSERT_TRUE(has_finding(r, "rate_limited"));
        EXPECT_EQ(level(finding_of(r, "rate_limited")), "MUST");
    }
    {
        SCOPED_TRACE("Retry-After: 120 over max_retry_after 60 s");
        CannedOrigin origin(http("429 Too Many Requests", "Retry-After: 120\r\n", R"({"error":"slow down"})"), 0ms);
        const auto started = std::chrono::steady_clock::now();
        CaseResult r = run_once(origin, c, RunSettings{});
        EXPECT_LT(ms(std::chrono::steady_clock::now() - started), 5000) << "not waited out";
        EXPECT_EQ(origin.requests(), 1) << "not resent";
        EXPECT_EQ(verdict(r), "fail");
        ASSERT_TRUE(has_finding(r, "rate_limited"));
        EXPECT_EQ(level(finding_of(r, "rate_limited")), "MUST");
        EXPECT_NE(finding_of(r, "rate_limited")->message.find("Retry-After: 120"), std::string::npos)
            << finding_of(r, "rate_limited")->message;
    }
}

TEST(CaseRunnerLive, UnderARateCapNRequestsTakeAtLeastNMinusOneIntervals) {
    CannedOrigin origin(http("200 OK", "", test::kGoodOperation), 0ms);
    RunSettings settings;
    settings.rate_per_second = 20;  // 50 ms between requests
    LiveRunner live(origin.port(), settings);
    const Case& c = shipped("valid.replicate-to-de-fra-1");
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(to_string(live.runner.run(c).verdict), std::string("pass")) << "case " << i;
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(origin.requests(), 5);
    EXPECT_GE(ms(took), 200) << "5 requests at 20/s: 4 intervals of 50 ms";
    EXPECT_LT(ms(took), 3000);
}

TEST(CaseRunnerLive, AfterFiveCasesInARowWithNoResponseLaterCasesAreNotSent) {
    RunSettings settings;
    ASSERT_EQ(settings.max_consecutive_transport_failures, 5) << "the default this test is about";
    LiveRunner live(refusing_port(), settings, 500ms);
    const Case& c = shipped("valid.replicate-to-de-fra-1");
    for (int i = 0; i < 7; ++i) {
        SCOPED_TRACE("case " + std::to_string(i + 1));
        CaseResult r = live.runner.run(c);
        EXPECT_EQ(verdict(r), "fail");
        ASSERT_TRUE(has_finding(r, "response_in_time"));
        const std::string& message = finding_of(r, "response_in_time")->message;
        if (i < 5) {
            EXPECT_EQ(r.requests.size(), 1u) << "sent";
            ASSERT_EQ(r.exchanges.size(), 1u);
            EXPECT_FALSE(r.exchanges[0].response.has_value());
            EXPECT_EQ(message.find("not sent"), std::string::npos) << message;
        } else {
            EXPECT_TRUE(r.requests.empty()) << "not sent";
            EXPECT_TRUE(r.exchanges.empty());
            EXPECT_EQ(message.rfind("not sent", 0), 0u) << message;
            EXPECT_NE(message.find("5 cases in a row"), std::string::npos) << message;
        }
    }
}

// The run's case loop (harness/run/case_loop.hpp): each case in order into the tally; one the
// runner throws on is reported to the listener and counted as broken, and the loop goes on.
class ThrowsOnOneCase : public CaseObserver {
public:
    explicit ThrowsOnOneCase(std::string id) : id_(std::move(id)) {}
    void before_case(Case& c, Variables&) override {
        if (c.full_name() == id_) throw std::runtime_error("placeholder ${nope} has no value");
    }
    void after_case(const Case&, const CaseResult&) override {}

private:
    std::string id_;
};

class RecordingListener : public CaseListener {
public:
    void case_started(const Case& c, std::size_t index, std::size_t total) override {
        events.push_back("start " + c.full_name() + " " + std::to_string(index) + "/" + std::to_string(total));
    }
    void case_finished(const Case& c, const CaseResult& r) override {
        events.push_back("end " + c.full_name() + " " + to_string(r.verdict));
    }
    void case_broke(const Case& c, const std::string& what) override { events.push_back("broke " + c.full_name() + ": " + what); }
    std::vector<std::string> events;
};

TEST(CaseLoop, EveryCaseInOrderAndABrokenOneReportedWithoutStoppingTheOthers) {
    CannedOrigin origin(http("200 OK", "", test::kGoodOperation), 0ms);
    BaseUrl base{false, "127.0.0.1", origin.port(), "/v2"};
    HttpClient client(base, {});
    RunSettings settings;
    settings.vars = {"a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "de-fra-1"};
    CaseRunner runner(test::seed_contract(), client, base, settings);
    ThrowsOnOneCase observer("valid.replicate-to-de-muc-1");
    runner.set_observer(&observer);
    const std::vector<Case> cases = {shipped("valid.replicate-to-de-fra-1"), shipped("valid.replicate-to-de-muc-1"),
                                     shipped("valid.replicate-to-at-vie-1")};
    RunTally tally;
    RecordingListener listener;
    const CaseLoopOutcome outcome = run_case_loop(cases, runner, tally, listener);
    EXPECT_EQ(outcome.ran, 2u);
    EXPECT_EQ(outcome.broken, 1u);
    ASSERT_EQ(tally.entries().size(), 2u) << "a broken case has no result to report";
    EXPECT_EQ(tally.entries()[1].c.full_name(), "valid.replicate-to-at-vie-1");
    EXPECT_EQ(listener.events,
              (std::vector<std::string>{"start valid.replicate-to-de-fra-1 1/3", "end valid.replicate-to-de-fra-1 pass",
                                        "start valid.replicate-to-de-muc-1 2/3",
                                        "broke valid.replicate-to-de-muc-1: placeholder ${nope} has no value",
                                        "start valid.replicate-to-at-vie-1 3/3", "end valid.replicate-to-at-vie-1 pass"}));
    EXPECT_EQ(origin.requests(), 2) << "the broken case sent nothing";
}

}  // namespace
}  // namespace kms
