// `kmsconf proxy` end to end (issue 25 items 1-3): the bytes pass unchanged both ways (raw
// sockets and curl against an origin of canned bytes), a run through the proxy is judged by the
// proxy as the run judges it, with or without a fault, and the exit codes: 2 for bad flags before
// listening, 3 when the upstream answered nothing, 2 when nothing touched the contract.
#include "tests/cli/proxy_support.hpp"
#include "tests/support/junit_schemas.hpp"
#include "tests/support/test_ca.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace kms::cli_test {
namespace {

// Everything a connection to 127.0.0.1:port returns for `request` until the peer closes it
// (at most 10 s).
std::string raw_exchange(int port, const std::string& request) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(static_cast<std::uint16_t>(port));
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string out;
    if (connect(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0 &&
        send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < until) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 200) <= 0) continue;
            char buf[4096];
            const ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    close(fd);
    return out;
}


// A connection's worth of requests, each written oddly on purpose (header case and spacing, a
// chunk extension), ending with one the origin answers by closing.
const std::string kOddRequests =
    "POST /ok HTTP/1.1\r\nHost: example.test\r\ncontent-type: application/json\r\nX-Spaced:   a  b \r\n"
    "Content-Length: 18\r\n\r\n{\"zone\":\"ch-dk-2\"}"
    "GET /problem HTTP/1.1\r\nHost: example.test\r\n\r\n"
    "POST /chunked HTTP/1.1\r\nHost: example.test\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5;x=y\r\n{\"zon\r\nd\r\ne\":\"ch-dk-2\"}\r\n0\r\n\r\n"
    "POST /continue HTTP/1.1\r\nHost: example.test\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}"
    "GET /close HTTP/1.1\r\nHost: example.test\r\n\r\n";

TEST(CliProxy, TheBytesPassUnchangedBothWays) {
    const fs::path dir = temp_dir("proxy-bytes");
    ServerProcess origin(ShellCommand{"exec python3 " KMSCONF_SOURCE_DIR "/tests/cli/proxy/canned_origin.py " + (dir / "direct.log").string()});
    ASSERT_FALSE(origin.url().empty()) << origin.line();
    const std::string direct = raw_exchange(std::stoi(origin.url().substr(origin.url().rfind(':') + 1)), kOddRequests);
    ASSERT_NE(direct.find("HTTP/1.1 100 Continue"), std::string::npos) << direct;
    ASSERT_NE(direct.find("X-Sum: 42"), std::string::npos) << "the chunked answer, trailer and all: " << direct;
    const std::string direct_requests = read_file(dir / "direct.log");
    ASSERT_EQ(direct_requests, kOddRequests) << "the origin logs each request as received";
    fs::rename(dir / "direct.log", dir / "direct-requests.log");

    ProxyProcess proxy("--upstream " + origin_of(origin.url()) + " --report-dir " + (dir / "reports").string(), "proxy-bytes");
    ASSERT_FALSE(proxy.url().empty());
    // One connection through the proxy: keep-alive, a 1xx, chunked framing and a close.
    EXPECT_EQ(raw_exchange(proxy.port(), kOddRequests), direct);
    EXPECT_EQ(read_file(dir / "direct.log"), kOddRequests) << "the request bytes reached the origin unchanged";

    // curl, as a user would try it: its output through the proxy is its output direct.
    const std::string curl = "-s --raw -i -H 'Host: example.test' ";
    const std::string paths[] = {"/ok", "/problem", "/chunked", "/close"};
    std::string to_origin, to_proxy;
    for (const auto& p : paths) {
        to_origin += " " + origin.url() + p;
        to_proxy += " " + proxy.url() + p;
    }
    const Result through_origin = run_binary("curl", curl + to_origin, 30);
    const Result through_proxy = run_binary("curl", curl + to_proxy, 30);
    EXPECT_EQ(through_origin.code, 0) << through_origin.output;
    EXPECT_NE(through_origin.output.find("Connection: close"), std::string::npos) << through_origin.output;
    EXPECT_EQ(through_proxy.output, through_origin.output);
    EXPECT_EQ(through_proxy.code, 0);

    // None of it is on an operation the contract knows: nothing judged is no pass.
    const Result stopped = proxy.stop();
    EXPECT_EQ(stopped.code, 2) << stopped.output;
    EXPECT_NE(stopped.output.find("nothing to judge: 9 exchange(s) passed"), std::string::npos) << stopped.output;
    EXPECT_EQ(stopped.output.find("relayed unframed"), std::string::npos) << "every message was framed: " << stopped.output;
}

