#include "tests/server/attack_support.hpp"

#include "common/fixture_ids.hpp"
#include "tests/server/test_support.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <netinet/in.h>
#include <string>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace kms::server::test {

std::size_t resident_kib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
    return 0;
}

std::size_t raise_fd_limit(std::size_t wanted) {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
    if (lim.rlim_cur < wanted) {
        lim.rlim_cur = std::min<rlim_t>(wanted, lim.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &lim);
        ::getrlimit(RLIMIT_NOFILE, &lim);
    }
    return static_cast<std::size_t>(lim.rlim_cur);
}

SocketSet::~SocketSet() {
    for (int fd : fds_) ::close(fd);
}

bool SocketSet::open(std::uint16_t port, std::size_t n, std::string* why) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (std::size_t i = 0; i < n; ++i) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            *why = "socket #" + std::to_string(fds_.size()) + ": " + std::strerror(errno);
            return false;
        }
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            *why = "connect #" + std::to_string(fds_.size()) + ": " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        fds_.push_back(fd);
        closed_.push_back(false);
    }
    return true;
}

void SocketSet::send_to_all(std::string_view bytes) {
    // Every socket, closed or not: this runs on a trickle thread while count_closed() updates
    // closed_ (ThreadSanitizer caught the two sharing it), and a send to a closed peer just fails.
    for (int fd : fds_) (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

std::size_t SocketSet::count_closed() {
    std::size_t closed = 0;
    char buf[4096];
    for (std::size_t i = 0; i < fds_.size(); ++i) {
        while (!closed_[i]) {
            ssize_t n = ::recv(fds_[i], buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) continue;  // a response (e.g. 431) before the close: drain it
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) closed_[i] = true;
            if (n < 0 && errno == EINTR) continue;
            break;
        }
        if (closed_[i]) ++closed;
    }
    return closed;
}

double ProbeResult::p95() const {
    if (ms.empty()) return INFINITY;
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(sorted.size())));
    return sorted[std::max<std::size_t>(rank, 1) - 1];
}

double ProbeResult::max() const { return ms.empty() ? INFINITY : *std::max_element(ms.begin(), ms.end()); }

ProbeResult probe(std::uint16_t port, std::size_t count, std::chrono::milliseconds spacing,
                  std::chrono::milliseconds timeout) {
    using Clock = std::chrono::steady_clock;
    ProbeResult out;
    const std::string request = raw_replicate(kDefaultKeyId, "{}", true);
    for (std::size_t i = 0; i < count; ++i) {
        auto t0 = Clock::now();
        std::optional<RawConnection::Response> r;
        try {
            RawConnection c(port);
            if (c.send_all(request)) r = c.read_response(timeout);
        } catch (const std::exception&) {
        }
        auto took = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!r || r->status != 400) {
            ++out.failures;
            took = std::max(took, static_cast<double>(timeout.count()));
        }
        out.ms.push_back(took);
        out.peak_rss_kib = std::max(out.peak_rss_kib, resident_kib());
        std::this_thread::sleep_until(t0 + spacing);
    }
    return out;
}

}  // namespace kms::server::test
