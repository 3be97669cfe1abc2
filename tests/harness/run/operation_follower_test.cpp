// The reads a stateful run makes, against scripted origins on 127.0.0.1 (tests/support/test_server.hpp:
// TestServer): operations followed to their end (OperationFollower), the key read
// (read_key), and a 503 with Retry-After waited out like a 429 (CaseRunner). Each check seen
// failing on an origin that breaks it and quiet on one that conforms. Intervals are scaled
// down to milliseconds; every wait is bounded.
#include "harness/run/key_reader.hpp"
#include "harness/run/operation_follower.hpp"
#include "tests/support/test_server.hpp"
#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <mutex>

namespace kms {
namespace {

using namespace std::chrono_literals;
using test::Conn;
using test::TestServer;

const std::string kKey = "a02baf5a-a3e4-49a0-857b-8a08d276c1c0";
const std::string kOp = "4c5547c0-b870-11ef-83b3-0d8312b2c2d7";

const Contract& read_contract(const char* op) {
    static const ReadContracts reads = load_reads(std::filesystem::path(KMSCONF_SOURCE_DIR) / "schemas" / "2026-03-31");
    return std::string(op) == "get-kms-key" ? *reads.get_kms_key : *reads.get_operation;
}

std::string json_response(int status, const std::string& body, const std::string& extra = "") {
    return test::http_response(status, body, "Content-Type: application/json\r\n" + extra);
}

std::string operation(const std::string& state, const std::string& id = kOp, const std::string& extra = "") {
    return R"({"id":")" + id + R"(","state":")" + state + R"(","reference":{"id":")" + kKey +
           R"(","link":"/v2/kms-key/)" + kKey + R"(","command":"replicate-kms-key"})" + extra + "}";
}

// Answers the n-th request (from 0) with script(n, request line).
class ScriptedOrigin {
public:
    explicit ScriptedOrigin(std::function<std::string(int, const std::string&)> script)
        : script_(std::move(script)), server_([this](Conn& c) {
              while (auto request = c.read_request()) {
                  const std::string line = request->substr(0, request->find("\r\n"));
                  {
                      std::lock_guard lock(mutex_);
                      last_request_ = *request;
                  }
                  if (!c.send_all(script_(requests_++, line))) return;
              }
          }) {}
    BaseUrl base() const { return BaseUrl{false, "127.0.0.1", server_.port(), "/v2"}; }
    int requests() const { return requests_; }
    std::string last_request() const {
        std::lock_guard lock(mutex_);
        return last_request_;
    }

private:
    mutable std::mutex mutex_;
    std::string last_request_;
    std::function<std::string(int, const std::string&)> script_;
    std::atomic<int> requests_{0};
    TestServer server_;
};

struct Followed {
    FollowResult result;
    bool has(CheckId id, Level level) const {
        for (const auto& f : result.result.findings)
            if (f.check == id && f.level == level) return true;
        return false;
    }
};

Followed follow(ScriptedOrigin& origin, std::chrono::milliseconds timeout = 2000ms, std::string op_id = kOp) {
    HttpClient client(origin.base(), ClientOptions{});
    PollSettings settings;
    settings.scale = 0.001;  // 3 ms between polls
    settings.timeout = timeout;
    OperationFollower follower(read_contract("get-operation"), client, origin.base(), Signer{}, settings);
    FollowedOperation op{"valid.replicate-to-de-fra-1", "valid.json", 7, std::move(op_id), kKey, "de-fra-1",
                         std::chrono::steady_clock::now()};
    auto out = follower.follow({op});
    EXPECT_EQ(out.size(), 1u);
    return {out.at(0)};
}

TEST(OperationFollower, PendingThenSuccessPassesAsItsOwnCase) {
    ScriptedOrigin origin([](int n, const std::string& line) {
        EXPECT_EQ(line, "GET /v2/operation/" + kOp + " HTTP/1.1");
        return json_response(200, operation(n < 2 ? "pending" : "success"));
    });
    auto f = follow(origin);
    EXPECT_EQ(f.result.c.full_name(), "operations.valid.replicate-to-de-fra-1");
    EXPECT_EQ(f.result.end_state, "success");
    EXPECT_EQ(f.result.result.verdict, Verdict::pass);
    EXPECT_TRUE(f.result.result.findings.empty());
    EXPECT_EQ(f.result.result.exchanges.size(), 3u);
}