std::set<std::string> failing_cases(const fs::path& summary) {
    std::set<std::string> out;
    for (const auto& [id, o] : read_case_outcomes(summary))
        if (o.verdict == "fail") out.insert(id);
    return out;
}

// The run's exchanges, in order, as its exchanges.har names their cases.
std::vector<std::string> har_case_names(const fs::path& har) {
    std::vector<std::string> out;
    rapidjson::Document d;
    d.Parse(read_file(har).c_str());
    if (!d.IsObject()) return out;
    for (const auto& e : d["log"]["entries"].GetArray())
        out.push_back(e.HasMember("comment") && e["comment"].IsString() ? e["comment"].GetString() : "");
    return out;
}

// kmsconf run through the proxy to `kmsconf serve SERVER_ARGS`: the run's exit code, and the
// proxy's, and where each wrote its reports.
struct ThroughProxy {
    Result run, proxy;
    fs::path run_dir, proxy_dir;
};

ThroughProxy run_through_proxy(const std::string& server_args, const std::string& name) {
    ServerProcess server(server_args);
    ThroughProxy t;
    t.run_dir = temp_dir(name + "-run");
    t.proxy_dir = temp_dir(name + "-proxy");
    ProxyProcess proxy("--upstream " + origin_of(server.url()) + " --report-dir " + t.proxy_dir.string(), name);
    EXPECT_FALSE(proxy.url().empty());
    t.run = kmsconf("--base-url " + proxy.url() + "/v2 --report-dir " + t.run_dir.string(), 120);
    t.proxy = proxy.stop();
    return t;
}

// Each case's requirement (what it was expected to do: it names the expectation the contract and
// the traffic gave it), verdict and the checks of its findings, as a multiset: the proxy names
// its cases and places by exchange, a judge by HAR entry, and those names are taken out.
std::multiset<std::string> verdicts(const fs::path& summary) {
    std::multiset<std::string> out;
    rapidjson::Document d;
    d.Parse(read_file(summary).c_str());
    if (!d.IsObject() || !d.HasMember("cases")) return out;
    for (const auto& c : d["cases"].GetArray()) {
        std::string text = std::regex_replace(c["requirement"].GetString(), std::regex("recorded at [^(]*\\("), "recorded at (");
        text += std::string(" ") + c["verdict"].GetString();
        for (const auto& f : c["findings"].GetArray()) text += std::string(" ") + f["check"].GetString();
        out.insert(text);
    }
    return out;
}

