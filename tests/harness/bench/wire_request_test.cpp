// WireRequest: the bytes on the wire, and signatures that the server-side check accepts,
// re-made when the second changes and only then.
#include "harness/bench/wire_request.hpp"

#include "harness/bench/response_parser.hpp"

#include <gtest/gtest.h>

namespace kms::bench {
namespace {

BaseUrl base() {
    std::string error;
    return *parse_base_url("http://127.0.0.1:8080/v2", &error);
}

RequestSpec replicate() {
    return {"POST", "/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate", "application/json",
            R"({"zone":"de-fra-1"})"};
}

std::string header(const std::string& wire, const std::string& name) {
    auto p = wire.find("\r\n" + name + ": ");
    if (p == std::string::npos) return "";
    p += name.size() + 4;
    return wire.substr(p, wire.find("\r\n", p) - p);
}

TEST(WireRequest, UnsignedBytes) {
    WireRequest w(replicate(), base(), std::nullopt, false);
    const std::string& bytes = *w.bytes(1700000000);
    EXPECT_EQ(bytes.rfind("POST /v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate HTTP/1.1\r\n", 0), 0u);
    EXPECT_EQ(header(bytes, "Host"), "127.0.0.1:8080");
    EXPECT_EQ(header(bytes, "Content-Type"), "application/json");
    EXPECT_EQ(header(bytes, "Content-Length"), "19");
    EXPECT_EQ(header(bytes, "Authorization"), "");
    EXPECT_EQ(header(bytes, "Connection"), "");
    EXPECT_EQ(bytes.substr(bytes.size() - 23), "\r\n\r\n{\"zone\":\"de-fra-1\"}");
    // Unsigned bytes never change: the same buffer every time.
    EXPECT_EQ(w.bytes(1700000001).get(), w.bytes(1700000000).get());
}

TEST(WireRequest, BytesExactly) {
    // Serialised by the harness's request_serializer: Host first, then the bench's headers as listed.
    const std::string head = "POST /v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate HTTP/1.1\r\n"
                             "Host: 127.0.0.1:8080\r\nUser-Agent: kmsconf-bench/0.1\r\nAccept: application/json\r\n"
                             "Content-Type: application/json\r\nContent-Length: 19\r\n";
    EXPECT_EQ(*WireRequest(replicate(), base(), std::nullopt, false).bytes(0), head + "\r\n{\"zone\":\"de-fra-1\"}");
    EXPECT_EQ(*WireRequest(replicate(), base(), std::nullopt, true).bytes(0),
              head + "Connection: close\r\n\r\n{\"zone\":\"de-fra-1\"}");
}

TEST(WireRequest, ConnectionCloseForANewConnectionPerRequest) {
    WireRequest w(replicate(), base(), std::nullopt, true);
    EXPECT_EQ(header(*w.bytes(0), "Connection"), "close");
}

TEST(WireRequest, SignedBytesVerifyAndAreRenewedEachSecond) {
    const Exo2Credentials creds{"EXOtestkey", "test-secret"};
    WireRequest w(replicate(), base(), creds, false);
    const std::int64_t t = 1700000000;
    auto first = w.bytes(t);
    const std::string auth = header(*first, "Authorization");
    ASSERT_FALSE(auth.empty());
    EXPECT_EQ(auth.find("test-secret"), std::string::npos);
    const RequestSpec s = replicate();
    EXPECT_EQ(verify_exo2(creds, auth, s.method, s.target, s.body, t), Exo2Verdict::ok);
    // Valid for the harness's 10 minutes, not beyond.
    EXPECT_EQ(verify_exo2(creds, auth, s.method, s.target, s.body, t + 599), Exo2Verdict::ok);
    EXPECT_EQ(verify_exo2(creds, auth, s.method, s.target, s.body, t + 601), Exo2Verdict::expired);

    EXPECT_EQ(w.bytes(t).get(), first.get()) << "same second: no re-signing";
    auto next = w.bytes(t + 1);
    EXPECT_NE(next.get(), first.get());
    EXPECT_EQ(verify_exo2(creds, header(*next, "Authorization"), s.method, s.target, s.body, t + 1), Exo2Verdict::ok);
    // The previous bytes stay valid for a write still in flight.
    EXPECT_EQ(header(*first, "Authorization"), auth);
}

}  // namespace
}  // namespace kms::bench
