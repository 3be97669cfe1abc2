// Hostile and broken targets end in a clear message and an honest exit code, in bounded time.
#include "tests/cli/cli_support.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

namespace kms::cli_test {
namespace {

// A listening socket that never accepts: the kernel completes TCP handshakes into the
// backlog, so connecting works and no byte ever comes back (a hung server).
class HungListener {
public:
    HungListener() {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd_, 128) != 0) return;
        socklen_t len = sizeof addr;
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
    }
    ~HungListener() { close(fd_); }
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

TEST(CliHostile, HungServerExits3InBoundedTime) {
    HungListener hung;
    ASSERT_GT(hung.port(), 0);
    auto started = std::chrono::steady_clock::now();
    auto r = kmsconf("--base-url http://127.0.0.1:" + std::to_string(hung.port()) +
                     "/v2 --timeout-ms 300 --report-dir " + temp_dir("hung").string());
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(r.code, 3) << r.output;
    EXPECT_NE(r.output.find("timed out"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("stopped answering"), std::string::npos) << r.output;
    // 5 cases wait out their 300 ms deadline, the rest are not sent.
    EXPECT_LT(seconds, 10.0) << r.output;
}

TEST(CliHostile, PartlyAnsweringServerIsAFailureNotUnreachable) {
    // slow-response stalls only valid replicates: the malformed cases are answered, so the
    // target is reachable but broken: exit 1, not 3.
    ServerProcess server("--fault slow-response --slow-delay-ms 2000");
    ASSERT_FALSE(server.url().empty());
    auto r = kmsconf("--base-url " + server.url() + " --timeout-ms 200 --filter 'malformed.zone-*,valid.*'" +
                     " --report-dir " + temp_dir("slow").string());
    EXPECT_EQ(r.code, 1) << r.output;
}

TEST(CliHostile, RateLimitIsHonouredNotFailed) {
    ServerProcess server("--fault rate-limit-once");
    ASSERT_FALSE(server.url().empty());
    auto started = std::chrono::steady_clock::now();
    auto r = kmsconf("--base-url " + server.url() + " --filter 'valid.replicate-to-*' --verbose --report-dir " +
                     temp_dir("429").string());
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("rate_limited: 429 Too Many Requests: resent after 1 s"), std::string::npos) << r.output;
    EXPECT_GE(seconds, 1.0) << "Retry-After: 1 was not waited for";
}

}  // namespace
}  // namespace kms::cli_test