TEST(CliProxy, ARunThroughTheProxyIsJudgedAsTheRunJudgesIt) {
    const ThroughProxy t = run_through_proxy("", "proxy-clean");
    EXPECT_EQ(t.run.code, 0) << t.run.output;
    EXPECT_EQ(t.proxy.code, 0) << t.proxy.output;
    const auto cases = read_case_outcomes(t.proxy_dir / "summary.json");
    EXPECT_GT(cases.size(), 100u);
    for (const auto& [id, o] : cases) EXPECT_NE(o.verdict, "fail") << id;
    // Every exchange the run recorded passed through the proxy, none lost or added.
    const auto sent = har_case_names(t.run_dir / "exchanges.har");
    EXPECT_NE(t.proxy.output.find(std::to_string(sent.size()) + " exchange(s) on"), std::string::npos)
        << sent.size() << " exchanges sent: " << t.proxy.output;
    EXPECT_EQ(kms::test::junit10_errors(t.proxy_dir / "junit.xml"), "");
    for (const char* f : {"summary.md", "report.html", "exchanges.har"}) EXPECT_TRUE(fs::exists(t.proxy_dir / f)) << f;

    // The proxy's own recording, judged again offline (its failing cases' rerun line): the same verdicts.
    const fs::path again = temp_dir("proxy-clean-again");
    const Result judged = kmsconf("judge " + (t.proxy_dir / "exchanges.har").string() + " --report-dir " + again.string());
    EXPECT_EQ(judged.code, 0) << judged.output;
    EXPECT_EQ(verdicts(again / "summary.json"), verdicts(t.proxy_dir / "summary.json"))
        << "each case's verdict and checks, the bodies the proxy kept in part (answered early, or beyond 64 KiB) included";
}

TEST(CliProxy, UnderAFaultTheProxyFailsWhereTheRunFails) {
    // unsolicited-response: bytes after a complete response, which only the wire shows (a HAR
    // cannot): the proxy sees them as a run does.
    for (const std::string fault : {"bad-enum", "problem-status-mismatch", "forget-replicas", "unsolicited-response",
                                    "no-allow-header"}) {
        SCOPED_TRACE(fault);
        const ThroughProxy t = run_through_proxy("--fault " + fault, "proxy-" + fault);
        EXPECT_EQ(t.run.code, 1) << t.run.output;
        EXPECT_EQ(t.proxy.code, 1) << t.proxy.output;
        // The same checks fail.
        EXPECT_EQ(failing_checks(t.proxy_dir / "summary.json"), failing_checks(t.run_dir / "summary.json")) << t.proxy.output;
        // The proxy numbers exchanges as they complete; the run sends one at a time, so exchange
        // N is the run's Nth, which its exchanges.har names the case of. Every case the run
        // failed has an exchange the proxy failed. The proxy may fail more: a run case that
        // expects "200 or Conflict" of a zone it cannot know the state of is satisfied by a
        // 200, while the proxy, having seen that key and zone answered 2xx before, knows that
        // a second 200 is the fault (forget-replicas).
        const auto names = har_case_names(t.run_dir / "exchanges.har");
        std::set<std::string> run_cases_failed_by_proxy;
        for (const auto& id : failing_cases(t.proxy_dir / "summary.json")) {
            std::smatch m;  // recorded.exchange-N, or recorded.exchange-N-stray for bytes after exchange N
            ASSERT_TRUE(std::regex_search(id, m, std::regex("exchange-(\\d+)"))) << id;
            const std::size_t n = std::stoul(m[1]);
            ASSERT_LE(n, names.size()) << id;
            run_cases_failed_by_proxy.insert(names[n - 1]);
        }
        for (const auto& failed : failing_cases(t.run_dir / "summary.json")) {
            if (is_run_own_case(failed)) continue;  // the run's own key reads and follows: judged per exchange below
            bool found = false;
            for (const auto& named : run_cases_failed_by_proxy) found |= named.find(failed) != std::string::npos;
            EXPECT_TRUE(found) << failed << " failed in the run; none of its exchanges failed in the proxy";
        }
    }
}

TEST(CliProxy, AnAnswerToComeBackLaterIsNoFailure) {
    // The client is told to wait (429, 503 with Retry-After) and resends, as kmsconf does: the
    // proxy sees both exchanges, and the refusal is conforming (RFC 6585 §4, RFC 9110 §15.6.4).
    for (const std::string fault : {"rate-limit-once", "unavailable-once"}) {
        SCOPED_TRACE(fault);
        const ThroughProxy t = run_through_proxy("--fault " + fault, "proxy-" + fault);
        EXPECT_EQ(t.run.code, 0) << t.run.output;
        EXPECT_EQ(t.proxy.code, 0) << t.proxy.output;
        const auto cases = read_case_outcomes(t.proxy_dir / "summary.json");
        const std::string check = fault == "rate-limit-once" ? "rate_limited" : "service_unavailable";
        EXPECT_TRUE(std::any_of(cases.begin(), cases.end(), [&](const auto& c) { return c.second.checks.count(check) > 0; }))
            << "the refusal is seen, and noted: " << t.proxy.output;
    }
}