TEST(OperationFollower, NeverSettlingIsOperationSettles) {
    ScriptedOrigin origin([](int, const std::string&) { return json_response(200, operation("pending")); });
    const auto started = std::chrono::steady_clock::now();
    auto f = follow(origin, 100ms);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    EXPECT_TRUE(f.has(CheckId::operation_settles, Level::must));
    EXPECT_EQ(f.result.result.verdict, Verdict::fail);
    EXPECT_EQ(f.result.end_state, "");
    for (const auto& finding : f.result.result.findings)
        EXPECT_EQ(finding.message.find("cache"), std::string::npos) << "no cache in front: " << finding.message;
    EXPECT_NE(origin.last_request().find("\r\nCache-Control: no-cache\r\n"), std::string::npos)
        << "a poll asks for a fresh answer: " << origin.last_request();
}

// Issue 22: a cache in front kept the first poll's pending, so the operation "never settled";
// the finding names the cache, not the origin.
TEST(OperationFollower, PendingKeptByACacheNamesTheCache) {
    ScriptedOrigin origin([](int n, const std::string&) {
        return json_response(200, operation("pending"),
                             "Age: " + std::to_string(n) + "\r\nVia: 1.1 varnish (Varnish/7.1)\r\nX-Varnish: " +
                                 std::to_string(100 + n) + " 7\r\n");
    });
    auto f = follow(origin, 100ms);
    ASSERT_TRUE(f.has(CheckId::operation_settles, Level::must));
    bool named = false;
    for (const auto& finding : f.result.result.findings)
        if (finding.check == CheckId::operation_settles)
            named = finding.message.find("served from a cache (Age: ") != std::string::npos &&
                    finding.message.find("GET /v2/operation/{id}") != std::string::npos;
    EXPECT_TRUE(named) << "the finding names the cache";
}

TEST(OperationFollower, ForgottenOperationIsOperationKnown) {
    ScriptedOrigin origin([](int n, const std::string&) {
        return n == 0 ? json_response(200, operation("pending"))
                      : json_response(404, R"({"type":"about:blank","title":"Not Found","status":404,"detail":"no such operation"})");
    });
    auto f = follow(origin);
    EXPECT_TRUE(f.has(CheckId::operation_known, Level::must));
    EXPECT_EQ(origin.requests(), 2);  // no poll after the 404
}

TEST(OperationFollower, AnotherIdAndAnotherKeyAreFindings) {
    ScriptedOrigin wrong_id([](int, const std::string&) {
        return json_response(200, operation("success", "00000000-0000-4000-8000-000000000001"));
    });
    EXPECT_TRUE(follow(wrong_id).has(CheckId::operation_id, Level::must));
    ScriptedOrigin wrong_ref([](int, const std::string&) {
        return json_response(200, R"({"id":")" + kOp + R"(","state":"success","reference":{"id":"5f0c3a1e-7b2d-4c8e-9a41-6d2e8b1f0c35"}})");
    });
    EXPECT_TRUE(follow(wrong_ref).has(CheckId::operation_reference, Level::must));
}

TEST(OperationFollower, FailureIsShouldAndWithoutReasonTwice) {
    ScriptedOrigin with_reason([](int, const std::string&) {
        return json_response(200, operation("failure", kOp, R"(,"reason":"unavailable")"));
    });
    auto a = follow(with_reason);
    EXPECT_EQ(a.result.result.verdict, Verdict::non_strict);
    EXPECT_FALSE(a.has(CheckId::operation_failure_reason, Level::should));
    ScriptedOrigin no_reason([](int, const std::string&) { return json_response(200, operation("failure")); });
    auto b = follow(no_reason);
    EXPECT_TRUE(b.has(CheckId::operation_failure_reason, Level::should));
    EXPECT_EQ(b.result.end_state, "failure");
}

