// The reference server under attack (issue 11): thousands of slowloris connections, header
// floods, oversized bodies, thousands of idle keep-alive connections. Through each, another
// client's requests must be answered quickly (p95 of a bounded number of probes under 100 ms)
// and the process's resident memory must stay within a per-connection budget. The server is the
// embedded one, one I/O thread, in this process; its timeouts are shortened so that the tests
// also see the attackers cut off, and its size limits are the defaults.
#include "server/reference_server.hpp"
#include "tests/server/attack_support.hpp"
#include "tests/server/test_support.hpp"
#include "common/fixture_ids.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <malloc.h>
#include <thread>

namespace kms::server {
namespace {

using namespace std::chrono_literals;
using test::probe;
using test::ProbeResult;
using test::RawConnection;
using test::resident_kib;
using test::SocketSet;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMany = 3000;
constexpr std::size_t kProbes = 40;
constexpr auto kProbeSpacing = 25ms;
constexpr double kProbeP95BudgetMs = 100;
// Resident memory a held connection may cost (server and test bookkeeping together). Measured
// here: ~4.7 KiB a slowloris connection (Session, socket, strand, timer, parser, a read buffer a
// partial head filled) and ~7.7 KiB an idle keep-alive one (its read buffer grown by a whole
// request, plus the 4 KiB the idle read prepares). Before the 16 KiB lingering-close buffer was
// allocated only by a connection that lingers, every Session held it: ~20.4 KiB a slowloris
// connection, 61 MiB for 3,000, which this bound refused. 12 KiB leaves room for allocator
// slack without letting a per-connection buffer of that size come back unseen.
constexpr std::size_t kBudgetPerConnectionKib = 12;
// Allocator and probe noise independent of the connection count.
constexpr std::size_t kFixedSlackKib = 8 * 1024;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;  // shadow memory and quarantine: RSS says nothing about the server
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

std::string report(const ProbeResult& p, std::size_t base_kib) {
    return "probe p95 " + std::to_string(p.p95()) + " ms, max " + std::to_string(p.max()) + " ms, failures " +
           std::to_string(p.failures) + "/" + std::to_string(p.ms.size()) + "; RSS " + std::to_string(base_kib) +
           " KiB -> peak " + std::to_string(p.peak_rss_kib) + " KiB";
}

class AttackTest : public ::testing::Test {
protected:
    void SetUp() override {
        // Each attacking connection is two descriptors here (client and server side).
        std::size_t limit = test::raise_fd_limit(2 * kMany + 256);
        ASSERT_GE(limit, 2 * kMany + 256) << "RLIMIT_NOFILE hard limit too low for " << kMany << " connections";
        ServerOptions o;
        o.header_timeout = 2000ms;
        o.idle_timeout = 3000ms;
        server_ = std::make_unique<ReferenceServer>(std::move(o));
        server_->start();
        // Warm up (first allocations of the service, the strand pool) before the baseline.
        probe(port(), 5, 1ms);
        // Memory an earlier test in this process freed is handed back first, so that the growth
        // measured is this attack's (CTest runs each test in a process of its own anyway).
        ::malloc_trim(0);
        base_kib_ = resident_kib();
        ASSERT_GT(base_kib_, 0u);
    }
    std::uint16_t port() const { return server_->port(); }

    // The probes answered, fast, and memory within budget for `connections` held ones.
    void expect_served(const ProbeResult& p, std::size_t connections) {
        std::string figures = report(p, base_kib_);
        std::cout << "[ attack   ] " << ::testing::UnitTest::GetInstance()->current_test_info()->name() << ": "
                  << connections << " connections; " << figures << "\n";
        EXPECT_EQ(p.failures, 0u) << figures;
        // A sanitizer slows the one I/O thread (clang -O1 ASan: slowloris p95 32 ms against 4 ms,
        // max 103 ms; the old gcc -O0 ASan build measured a p95 of 150 ms): the
        // budget scales with it, so that a stall still fails; a probe that fails never passes.
        EXPECT_LT(p.p95(), kSanitized ? 2 * kProbeP95BudgetMs : kProbeP95BudgetMs) << figures;
        if (kSanitized) return;
        std::size_t bound = base_kib_ + connections * kBudgetPerConnectionKib + kFixedSlackKib;
        EXPECT_LE(p.peak_rss_kib, bound) << figures;
    }