TEST(CliProxy, BadFlagsAreExit2BeforeListening) {
    const std::pair<std::string, std::string> refused[] = {
        {"", "--upstream is required"},
        {"--upstream http://127.0.0.1:9/v2", "has a path (/v2)"},
        {"--upstream ftp://x", "--upstream 'ftp://x'"},
        {"--upstream http://127.0.0.1:9 --port 70000", "--port"},
        {"--upstream http://127.0.0.1:9 --duration -1", "--duration"},
        {"--upstream http://127.0.0.1:9 extra", "unexpected argument 'extra'"},
        {"--upstream https://127.0.0.1:9 --ca-file /nonexistent.pem", "--ca-file /nonexistent.pem"},
    };
    for (const auto& [args, message] : refused) {
        SCOPED_TRACE(args);
        const Result r = kmsconf("proxy " + args, 20);
        EXPECT_EQ(r.code, 2) << r.output;
        EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
        EXPECT_EQ(r.output.find("listening on"), std::string::npos) << r.output;
    }
}

TEST(CliProxy, AnUpstreamThatNeverAnswersIs502AndExit3) {
    // A port nothing listens on: each request gets the proxy's 502, and the proxy exits 3.
    ProxyProcess proxy("--upstream http://127.0.0.1:9 --max-exchanges 1 --report-dir " + temp_dir("proxy-down").string(),
                       "proxy-down");
    ASSERT_FALSE(proxy.url().empty());
    const Result curl = run_binary("curl", "-s -i -X POST -d '{\"zone\":\"ch-dk-2\"}' " + proxy.url() +
                                               "/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate", 30);
    EXPECT_NE(curl.output.find("HTTP/1.1 502 Bad Gateway"), std::string::npos) << curl.output;
    EXPECT_NE(curl.output.find("connect 127.0.0.1:9"), std::string::npos) << curl.output;
    const Result stopped = proxy.wait(20);  // --max-exchanges 1 stops it
    EXPECT_EQ(stopped.code, 3) << stopped.output;
    EXPECT_NE(stopped.output.find("the upstream answered none of the 1 request(s)"), std::string::npos) << stopped.output;
}

TEST(CliProxy, AnUpstreamSilentBeyondTheTimeoutIs504) {
    // Accepts, reads, never answers.
    ServerProcess silent(ShellCommand{
        "exec python3 -c 'import socket,time\n"
        "s=socket.socket(); s.bind((\"127.0.0.1\",0)); s.listen(8)\n"
        "print(\"listening on http://127.0.0.1:%d\" % s.getsockname()[1], flush=True)\n"
        "c=s.accept(); time.sleep(60)'"});
    ASSERT_FALSE(silent.url().empty()) << silent.line();
    ProxyProcess proxy("--upstream " + silent.url() + " --timeout-ms 500 --report-dir " + temp_dir("proxy-silent").string(),
                       "proxy-silent");
    ASSERT_FALSE(proxy.url().empty());
    const auto started = std::chrono::steady_clock::now();
    const Result curl = run_binary("curl", "-s -i " + proxy.url() + "/v2/operation/2d9c1b0e-6f4a-4e1b-9c3d-7a5e8f0b1c2d", 30);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_NE(curl.output.find("HTTP/1.1 504 Gateway Timeout"), std::string::npos) << curl.output;
    const Result stopped = proxy.stop(SIGTERM);
    EXPECT_EQ(stopped.code, 3) << stopped.output;
    EXPECT_NE(stopped.output.find("stopped after SIGTERM"), std::string::npos) << stopped.output;
    EXPECT_NE(stopped.output.find("no answer within 500 ms"), std::string::npos) << "the unanswered poll is a finding: " << stopped.output;
}