TEST(OperationFollower, StateOutsideTheEnumAndSchemaAreJudgedOnEveryPoll) {
    ScriptedOrigin origin([](int, const std::string&) { return json_response(200, operation("done")); });
    auto f = follow(origin);
    EXPECT_TRUE(f.has(CheckId::operation_state, Level::must));
    EXPECT_TRUE(f.has(CheckId::body_schema, Level::must));  // the enum, from operation.json
}

TEST(OperationFollower, ServerErrorsAreRetriedUpToFiveInARow) {
    ScriptedOrigin flaky([](int n, const std::string&) {
        return n < 2 ? json_response(502, "{}") : json_response(200, operation("success"));
    });
    auto a = follow(flaky);
    EXPECT_EQ(a.result.result.verdict, Verdict::informational);
    EXPECT_TRUE(a.has(CheckId::operation_poll_errors, Level::informational));
    EXPECT_EQ(a.result.end_state, "success");

    ScriptedOrigin down([](int, const std::string&) { return json_response(500, "{}"); });
    auto b = follow(down);
    EXPECT_TRUE(b.has(CheckId::operation_poll_errors, Level::must));
    EXPECT_EQ(down.requests(), 5);
}

TEST(OperationFollower, UnavailableWithRetryAfterIsWaitedOut) {
    ScriptedOrigin origin([](int n, const std::string&) {
        return n == 0 ? json_response(503, "{}", "Retry-After: 1\r\n") : json_response(200, operation("success"));
    });
    const auto started = std::chrono::steady_clock::now();
    auto f = follow(origin, 5000ms);
    EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);
    EXPECT_TRUE(f.has(CheckId::service_unavailable, Level::informational));
    EXPECT_EQ(f.result.result.verdict, Verdict::informational);
}

TEST(OperationFollower, AnOperationWithoutIdCannotBePolled) {
    ScriptedOrigin origin([](int, const std::string&) { return json_response(200, operation("success")); });
    auto f = follow(origin, 1000ms, "");
    EXPECT_TRUE(f.has(CheckId::operation_id, Level::must));
    EXPECT_EQ(origin.requests(), 0);
}

KeyRead read(ScriptedOrigin& origin) {
    HttpClient client(origin.base(), ClientOptions{});
    Case c = read_case("key-state", "before-cases", "r", "/kms-key/${key}");
    return read_key(read_contract("get-kms-key"), c, client, origin.base(), Signer{}, Variables{kKey, "de-fra-1"});
}

std::string key_body(const std::string& replicas) {
    return R"({"zone":"ch-gva-2","id":")" + kKey + R"(","name":"k","description":"","usage":"encrypt-decrypt",)"
           R"("source":"exoscale-kms","policy":"","status":"enabled","status-since":"2026-03-31T00:00:00Z",)"
           R"("material":{"version":1,"created-at":"2026-03-31T00:00:00Z","automatic":false},)"
           R"("rotation":{"manual-count":0,"automatic":false,"rotation-period":0,"next-at":"2026-03-31T00:00:00Z"},)"
           R"("multi-zone":true,"origin-zone":"ch-gva-2","replicas":)" + replicas +
           R"(,"created-at":"2026-03-31T00:00:00Z","revision":{"at":"2026-03-31T00:00:00Z","seq":1}})";
}

TEST(KeyReader, ConformingKeyReadGivesTheState) {
    ScriptedOrigin origin([](int, const std::string& line) {
        EXPECT_EQ(line, "GET /v2/kms-key/" + kKey + " HTTP/1.1");
        return json_response(200, key_body(R"(["de-fra-1"])"));
    });
    auto r = read(origin);
    ASSERT_TRUE(r.state);
    EXPECT_FALSE(r.unavailable);
    EXPECT_TRUE(r.state->lists("de-fra-1"));
    EXPECT_EQ(r.result.verdict, Verdict::pass);
    EXPECT_TRUE(r.result.findings.empty());
    EXPECT_FALSE(r.cached);
    EXPECT_NE(origin.last_request().find("\r\nCache-Control: no-cache\r\n"), std::string::npos) << origin.last_request();
}

