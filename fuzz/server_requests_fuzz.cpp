// The reference server's request handling: any bytes, sent as one client connection's worth of
// requests (then the client's FIN), to the real server (Beast parser, Session, service) on
// 127.0.0.1 in this process. Properties: the server closes the connection within a bound (no
// hang on any input: no request is left half-answered), and what it sent back parses, with the
// bench's response parser, as a sequence of complete responses none of which is a 5xx (the
// contract's "no 5xx on any input"). The exchange goes over a real socket, so the Beast
// templates stay in server/http_server.cpp.
#include "fuzz/fuzz_input.hpp"
#include "fuzz/fuzz_target.hpp"
#include "harness/bench/response_parser.hpp"
#include "server/reference_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace {

using kms::fuzz::require;
using Clock = std::chrono::steady_clock;

// Well under the fuzzer's -timeout=5: a hang is reported as this property, with the input.
constexpr auto kCloseWithin = std::chrono::milliseconds(3000);

kms::server::ReferenceServer& server() {
    static kms::server::ReferenceServer* s = [] {
        kms::server::ServerOptions o;
        o.header_timeout = std::chrono::milliseconds(1000);
        o.idle_timeout = std::chrono::milliseconds(1000);
        auto* server = new kms::server::ReferenceServer(std::move(o));  // lives as long as the process
        server->start();
        return server;
    }();
    return *s;
}

int connect_to(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    require(fd >= 0, "a client socket can be made", std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // libFuzzer's -timeout runs on SIGALRM, which interrupts a blocking connect (EINTR, found in a
    // 10-minute run): the connect then goes on in the background, so wait for it and read its
    // outcome rather than reporting the server as refusing.
    int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    if (rc != 0 && errno == EINTR) {
        pollfd p{fd, POLLOUT, 0};
        while ((rc = ::poll(&p, 1, 3000)) < 0 && errno == EINTR) {
        }
        int error = rc == 1 ? 0 : ETIMEDOUT;
        socklen_t len = sizeof error;
        if (rc == 1) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
        errno = error;
        rc = error == 0 ? 0 : -1;
    }
    require(rc == 0, "the server accepts a connection", std::strerror(errno));
    return fd;
}

// Sends everything (reading meanwhile, so that a server answering early cannot deadlock us),
// half-closes, and reads until the server closes. Returns what the server sent.
std::string exchange(std::string_view request) {
    int fd = connect_to(server().port());
    std::string received;
    const auto deadline = Clock::now() + kCloseWithin;
    bool write_open = true, closed = false;
    char buf[16384];
    while (!closed) {
        if (write_open && request.empty()) {
            ::shutdown(fd, SHUT_WR);
            write_open = false;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        require(left > 0, "the server closes the connection once the client has sent all and closed",
                "received so far: " + received.substr(0, 200));
        pollfd p{fd, static_cast<short>(POLLIN | (write_open ? POLLOUT : 0)), 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n > 0) received.append(buf, static_cast<std::size_t>(n));
            else if (n == 0 || errno != EINTR) closed = true;  // FIN or reset
        }
        if (write_open && (p.revents & POLLOUT)) {
            ssize_t n = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) request.remove_prefix(static_cast<std::size_t>(n));
            else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) request = {};  // peer gone
        }
    }
    ::close(fd);
    return received;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view request = kms::fuzz::as_text(data, size);
    const std::string received = exchange(request);
    // A response to HEAD declares a length it does not send: not framed as other responses.
    if (request.find("HEAD") != std::string_view::npos) return 0;
    kms::bench::ResponseParser parser;
    std::string_view rest = received;
    while (!rest.empty()) {
        parser.reset();
        std::size_t used = 0;
        auto r = parser.feed(rest.data(), rest.size(), &used);
        if (r == kms::bench::ResponseParser::Result::need_more) r = parser.finish_eof();
        require(r == kms::bench::ResponseParser::Result::done, "the server's bytes are complete HTTP responses",
                parser.error() + ": " + std::string(rest.substr(0, 300)));
        require(parser.status() < 500, "no 5xx on any input", std::string(rest.substr(0, 300)));
        rest.remove_prefix(used == 0 ? rest.size() : used);
    }
    return 0;
}