TEST(CliProxy, AnHttpsUpstreamIsVerified) {
    kms::test::TestCa ca;
    const auto leaf = ca.issue("localhost", "DNS:localhost,IP:127.0.0.1");
    ServerProcess server("--tls-cert " + leaf.cert.string() + " --tls-key " + leaf.key.string());
    ASSERT_FALSE(server.url().empty()) << server.line();
    const std::string upstream = "https://localhost:" + std::to_string(server.port());

    // Without the CA the certificate does not verify: the proxy's 502 says why, and it exits 3.
    ProxyProcess unverified("--upstream " + upstream + " --max-exchanges 1 --report-dir " + temp_dir("proxy-tls-bad").string(),
                            "proxy-tls-bad");
    ASSERT_FALSE(unverified.url().empty());
    const Result refused = run_binary("curl", "-s -i " + unverified.url() + "/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0", 30);
    EXPECT_NE(refused.output.find("HTTP/1.1 502 Bad Gateway"), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find("TLS handshake with localhost"), std::string::npos) << refused.output;
    EXPECT_EQ(unverified.wait(20).code, 3);

    // With it, a run through the proxy passes, and so does the proxy.
    ProxyProcess proxy("--upstream " + upstream + " --ca-file " + ca.ca_file().string() + " --report-dir " +
                           temp_dir("proxy-tls").string(),
                       "proxy-tls");
    ASSERT_FALSE(proxy.url().empty());
    const Result run = kmsconf("--base-url " + proxy.url() + "/v2 --filter 'valid.*' --report-dir " + temp_dir("proxy-tls-run").string(), 120);
    EXPECT_EQ(run.code, 0) << run.output;
    const Result stopped = proxy.stop();
    EXPECT_EQ(stopped.code, 0) << stopped.output;
}

TEST(CliProxy, SignedTrafficIsVerifiedAndItsSecretsNeverShown) {
    const std::string key = "EXOproxytest00000000000000", secret = "pr0xy-s3cr3t-Do-Not-Print-1a2b3c";
    const std::string env = "EXOSCALE_API_KEY=" + key + " EXOSCALE_API_SECRET=" + secret;
    ServerProcess server(ShellCommand{env + " exec " KMSCONF_BINARY " serve --port 0 --credentials-from-env"});
    ASSERT_FALSE(server.url().empty()) << server.line();
    const fs::path dir = temp_dir("proxy-signed");
    std::ofstream(dir / "secret.txt") << secret << "\n";
    // The proxy verifies the client's signatures with the client's own key and secret.
    ProxyProcess proxy("--upstream " + origin_of(server.url()) + " --api-key " + key + " --api-secret-file " +
                           (dir / "secret.txt").string() + " -v --report-dir " + (dir / "reports").string(),
                       "proxy-signed");
    ASSERT_FALSE(proxy.url().empty());
    const Result run = kmsconf("--base-url " + proxy.url() + "/v2 --filter 'valid.*' --report-dir " + (dir / "run").string(), 120, env);
    EXPECT_EQ(run.code, 0) << run.output;
    const Result stopped = proxy.stop();
    EXPECT_EQ(stopped.code, 0) << stopped.output;
    for (const auto& [id, o] : read_case_outcomes(dir / "reports" / "summary.json"))
        EXPECT_EQ(o.checks.count("client_signed"), 0u) << id << ": every signature verifies";
    EXPECT_EQ(stopped.output.find(secret), std::string::npos);
    EXPECT_EQ(stopped.output.find("signature="), std::string::npos) << "-v prints every case, redacted";
    for (const auto& entry : fs::directory_iterator(dir / "reports")) {
        const std::string text = read_file(entry.path());
        EXPECT_EQ(text.find(secret), std::string::npos) << entry.path();
        EXPECT_EQ(text.find("signature="), std::string::npos) << entry.path();
    }
}