TEST(KeyReader, ACachedReadSaysWhatShowsIt) {
    ScriptedOrigin origin([](int, const std::string&) {
        return json_response(200, key_body(R"(["de-fra-1"])"), "Age: 4\r\nX-Cache: HIT\r\n");
    });
    auto r = read(origin);
    ASSERT_TRUE(r.state);
    ASSERT_TRUE(r.cached);
    EXPECT_EQ(*r.cached, "Age: 4, X-Cache: HIT");
}

TEST(KeyReader, NoKeyReadIsAnInformationalFallback) {
    for (int status : {404, 405}) {
        ScriptedOrigin origin([status](int, const std::string&) {
            return test::http_response(status, "no route", "Content-Type: text/plain\r\nAllow: POST\r\n");
        });
        auto r = read(origin);
        EXPECT_TRUE(r.unavailable) << status;
        EXPECT_FALSE(r.state);
        EXPECT_EQ(r.result.verdict, Verdict::informational) << status;
    }
}

TEST(KeyReader, AnotherAnswerOrBodyIsKeyStateRead) {
    ScriptedOrigin broken([](int, const std::string&) { return json_response(500, "{}"); });
    auto a = read(broken);
    EXPECT_EQ(a.result.verdict, Verdict::fail);
    bool key_state = false;
    for (const auto& f : a.result.findings) key_state = key_state || f.check == CheckId::key_state_read;
    EXPECT_TRUE(key_state);
    ScriptedOrigin no_replicas([](int, const std::string&) { return json_response(200, key_body("\"de-fra-1\"")); });
    auto b = read(no_replicas);
    EXPECT_FALSE(b.state);
    EXPECT_EQ(b.result.verdict, Verdict::fail);  // body_schema and key_state_read
}

// docs/contract.md §9: a 503 with Retry-After is resent like a 429, each wait reported.
TEST(UnavailableRetryAfter, ReplicateIsResentAfterTheWait) {
    ScriptedOrigin origin([](int n, const std::string&) {
        return n == 0 ? json_response(503, R"({"type":"about:blank","title":"Unavailable","status":503,"detail":"busy"})",
                                      "Retry-After: 1\r\n")
                      : json_response(200, operation("pending"));
    });
    HttpClient client(origin.base(), ClientOptions{});
    RunSettings settings;
    settings.vars = {kKey, "de-fra-1"};
    CaseRunner runner(test::seed_contract(), client, origin.base(), settings);
    Case c = test::any_case(Outcome::accepted);
    c.request.body = R"({"zone":"de-fra-1"})";
    const auto started = std::chrono::steady_clock::now();
    CaseResult r = runner.run(c);
    EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);
    EXPECT_EQ(origin.requests(), 2);
    EXPECT_EQ(r.verdict, Verdict::informational);
    ASSERT_EQ(r.findings.size(), 1u);
    EXPECT_EQ(r.findings[0].check, CheckId::service_unavailable);
    EXPECT_NE(r.findings[0].message.find("resent after 1 s"), std::string::npos) << r.findings[0].message;
}

TEST(UnavailableRetryAfter, WithoutRetryAfterA503IsJudgedAsSent) {
    ScriptedOrigin origin([](int, const std::string&) { return json_response(503, "{}"); });
    HttpClient client(origin.base(), ClientOptions{});
    RunSettings settings;
    settings.vars = {kKey, "de-fra-1"};
    CaseRunner runner(test::seed_contract(), client, origin.base(), settings);
    CaseResult r = runner.run(test::any_case(Outcome::accepted));
    EXPECT_EQ(origin.requests(), 1);
    EXPECT_EQ(r.verdict, Verdict::fail);
    bool server_error = false;
    for (const auto& f : r.findings) server_error = server_error || f.check == CheckId::no_server_error;
    EXPECT_TRUE(server_error);
}

}  // namespace
}  // namespace kms