    std::unique_ptr<ReferenceServer> server_;
    std::size_t base_kib_ = 0;
};

// Slowloris: a request head that never ends, one byte at a time. The head's deadline is not
// renewed by the trickle, so every one of them is cut off at header_timeout.
TEST_F(AttackTest, SlowlorisConnectionsAreCutOffAndOthersServed) {
    SocketSet slow;
    std::string why;
    ASSERT_TRUE(slow.open(port(), kMany, &why)) << why;
    auto started = Clock::now();
    slow.send_to_all("POST /v2/kms-key/" + std::string(kDefaultKeyId) + "/replicate HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    std::atomic<bool> stop{false};
    std::thread trickle([&] {
        while (!stop) {
            slow.send_to_all("a");
            std::this_thread::sleep_for(200ms);
        }
    });
    ProbeResult p = probe(port(), kProbes, kProbeSpacing);
    std::size_t closed_during_probes = slow.count_closed();
    // header_timeout (2 s) after the head began, plus margin for 3,000 closes on one thread.
    std::size_t closed = 0;
    while (Clock::now() - started < 6s && (closed = slow.count_closed()) < kMany) std::this_thread::sleep_for(100ms);
    auto cut_after = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    stop = true;
    trickle.join();
    EXPECT_LT(closed_during_probes, kMany) << "cut off before the probes were done: the test held nothing";
    EXPECT_EQ(closed, kMany) << "slowloris connections still open after " << cut_after << " ms";
    expect_served(p, kMany);
}

// Header floods: endless header blocks, in long lines and in thousands of tiny fields. Each is
// refused with 431 once it passes header_limit (16 KiB), however much more is on the way.
TEST_F(AttackTest, HeaderFloodsGet431AndOthersServed) {
    std::string long_lines = "GET /v2/kms-key/" + std::string(kDefaultKeyId) + " HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 64; ++i) long_lines += "X-Flood-" + std::to_string(i) + ": " + std::string(1000, 'v') + "\r\n";
    std::string tiny_fields = "GET /v2/kms-key/" + std::string(kDefaultKeyId) + " HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 20000; ++i) tiny_fields += "a:b\r\n";

    constexpr int kFlooders = 2, kRounds = 150;
    std::atomic<int> refused{0}, other{0};
    std::vector<std::thread> flooders;
    for (int f = 0; f < kFlooders; ++f)
        flooders.emplace_back([&, f] {
            for (int i = 0; i < kRounds; ++i) {
                try {
                    RawConnection c(port());
                    c.send_all((i + f) % 2 ? long_lines : tiny_fields);
                    auto r = c.read_response(2000ms);
                    (r && r->status == 431 ? refused : other)++;
                } catch (const std::exception&) {
                    other++;
                }
            }
        });
    ProbeResult p = probe(port(), kProbes, kProbeSpacing);
    for (auto& t : flooders) t.join();
    EXPECT_EQ(refused.load(), kFlooders * kRounds) << other.load() << " floods not answered 431";
    expect_served(p, kFlooders);
}

// Oversized bodies: a declared 2 GiB Content-Length (refused from the head alone, nothing is
// buffered), a Content-Length that overflows 64 bits, a 1 MiB body sent in full, and a chunked
// body that grows past body_limit (64 KiB).
TEST_F(AttackTest, OversizedBodiesAreRefusedAndOthersServed) {
    const std::string head = "POST /v2/kms-key/" + std::string(kDefaultKeyId) +
                             "/replicate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    std::string chunked = head + "Transfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 256; ++i) chunked += "1000\r\n" + std::string(4096, ' ') + "\r\n";
    struct Attack {
        std::string bytes;
        int status;
    };
    const std::vector<Attack> attacks = {
        {head + "Content-Length: 2147483648\r\n\r\n", 413},
        {head + "Content-Length: 99999999999999999999999\r\n\r\n{}", 400},
        {head + "Content-Length: 1048576\r\n\r\n" + std::string(1048576, ' '), 413},
        {chunked, 413},
    };
    constexpr int kAttackers = 2, kRounds = 60;
    std::atomic<int> refused{0};
    std::vector<std::string> wrong[kAttackers];
    std::vector<std::thread> attackers;
    for (int a = 0; a < kAttackers; ++a)
        attackers.emplace_back([&, a] {
            for (int i = 0; i < kRounds; ++i) {
                const Attack& attack = attacks[static_cast<std::size_t>(i + a) % attacks.size()];
                try {
                    RawConnection c(port());
                    c.send_all(attack.bytes);  // may fail once the server has answered and closed
                    auto r = c.read_response(2000ms);
                    if (r && r->status == attack.status)
                        refused++;
                    else
                        wrong[a].push_back(attack.bytes.substr(head.size(), 40) + " -> " +
                                           (r ? std::to_string(r->status) : std::string("no response")));
                } catch (const std::exception& e) {
                    wrong[a].push_back(e.what());
                }
            }
        });
    auto t0 = Clock::now();
    RawConnection declared(port());
    ASSERT_TRUE(declared.send_all(attacks[0].bytes));
    auto r = declared.read_response(1000ms);
    auto declared_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    ProbeResult p = probe(port(), kProbes, kProbeSpacing);
    for (auto& t : attackers) t.join();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 413) << "a declared 2 GiB body is refused from its head";
    EXPECT_LT(declared_ms, 500) << "the 413 did not wait for the body";
    for (const auto& w : wrong) EXPECT_TRUE(w.empty()) << w.front();
    EXPECT_EQ(refused.load(), kAttackers * kRounds);
    expect_served(p, kAttackers);
}

// Idle keep-alive: thousands of clients that each send one request, read the answer and then
// say nothing. They are held (a keep-alive server must) until idle_timeout, then closed.
TEST_F(AttackTest, IdleKeepAliveConnectionsAreHeldThenClosedAndOthersServed) {
    SocketSet idle;
    std::string why;
    ASSERT_TRUE(idle.open(port(), kMany, &why)) << why;
    auto started = Clock::now();
    idle.send_to_all("GET /v2/kms-key/" + std::string(kDefaultKeyId) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ProbeResult p = probe(port(), kProbes, kProbeSpacing);
    EXPECT_EQ(idle.count_closed(), 0u) << "idle connections closed before idle_timeout";
    std::size_t closed = 0;
    while (Clock::now() - started < 8s && (closed = idle.count_closed()) < kMany) std::this_thread::sleep_for(100ms);
    EXPECT_EQ(closed, kMany) << "idle connections still open after idle_timeout (3 s) and margin";
    expect_served(p, kMany);
}

}  // namespace
}  // namespace kms::server