TEST(CliProxy, WhatItCannotJudgeIsSaidNotBlamed) {
    ServerProcess server("");
    ASSERT_FALSE(server.url().empty());
    ProxyProcess proxy("--upstream " + origin_of(server.url()) + " --max-exchanges 3 --report-dir " + temp_dir("proxy-unjudged").string(),
                       "proxy-unjudged");
    ASSERT_FALSE(proxy.url().empty());
    // A key read pipelined ahead of a request Beast cannot read: the read is still framed and
    // judged, the rest passes as sent.
    const std::string answered = raw_exchange(proxy.port(),
                                              "GET /v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0 HTTP/1.1\r\nHost: x\r\n\r\n"
                                              "BLAH /x HTTP/9.9 junk\r\n\r\n");
    EXPECT_EQ(answered.rfind("HTTP/1.1 200 OK", 0), 0u) << answered;
    // The proxy used as a forward proxy: the absolute URL is not the upstream's, so not judged.
    const std::string replicate = "http://api-ch-gva-2.exoscale.com/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate";
    run_binary("curl", "-s -x " + proxy.url() + " -X POST -d '{\"zone\":\"ch-dk-2\"}' " + replicate, 30);
    run_binary("curl", "-s " + proxy.url() + "/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0", 30);
    const Result stopped = proxy.wait(20);  // the three exchanges, each counted
    EXPECT_EQ(stopped.code, 0) << stopped.output;
    EXPECT_NE(stopped.output.find("2 passed, 0 failed"), std::string::npos) << "the two key reads: " << stopped.output;
    EXPECT_NE(stopped.output.find("1 connection(s) relayed unframed"), std::string::npos) << stopped.output;
    EXPECT_NE(stopped.output.find("1 of them with an absolute URL as target"), std::string::npos) << stopped.output;
}

TEST(CliProxy, BeyondMaxJudgedExchangesAreForwardedUnjudged) {
    ServerProcess server("");
    ASSERT_FALSE(server.url().empty());
    ProxyProcess proxy("--upstream " + origin_of(server.url()) + " --max-judged 2 --max-exchanges 3 --report-dir " +
                           temp_dir("proxy-max-judged").string(),
                       "proxy-max-judged");
    ASSERT_FALSE(proxy.url().empty());
    for (int i = 0; i < 3; ++i) {
        const Result read = run_binary("curl", "-s -o /dev/null -w '%{http_code}' " + proxy.url() +
                                                   "/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0", 30);
        EXPECT_EQ(read.output, "200") << "the third is forwarded as ever";
    }
    const Result stopped = proxy.wait(20);
    EXPECT_EQ(stopped.code, 0) << stopped.output;
    EXPECT_NE(stopped.output.find("2 passed, 0 failed"), std::string::npos) << stopped.output;
    EXPECT_NE(stopped.output.find("1 exchange(s) after the first 2 (--max-judged) were forwarded but not judged"),
              std::string::npos)
        << stopped.output;
}

TEST(CliProxy, NoTrafficAtAllIsNoPass) {
    ProxyProcess proxy("--upstream http://127.0.0.1:9 --duration 0.5 --report-dir " + temp_dir("proxy-idle").string(), "proxy-idle");
    ASSERT_FALSE(proxy.url().empty());
    const Result stopped = proxy.wait(20);
    EXPECT_EQ(stopped.code, 3) << stopped.output;
    EXPECT_NE(stopped.output.find("no request came through the proxy"), std::string::npos) << stopped.output;
    EXPECT_NE(stopped.output.find("stopped after 0.5 s (--duration)"), std::string::npos) << stopped.output;
}

}  // namespace
}  // namespace kms::cli_test
