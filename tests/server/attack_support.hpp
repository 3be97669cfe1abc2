// Tools of the attack tests (attack_test.cpp): many raw client sockets, a probe client that
// times another client's requests while an attack runs, and the process's resident memory.
// The server runs in the test's own process, so /proc/self/status VmRSS is its memory (plus
// the attackers' few bytes of user-space bookkeeping: their sockets live in the kernel).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace kms::server::test {

// VmRSS of this process in KiB (0 when /proc cannot be read: the bound check then fails).
std::size_t resident_kib();

// Raises the soft RLIMIT_NOFILE to at least `wanted` (up to the hard limit). Returns the soft
// limit in force afterwards, so that a test that cannot get enough descriptors fails saying so.
std::size_t raise_fd_limit(std::size_t wanted);

// Blocking connected sockets to 127.0.0.1:port, closed by the destructor.
class SocketSet {
public:
    SocketSet() = default;
    ~SocketSet();
    SocketSet(const SocketSet&) = delete;
    SocketSet& operator=(const SocketSet&) = delete;

    // Opens `n` more connections; false (and an explanation in *why) when one fails.
    bool open(std::uint16_t port, std::size_t n, std::string* why);
    std::size_t size() const { return fds_.size(); }
    int fd(std::size_t i) const { return fds_[i]; }
    // Sends to every socket; a send that fails marks nothing (close is seen by reading).
    // Non-blocking: a full send buffer skips that socket this time. Safe beside count_closed().
    void send_to_all(std::string_view bytes);
    // Reads whatever arrived on every socket, without waiting; counts EOF/reset as closed.
    // Returns how many are closed so far.
    std::size_t count_closed();

private:
    std::vector<int> fds_;
    std::vector<bool> closed_;
};

// One probe every `spacing`, `count` probes in all: a new connection, a request answered 400
// (a malformed replicate body: no state changes) with Connection: close. Each duration runs from
// connect to the response's last byte; a probe without a response counts as `timeout`.
struct ProbeResult {
    std::vector<double> ms;     // one per probe
    std::size_t failures = 0;   // no response or not 400
    std::size_t peak_rss_kib = 0;
    double p95() const;
    double max() const;
};
ProbeResult probe(std::uint16_t port, std::size_t count, std::chrono::milliseconds spacing,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));

}  // namespace kms::server::test
